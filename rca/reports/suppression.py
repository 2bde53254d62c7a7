"""Small-number suppression for the members' version of the report.

Counts from 1 to `small` - 1 are shown as "<5"; where a table publishes a sum (a row total, a
total row), a second count is withheld as "[c]" so the small one cannot be worked out by
subtraction; rates over withheld counts or over fewer than `small` cases are shown as "–".

>>> # suppress(table, small=5)   # -> a copy of the Table, ready for councillors
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .tables_common import Table

SMALL = 5  # default: counts 1..SMALL-1 are shown as "<5" to members ([report] suppress_below)

SECONDARY = "[c]"  # a count withheld so that a suppressed one cannot be worked out by subtraction


def suppressed_label(small: int = SMALL) -> str:
    return f"<{small}"


def _is_marker(v) -> bool:
    return isinstance(v, str) and (v.startswith("<") or v == SECONDARY)


def _groups(table: Table, df: pd.DataFrame) -> list[tuple[list[tuple[int, str]], tuple[int, str]]]:
    """The published sums of a table as (part cells, total cell), cells as (row position, column). A total
    published in another table (`Table.known_totals`) sits in a row after the table's own (`len(df)`)."""
    out = []
    for parts, total in table.sums:
        if total not in df:
            continue
        cols = [p for p in parts if p in df]
        out += [([(i, c) for c in cols], (i, total)) for i in range(len(df))]
    if len(df) > 1:
        last = len(df) - 1
        out += [([(i, c) for i in range(last)], (last, c)) for c in table.col_total if c in df]
    out += [([(i, c) for i in range(len(df))], (len(df), c)) for c in getattr(table, "known_totals", {}) if c in df]
    return out


def _components(groups: list) -> list[list[int]]:
    """Groups of published sums that share a cell (each can be audited on its own)."""
    parent = list(range(len(groups)))

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: dict = {}
    for k, (parts, tot) in enumerate(groups):
        for cell in list(parts) + [tot]:
            if cell in owner:
                parent[root(k)] = root(owner[cell])
            else:
                owner[cell] = k
    comps: dict[int, list[int]] = {}
    for k in range(len(groups)):
        comps.setdefault(root(k), []).append(k)
    return list(comps.values())


def _pinned(groups: list, hidden: set, primary: set, value, cell, small: int) -> bool:
    """Whether a reader can work out `cell` exactly from the shown cells, the published sums and what the
    markers say (a "<5" is 1 to 4, a withheld "[c]" at least 0): the least and greatest values it can take
    are less than 1 apart."""
    from scipy.optimize import linprog

    cols = sorted(hidden)
    at = {c: j for j, c in enumerate(cols)}
    A = np.zeros((len(groups), len(cols)))
    b = np.zeros(len(groups))
    for r, (parts, tot) in enumerate(groups):
        for x, sign in [(x, 1.0) for x in parts] + [(tot, -1.0)]:
            if x in at:
                A[r, at[x]] += sign
            else:
                b[r] -= sign * value(x)
    bounds = [(1, small - 1) if c in primary else (0, None) for c in cols]
    obj = np.zeros(len(cols))
    obj[at[cell]] = 1.0
    lo = linprog(obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    hi = linprog(-obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    if lo.status != 0 or hi.status != 0:  # unbounded above: not pinned; infeasible (sums that do not add up): nothing to add
        return False
    return (-hi.fun) - lo.fun < 1 - 1e-9


def secondary_suppress(table: Table, values: pd.DataFrame, hidden: pd.DataFrame, *, small: int = SMALL,
                       groups: list | None = None) -> pd.DataFrame:
    """Cells to withhold besides the small counts (`hidden`) so that no small count can be worked out by adding
    and subtracting the shown cells of the table's published sums (`Table.sums`, `Table.col_total`, and totals another
    table publishes, `Table.known_totals`), nor pinned
    to one value by them (a "<5" is at least 1). While one can, a further cell is withheld: the first, in the order
    non-zero count that is not a total, non-zero total, zero (smallest first; cells of a sum holding the small
    count before others), that stops it being worked out, else the first in that order.
    Returns the mask of the extra cells."""
    pos = {c: j for j, c in enumerate(hidden.columns)}
    if groups is None:
        groups = [(parts, tot) for parts, tot in _groups(table, values) if tot[1] in pos and all(c in pos for _, c in parts)]
    known = {c: n for c, n in getattr(table, "known_totals", {}).items() if c in pos}
    if known:  # totals another table publishes: one shown row more, dropped from the mask returned
        n = len(values)
        values = pd.concat([values, pd.DataFrame([{c: float(known.get(c, np.nan)) for c in values.columns}], index=[n])])
        hidden = pd.concat([hidden, pd.DataFrame([{c: False for c in hidden.columns}], index=[n])])
        extra = secondary_suppress(replace(table, known_totals={}, sums=(), col_total=()), values, hidden, small=small,
                                   groups=groups)
        return extra.iloc[:n]
    h = hidden.to_numpy(copy=True)
    x = np.zeros_like(h, dtype=bool)
    if not groups or not h.any():
        return pd.DataFrame(x, index=hidden.index, columns=hidden.columns)
    v = values.to_numpy(dtype=float)
    totals = {tot for _, tot in groups}

    def val(cell):
        return v[cell[0], pos[cell[1]]]

    def is_hidden(cell):
        return bool(h[cell[0], pos[cell[1]]] or x[cell[0], pos[cell[1]]])

    primary = {(i, c) for c in hidden.columns for i in np.flatnonzero(h[:, pos[c]])}
    for comp in _components(groups):
        sub = [groups[k] for k in comp]
        cells = {cell for parts, tot in sub for cell in list(parts) + [tot]}
        prim = sorted(c for c in primary if c in cells)
        for _ in range(len(cells)):  # each pass withholds one more cell: bounded by the component's size
            hid = {c for c in cells if is_hidden(c)}
            open_ = next((p for p in prim if _pinned(sub, hid, primary, val, p, small)), None)
            if open_ is None:
                break
            near = {cell for parts, tot in sub if open_ in parts or open_ == tot for cell in list(parts) + [tot]}
            shown = [c for c in cells if not is_hidden(c) and not np.isnan(val(c))]
            if not shown:
                break
            order = sorted(shown, key=lambda c: (c not in near, val(c) == 0, c in totals, val(c), c[0], str(c[1])))
            pick = next((c for c in order if not _pinned(sub, hid | {c}, primary, val, open_, small)), order[0])
            x[pick[0], pos[pick[1]]] = True
    return pd.DataFrame(x, index=hidden.index, columns=hidden.columns)


def _base_mask(base, n: int, small: int) -> np.ndarray:
    vals = np.full(n, np.nan) if base is None else np.asarray(
        [np.nan if b is None else float(b) for b in (base if np.ndim(base) else [base] * n)], dtype=float)
    return (vals > 0) & (vals < small)


def suppress(table: Table, *, small: int = SMALL) -> Table:
    """The members' version of a table: counts 1..small-1 become "<small" (e.g. "<5"); where a table
    publishes a sum, a second count is withheld as "[c]" so that the small one cannot be worked out by
    subtraction; and a rate whose counts were withheld, or which is over fewer than `small` cases, becomes
    "–" (a rate on so few cases identifies people). `small` <= 1 leaves the table as it is."""
    if not table.ok or small <= 1:
        return table
    df = table.data.copy().reset_index(drop=True)
    cols = [c for c in table.counts if c in df]
    values = pd.DataFrame({c: pd.to_numeric(df[c].where(~df[c].map(_is_marker), np.nan), errors="coerce") for c in cols}, index=df.index)
    hidden = pd.DataFrame({c: (values[c].gt(0) & values[c].lt(small)) | df[c].map(_is_marker) for c in cols}, index=df.index)
    extra = secondary_suppress(table, values, hidden, small=small)
    for c in cols:
        small_mask = hidden[c] & ~df[c].map(_is_marker)
        if small_mask.any() or extra[c].any():
            df[c] = df[c].astype(object)
            df.loc[small_mask, c] = suppressed_label(small)
            df.loc[extra[c] & ~hidden[c], c] = SECONDARY
    withheld = hidden | extra
    any_hidden = withheld.any(axis=1) if cols else pd.Series(False, index=df.index)
    for col, parts in table.pct.items():
        if col not in df:
            continue
        # a rate is hidden when a count it is computed from was withheld (it would give the count away);
        # `None` means "any count in the row"
        if parts is None:
            mask = any_hidden.copy()
        else:
            mask = pd.Series(False, index=df.index)
            for part in (parts,) if isinstance(parts, str) else parts:
                if part in withheld:
                    mask |= withheld[part]
        if col in table.bases:
            mask |= _base_mask(table.bases[col], len(df), small)
        if mask.any():
            df[col] = df[col].astype(object)
            df.loc[mask, col] = "–"
    for col, base in table.bases.items():
        if col in df and col not in table.pct:
            mask = _base_mask(base, len(df), small)
            if mask.any():
                df[col] = df[col].astype(object)
                df.loc[mask, col] = "–"
    return replace(table, data=df)
