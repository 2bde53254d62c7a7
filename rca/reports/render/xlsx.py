"""Render every report table into one workbook, one sheet each named by its key (openpyxl), with a
Contents sheet listing them (and the skipped ones, with what would unlock them).

Numbers stay numbers; text cells are neutralised against formula injection.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from rca.ingest.io import neutralise_cell
from rca.reports.render.fmt import with_unknown
from rca.reports.tables.common import Table

_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD.sub("-", title).strip("' ")[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name.lower())
    return name


def _value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        if math.isinf(float(v)):  # a % change from none: "new", as the HTML and Word say it
            return "new" if v > 0 else "–"
        return None if math.isnan(float(v)) else float(v)
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (list, tuple)):
        v = " | ".join(map(str, v))
    return neutralise_cell(str(v))


def _write_table(ws, t: Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([_value(t.title)])
    ws["A1"].font = Font(bold=True, size=12)
    if t.note:
        ws.append([_value(t.note)])
        ws["A2"].alignment = Alignment(wrap_text=False)
    ws.append([])
    df = with_unknown(t)
    header_row = ws.max_row + 1
    ws.append([_value(str(c)) for c in df.columns])
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F2F1")
    for row in df.itertuples(index=False):
        ws.append([_value(v) for v in row])
    for j, c in enumerate(df.columns, 1):
        fmt = None
        if "%" in str(c):
            fmt = '0.0"%"'
        elif c in t.money or str(c).endswith("£"):
            fmt = '"£"#,##0.00'
        elif c in t.counts:
            fmt = "#,##0"
        if fmt:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=j, max_col=j):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200).tolist()]) + 2
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def workbook_tables(report) -> list[Table]:
    """Every table in the report, in report order, plus the theme quotes and learning drafts."""
    seen, out = set(), []
    for s in report.sections:
        for kind, v in s.blocks:
            if kind == "table" and v.key not in seen:
                seen.add(v.key)
                out.append(v)
    for key, t in report.tables.items():
        if key not in seen and t.ok:
            seen.add(key)
            out.append(t)
    if len(report.theme_quotes) and report.audience != "members":
        q = report.theme_quotes[["theme", "rank", "case_id", "quote"]].rename(
            columns={"theme": "Theme", "rank": "Rank", "case_id": "Case", "quote": "Quote (redacted)"}
        )
        out.append(
            Table(
                "theme_quotes",
                "Theme quotes (redacted)",
                q,
                note="Representative complaints for each theme; personal data replaced by placeholders.",
            )
        )
    if len(report.learning):
        cols = ["theme", "what", "evidence", "trend", "actions", "next_step"]
        d = report.learning[cols].rename(
            columns={
                "theme": "Theme",
                "what": "What is going wrong",
                "evidence": "Evidence",
                "trend": "Trend",
                "actions": "Corrective actions on similar cases",
                "next_step": "Next step (draft)",
            }
        )
        out.append(Table("learning", "Learning from complaints (draft)", d, note="Drafted text for an officer to edit."))
    return out


def write_xlsx(report, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from rca.ingest.io import atomic_path

    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    contents.append([_value(report.title)])
    contents["A1"].font = Font(bold=True, size=13)
    contents.append(
        [
            _value(
                f"Period {report.period.label}"
                + (f", compared with {report.compare.label}" if report.compare else "")
                + f"; version for {report.audience}; generated {report.generated}"
            )
        ]
    )
    for alert in getattr(report, "alerts", []):  # undated data, periods the data does not wholly cover
        contents.append([_value(f"Note: {alert}")])
    contents.append([])
    contents.append(["Sheet", "Table", "Note"])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    used = {"contents"}
    for t in workbook_tables(report):
        name = _sheet_name(t.key, used)
        _write_table(wb.create_sheet(name), t)
        contents.append([_value(name), _value(t.title), _value(t.note)])
    for t in (t for t in report.tables.values() if not t.ok):
        contents.append([None, _value(t.title), _value(t.skipped)])
    contents.column_dimensions["A"].width = 33
    contents.column_dimensions["B"].width = 50
    contents.column_dimensions["C"].width = 100
    with atomic_path(path) as tmp:
        wb.save(str(tmp))
    return Path(path)
