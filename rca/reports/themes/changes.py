"""Change on the comparison period beside the key figures: the count (or amount, or rate points) and the %,
worked from the figures as shown, so a withheld or suppressed figure gives no change either.

Example::

    kf = key_figure_changes(prep, kf)   # after suppression
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from rca.reports.tables.common import CHANGE, Prepared, Table, round_half_up


def _number(v):
    if v is None or isinstance(v, (str, bool)):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(x) else x


def key_figure_changes(prep: Prepared, table: Table) -> Table:
    """The key figures with "Change" (count, £, or points for a rate) and "% change" (counts and amounts) columns
    when a comparison period is given. Counts over periods the data covers for different numbers of days are
    compared per day covered (the % column says so) and get no "Change" count."""
    if prep.compare is None or not table.ok or prep.compare.label not in table.data:
        return table
    df = table.data.copy()
    cur, prev = prep.period.label, prep.compare.label
    change, pct_change = [], []
    for measure, a, b in zip(df["Measure"], df[cur], df[prev]):
        x, y = _number(a), _number(b)
        rate = str(measure).endswith("%")
        if x is None or y is None:
            change.append(None)
            pct_change.append(None)
        elif rate:
            change.append(round_half_up(x - y, 1))
            pct_change.append(None)
        else:
            d = x - y
            change.append(
                None if prep.per_day else (int(d) if float(d).is_integer() and not str(measure).endswith("£") else round_half_up(d, 2))
            )
            pct_change.append(float(prep.change_pct(x, y)) if y else (float("inf") if x else None))
    if not prep.per_day:
        df[CHANGE] = pd.Series(change, index=df.index, dtype=object)
    df[prep.change_col] = pd.Series(pct_change, index=df.index, dtype=object)
    note = table.note + (
        f" Change: {cur} less {prev} (for a rate, in percentage points); % change on {prev}."
        if not prep.per_day
        else f" {prep.change_col}: on {prev}, per day the data covers."
    )
    return replace(table, data=df, note=note)
