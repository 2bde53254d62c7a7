"""What the full report prints where, so it can be read in a meeting: a chart or a table where both say the same
thing (not both), the long and the statistical tables in the workbook (report.xlsx, one sheet each, and
tables/<key>.csv) with a line saying where, and the trends said in words.

Every table is still built, checked and written to the workbook; only the HTML and Word pages leave some out.
"""

from __future__ import annotations

import pandas as pd

from rca.reports.tables.common import Table

# detail tables a reader looks up rather than reads: in the workbook only
WORKBOOK_ONLY = {
    "on_time_by_service",
    "outcomes_by_service",
    "root_causes_by_quarter",
    "root_cause_predicted",
    "compensation",
    "ombudsman",
    "theme_changes",
    "service_changes",
    "root_cause_changes",
    "theme_year_changes",
}
# long tables whose chart says the same: the chart on the page, the table in the workbook (none by default: a
# table of 20 wards is a tenth of the bytes of its chart, and a seed-report table type)
CHART_INSTEAD: set[str] = set()


def where_note(t: Table) -> str:
    return f"{t.title}: in the workbook (report.xlsx, sheet \u201c{t.key[:31]}\u201d) and in tables/{t.key}.csv."


def place(s, t: Table, charts: dict) -> None:
    """Add table `t` to section `s` as the page shows it: the table, its chart instead, or a line saying where it is."""
    if not t.ok:
        s.add("h3", t.title)
        s.add("note", t.skipped)
        return
    chart = charts.get(t.chart) if t.chart else None
    if t.key in WORKBOOK_ONLY:
        s.add("p", where_note(t))
    elif t.key in CHART_INSTEAD and chart is not None:
        s.add("chart", chart)
        s.add("p", where_note(t))
    else:
        s.add("table", t)


def changes_in_words(ta, prep) -> list[str]:
    """What rose or fell beyond chance, named (the tests and q-values are in the workbook)."""
    out = []
    for frame, what in ((ta.changes, "Themes"), (ta.service_changes, "Services"), (ta.cause_changes, "Root causes")):
        if frame is None or not len(frame):
            continue
        rose = [str(x) for x in frame.loc[frame["direction"].eq("rose"), "theme"]]
        fell = [str(x) for x in frame.loc[frame["direction"].eq("fell"), "theme"]]
        latest = frame["latest_bin"].iloc[0] if "latest_bin" in frame else "the latest period"
        if rose or fell:
            bits = ([f"rose: {', '.join(rose)}"] if rose else []) + ([f"fell: {', '.join(fell)}"] if fell else [])
            out.append(f"{what} whose share of complaints in {latest} changed beyond chance — " + "; ".join(bits) + ".")
    yc = ta.year_changes
    if yc is not None and len(yc) and prep.compare is not None:
        moved = yc[yc["direction"].isin(["rose", "fell"])]
        if len(moved):
            out.append(
                f"Themes whose count changed beyond chance on {prep.compare.label}: "
                + ", ".join(f"{r['theme']} ({r['direction']})" for _, r in moved.iterrows())
                + "."
            )
    if not out:
        out.append("No theme, service or root cause rose or fell beyond chance.")
    return out


def contents(sections) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The linked contents list: (section key, title, [(anchor, table or chart title)])."""
    out = []
    for s in sections:
        items = []
        for kind, v in s.blocks:
            if kind == "table":
                items.append((f"table-{v.key}", v.title))
            elif kind == "chart":
                items.append((f"chart-{v.key}", v.title))
        out.append((s.key, s.title, items))
    return out


def page_tables(sections) -> pd.Index:
    """Keys of the tables the page prints."""
    return pd.Index([v.key for s in sections for k, v in s.blocks if k == "table"])
