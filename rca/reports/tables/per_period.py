"""Tables of counts by one column, for the report's period and the comparison period, with the change between them.

`count_table` builds one from a function giving a period's counts: the count columns, "Change" and "% change" (per
day covered when the periods are not both wholly covered), an optional share of a base ("% of contacts") and an
optional total row, with what suppression needs to know about them (`Table.counts`, `pct`, `bases`, `col_total`,
`known_totals`). `with_change`, `total_row` and the column helpers serve tables with their own layout.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from rca.reports.periods import Period
from rca.reports.tables.common import CHANGE, Prepared, Table, pct

__all__ = ["change_pct_cols", "count_cols", "count_table", "total_row", "with_change", "with_change_note"]


def with_change(cur: pd.Series, prev: pd.Series | None, prep: Prepared, *, label: str) -> pd.DataFrame:
    """A count column per period, and % change when there is a comparison period (per day covered when
    the two periods are not both wholly covered: `Prepared.change_col` names which)."""
    cur_lab = prep.period.label
    if prev is None:
        df = pd.DataFrame({label: cur.index, cur_lab: cur.to_numpy()})
        return df
    keys = list(cur.index) + [k for k in prev.index if k not in cur.index]
    cmp_lab = prep.compare.label
    c = cur.reindex(keys).fillna(0).astype("int64")
    p = prev.reindex(keys).fillna(0).astype("int64")
    df = pd.DataFrame({label: keys, cmp_lab: p.to_numpy(), cur_lab: c.to_numpy()})
    if not prep.per_day:  # counts over different days covered are not subtracted one from the other
        df[CHANGE] = (c - p).to_numpy()
    change = prep.change_pct(c.to_numpy(), p.to_numpy())
    df[prep.change_col] = np.where((p.to_numpy() == 0) & (c.to_numpy() > 0), np.inf, change)  # from none: "new"
    return df


def total_row(df: pd.DataFrame, label_col: str, label: str = "Total", prep: Prepared | None = None) -> pd.DataFrame:
    sums = {c: int(df[c].sum()) for c in df.columns if c != label_col and pd.api.types.is_integer_dtype(df[c])}
    row = {label_col: label, **sums}
    out = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
    if prep is not None and prep.compare is not None and prep.change_col in df.columns:
        out.loc[out.index[-1], prep.change_col] = prep.change_pct(row[prep.period.label], row[prep.compare.label])
    return out


def change_pct_cols(prep: Prepared) -> dict:
    """The `pct` entry of a table's % change column (hidden with any suppressed count in its row)."""
    if not prep.compare:
        return {}
    return {prep.change_col: None, **({} if prep.per_day else {CHANGE: None})}


def count_cols(df: pd.DataFrame, label: str) -> tuple[str, ...]:
    """Every column of a per-period count table but its label and its percentages."""
    return tuple(c for c in df.columns if c not in (label, CHANGE) and "%" not in str(c))


def with_change_note(prep: Prepared, note: str) -> str:
    return note + prep.change_note()


def count_table(
    prep: Prepared,
    key: str,
    title: str,
    count: Callable[[Period], pd.Series],
    *,
    label: str,
    note: str | Callable[[pd.DataFrame], str],
    share: str | None = None,
    base: Callable[[Period], int] | None = None,
    total: str | None = None,
    chart: str | None = None,
) -> Table:
    """Counts by one column (headed `label`), `count(period)` for the period and the comparison period, with the change.

    `share`: a column of each count as a % of `base(period)` records, whose totals other tables must agree with.
    `total`: a last row with this label, the sum of the rows above. `note`: the table's note, or a function of
    its frame that writes it; the change note follows it.
    """
    cur = count(prep.period)
    prev = count(prep.compare) if prep.compare else None
    df = with_change(cur, prev, prep, label=label)
    if total is not None:
        df = total_row(df, label, total, prep=prep)
    rates, extra = change_pct_cols(prep), {}
    if share is not None and base is not None:
        n = base(prep.period)
        df[share] = pct(df[prep.period.label], n)
        rates = {share: prep.period.label, **rates}
        known = {prep.period.label: n, **({prep.compare.label: base(prep.compare)} if prep.compare else {})}
        extra = {"bases": {share: n}, "known_totals": known}
    cnt = count_cols(df, label)
    return Table(
        key,
        title,
        df,
        counts=cnt,
        pct=rates,
        col_total=cnt if total is not None else (),
        chart=chart,
        note=with_change_note(prep, note(df) if callable(note) else note),
        **extra,
    )
