"""Small-number suppression for the members' version of the report.

Counts from 1 to `small` - 1 are shown as "<5"; where a table publishes a sum (a row total, a
total row), a second count is withheld as "[c]" so the small one cannot be worked out by
subtraction; rates over withheld counts or over fewer than `small` cases are shown as "–".

>>> import pandas as pd
>>> from rca.reports.tables.common import Table
>>> table = Table(key="by_service", title="Complaints by service", counts=("n",),
...               data=pd.DataFrame({"service": ["Waste", "Parking"], "n": [12, 3]}))
>>> suppress(table, small=5).data["n"].tolist()   # a copy of the Table, ready for councillors
[12, '<5']
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from rca.reports.tables.common import Table

log = logging.getLogger(__name__)

SMALL = 5  # default: counts 1..SMALL-1 are shown as "<5" to members ([report] suppress_below)

SECONDARY = "[c]"  # a count withheld so that a suppressed one cannot be worked out by subtraction


def suppressed_label(small: int = SMALL) -> str:
    return f"<{small}"


def is_marker(v) -> bool:
    return isinstance(v, str) and (v.startswith("<") or v == SECONDARY)


def sum_groups(table: Table, df: pd.DataFrame) -> list[tuple[list[tuple[int, str]], tuple[int, str]]]:
    """The published sums of a table as (part cells, total cell), cells as (row position, column). A total
    published in another table (`Table.known_totals`) sits in a row after the table's own (`len(df)`); the count
    a table implies but does not print (`Table.complements`: responded − on time, the late responses) sits in a
    column of its own, `complement_col(part, total)`."""
    out = []
    for parts, total in table.sums:
        if total not in df:
            continue
        cols = [p for p in parts if p in df]
        out += [([(i, c) for c in cols], (i, total)) for i in range(len(df))]
    if len(df) > 1:
        last = len(df) - 1
        out += [([(i, c) for i in range(last)], (last, c)) for c in table.col_total if c in df]
    out += [([(i, c) for i in range(len(df))], (len(df), c)) for c in table.known_totals if c in df]
    for part, total in table.complements:
        if part in df and total in df:
            out += [([(i, part), (i, complement_col(part, total))], (i, total)) for i in range(len(df))]
    return out


def complement_col(part: str, total: str) -> str:
    """The name of the unprinted column `total` − `part` (e.g. the late responses: responded − on time)."""
    return f"{total} − {part}"


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


def _pinned(groups: list, hidden: set, bounded: set, value, cell, small: int) -> bool:
    """Whether a reader can work out `cell` exactly from the shown cells, the published sums and what the
    markers say (a "<5", a cell of `bounded`, is 1 to 4; a withheld "[c]" or an unprinted count at least 0): the
    least and greatest values it can take are less than 1 apart."""
    from scipy.optimize import linprog

    cols = sorted(hidden, key=_tie)
    at = {c: j for j, c in enumerate(cols)}
    A = np.zeros((len(groups), len(cols)))
    b = np.zeros(len(groups))
    for r, (parts, tot) in enumerate(groups):
        for x, sign in [(x, 1.0) for x in parts] + [(tot, -1.0)]:
            if x in at:
                A[r, at[x]] += sign
            else:
                b[r] -= sign * value(x)
    bounds = [(1, small - 1) if c in bounded else (0, None) for c in cols]
    obj = np.zeros(len(cols))
    obj[at[cell]] = 1.0
    lo = linprog(obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    hi = linprog(-obj, A_eq=A, b_eq=b, bounds=bounds, method="highs")
    if lo.status != 0 or hi.status != 0:  # unbounded above: not pinned; infeasible (sums that do not add up): nothing to add
        return False
    # counts are whole numbers: a range holding one whole number pins the cell (1.5 to 2.5 is 2)
    return math.floor(-hi.fun + 1e-7) <= math.ceil(lo.fun - 1e-7)


def _tie(cell) -> tuple:
    """Cells sort by their parts: row positions as numbers, names as text."""
    return tuple((0, int(x), "") if isinstance(x, (int, np.integer)) else (1, 0, str(x)) for x in cell)


def protect(groups: list, value, *, hidden: set, bounded: set, guard: set, small: int = SMALL, fixed: frozenset | set = frozenset()) -> set:
    """The cells to show as "[c]" so that no cell of `guard` can be worked out exactly from the shown cells, the
    markers and the published sums `groups` ([(part cells, total cell)], a cell any hashable tuple).

    `value(cell)`: the true count; `hidden`: cells not shown (small counts, withheld ones, counts never printed);
    `bounded`: hidden cells a reader knows to be 1..small-1 (shown as "<5"); `fixed`: shown cells that cannot be
    withheld (published in another place). While a cell of `guard` can be worked out, one more cell is withheld:
    the first, in the order non-zero count that is not a total, non-zero total, zero (smallest first; cells of a sum
    holding the open cell before others), that stops it being worked out. Where no shown cell can, a "<5" is shown
    as "[c]" instead, which says less (four "<5" adding up to a "<5" are 1 each, whatever else is withheld): a total
    first. Withholding only widens what a reader cannot tell, so a cell once safe stays safe: each is checked until
    it is. Returns the shown cells to withhold and the "<5" cells to show as "[c]"."""
    extra: set = set()
    loose: set = set()
    if not groups or not guard:
        return extra
    totals = {tot for _, tot in groups}
    for comp in _components(groups):
        sub = [groups[k] for k in comp]
        cells = {cell for parts, tot in sub for cell in list(parts) + [tot]}
        todo = sorted((c for c in guard if c in cells), key=_tie)
        while todo:
            open_ = todo[0]
            hid = {c for c in cells if c in hidden or c in extra}
            bnd = {c for c in cells if c in bounded and c not in loose}

            def pinned(h=hid, b=bnd):
                return _pinned(sub, h, b, value, open_, small)

            if not pinned():
                todo.pop(0)
                continue
            shown = [c for c in cells if c not in hid and c not in fixed and not np.isnan(value(c))]
            near = {cell for parts, tot in sub if open_ in parts or open_ == tot for cell in list(parts) + [tot]}
            order = sorted(shown, key=lambda c: (c not in near, value(c) == 0, c in totals, value(c), _tie(c)))
            slack = sorted((c for c in bnd if c not in fixed), key=lambda c: (c not in near, c not in totals, _tie(c)))
            pick = next((c for c in order if not pinned(hid | {c})), None)
            if pick is not None:
                extra.add(pick)
                continue
            pick = next((c for c in slack if not pinned(hid, bnd - {c})), None)
            if pick is not None:
                loose.add(pick)
                continue
            if pinned(hid | set(shown), bnd - set(slack)):
                # nothing withheld would help (it is fixed by counts published elsewhere): leave the rest shown rather
                # than blank the whole table for nothing
                log.info("suppression: %s can be worked out from counts published elsewhere", open_)
                todo.pop(0)
            elif order and not pinned(hid | set(shown)):
                extra.add(order[0])  # it takes more than one withheld cell
            else:
                loose.add(slack[0]) if slack else extra.add(order[0])
    return extra | loose


def secondary_suppress(
    table: Table,
    values: pd.DataFrame,
    hidden: pd.DataFrame,
    *,
    small: int = SMALL,
    groups: list | None = None,
    unprinted: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cells to withhold besides the small counts (`hidden`) so that no small count can be worked out by adding
    and subtracting the shown cells of the table's published sums (`Table.sums`, `Table.col_total`, totals another
    table publishes, `Table.known_totals`, and counts the table implies, `Table.complements`), nor pinned
    to one value by them (a "<5" is at least 1). `unprinted`: the implied counts (columns
    `complement_col(part, total)`), never shown; a small one is kept from being worked out too. See `protect`.
    Returns the mask of the extra cells."""
    cols = list(hidden.columns)
    if groups is None:
        groups = sum_groups(table, values)
    n = len(values)
    cell_value = {(i, c): float(values[c].iat[i]) for c in cols for i in range(n)}
    shown_hidden = {(i, c) for c in cols for i in np.flatnonzero(hidden[c].to_numpy())}
    implied = set()
    if unprinted is not None:
        for c in unprinted.columns:
            for i in range(n):
                cell_value[(i, c)] = float(unprinted[c].iat[i])
                implied.add((i, c))
    for c, tot in table.known_totals.items():
        if c in cols:
            cell_value[(n, c)] = float(tot)
    keep = [(parts, tot) for parts, tot in groups if tot in cell_value and all(p in cell_value for p in parts)]
    guard = shown_hidden | {c for c in implied if 0 < cell_value[c] < small}
    extra = protect(
        keep,
        lambda c: cell_value.get(c, np.nan),
        hidden=shown_hidden | implied,
        bounded=shown_hidden,
        guard=guard,
        small=small,
        fixed={(n, c) for c in cols},
    )
    x = pd.DataFrame(False, index=hidden.index, columns=hidden.columns)
    for i, c in extra:
        if i < n and c in x.columns:
            x.iat[i, cols.index(c)] = True
    return x


def _base_mask(base, n: int, small: int) -> np.ndarray:
    vals = (
        np.full(n, np.nan)
        if base is None
        else np.asarray([np.nan if b is None else float(b) for b in (base if np.ndim(base) else [base] * n)], dtype=float)
    )
    return (vals > 0) & (vals < small)


def count_values(table: Table, df: pd.DataFrame | None = None) -> pd.DataFrame:
    """The count columns of a table as numbers (NaN for a marker or a blank)."""
    df = table.data if df is None else df
    cols = [c for c in table.counts if c in df]
    return pd.DataFrame({c: pd.to_numeric(df[c].where(~df[c].map(is_marker), np.nan), errors="coerce") for c in cols}, index=df.index)


def unprinted_values(table: Table, values: pd.DataFrame) -> pd.DataFrame | None:
    """The counts a table implies without printing them (`Table.complements`), e.g. late = responded − on time."""
    pairs = [(p, t) for p, t in table.complements if p in values and t in values]
    if not pairs:
        return None
    return pd.DataFrame({complement_col(p, t): values[t] - values[p] for p, t in pairs}, index=values.index)


def hide_rates(table: Table, df: pd.DataFrame, withheld: pd.DataFrame, *, small: int = SMALL) -> pd.DataFrame:
    """Rates shown as "–" where a count they come from is withheld (`Table.pct`; None: any count in the row)
    or their base is under `small` (`Table.bases`)."""
    any_hidden = withheld.any(axis=1) if len(withheld.columns) else pd.Series(False, index=df.index)
    for col, parts in table.pct.items():
        if col not in df:
            continue
        # a rate is hidden when a count it is computed from was withheld (it would give the count away)
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
    return df


def suppress(table: Table, *, small: int = SMALL) -> Table:
    """The members' version of a table: counts 1..small-1 become "<small" (e.g. "<5"); where a table
    publishes a sum, a second count is withheld as "[c]" so that the small one cannot be worked out by
    subtraction (nor a small count the table implies, `Table.complements`: 9 responded, 8 on time is 1 late);
    and a rate whose counts were withheld, or which is over fewer than `small` cases, becomes
    "–" (a rate on so few cases identifies people). `small` <= 1 leaves the table as it is."""
    if not table.ok or small <= 1:
        return table
    df = table.data.copy().reset_index(drop=True)
    cols = [c for c in table.counts if c in df]
    values = count_values(table, df)
    hidden = pd.DataFrame({c: (values[c].gt(0) & values[c].lt(small)) | df[c].map(is_marker) for c in cols}, index=df.index)
    extra = secondary_suppress(table, values, hidden, small=small, unprinted=unprinted_values(table, values))
    for c in cols:
        marked = df[c].map(is_marker)
        small_mask = hidden[c] & ~marked
        if small_mask.any() or extra[c].any():
            df[c] = df[c].astype(object)
            df.loc[small_mask & ~extra[c], c] = suppressed_label(small)
            df.loc[extra[c] & ~marked, c] = SECONDARY  # withheld, or a small count that "<5" would give away
    return replace(table, data=hide_rates(table, df, hidden | extra, small=small))
