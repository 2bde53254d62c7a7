"""Cell formatting shared by the HTML and Word renderers (Excel keeps numbers as numbers).

>>> fmt_cell(1234, "Complaints", None)
'1,234'
>>> fmt_cell(3.2e-7, "q-value", None), fmt_cell(0.01234, "q-value", None)
('<0.001', '0.0123')
"""

from __future__ import annotations

import math

import numpy as np

from rca.reports.tables.common import Table

DASH = "–"


def fmt_cell(value, col: str, table: Table | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return DASH
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    is_pct = "%" in str(col)
    is_money = table is not None and col in table.money or str(col).endswith("£")
    if isinstance(value, (int, np.integer)):
        if is_money:
            return f"£{int(value):,}"
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isinf(v):
            return "new" if v > 0 else DASH
        if is_money:
            return f"£{v:,.2f}"
        if str(col) == "q-value":  # a tiny q-value is not 0: "<0.001", else 3 significant figures
            return "<0.001" if v < 0.001 else f"{v:.3g}"
        if is_pct:
            return f"{v:.1f}%"
        if v.is_integer() and abs(v) >= 1:
            return f"{int(v):,}"
        return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.1f}"
    return str(value)


def is_numeric_col(table: Table, col: str) -> bool:
    df = table.data
    return col in df and (df[col].dtype.kind in "iuf" or col in table.counts or col in table.pct or col in table.money)


def figure_value(measure: str, value) -> str:
    """Key figures: the measure's name says its unit."""
    if isinstance(value, str):
        return value
    if measure.endswith("%"):
        return fmt_cell(value, "x %", None)
    if measure.endswith("£"):
        return fmt_cell(float(value) if value is not None else None, "x £", None)
    return fmt_cell(value, "", None)


def change_text(value, *, rate: bool = False, money: bool = False) -> str:
    """A change with its sign: "+12", "−3", "+1.5 pts" (a rate's change is in percentage points), "+£120.00"."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    v = float(value)
    sign = "+" if v > 0 else ("−" if v < 0 else "")
    if rate:
        return f"{sign}{abs(v):.1f} pts"
    if money:
        return f"{sign}£{abs(v):,.2f}"
    return f"{sign}{abs(v):,.0f}" if v.is_integer() else f"{sign}{abs(v):,.1f}"


def cell_text(table: Table, row, col: str) -> str:
    """The text of one cell as the HTML and Word reports print it."""
    from rca.reports.tables.common import CHANGE

    if col == CHANGE:
        measure = str(row["Measure"]) if table.key == "key_figures" else ""
        return change_text(row[col], rate=measure.endswith("%"), money=measure.endswith("£") or col in table.money)
    if table.key == "key_figures" and col != "Measure":
        if "%" in str(col):  # the % change column: a percentage whatever the measure
            return fmt_cell(row[col], col, table)
        return figure_value(str(row["Measure"]), row[col])
    return fmt_cell(row[col], col, table)


def with_unknown(table: Table):
    """The table's data for a file (CSV, Excel), where a headline figure that is not known (None: the export lacks
    the column it needs, or no record has a usable stage) reads "–" as on the page, not as a blank cell."""
    if table.key != "key_figures" or table.data is None:
        return table.data
    df = table.data.astype(object)
    return df.where(df.notna(), DASH)
