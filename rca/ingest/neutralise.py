"""Cells made safe for spreadsheets: text a spreadsheet would run as a formula quoted (CSV
injection), carriage returns inside CSV cells made newlines, and cells a worksheet cannot hold
(control characters, over-long text) shown or cut with a warning."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from rca.schema import SOURCE_ROW

log = logging.getLogger("rca.ingest.io")  # the logger name these notes have always carried

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell that is only a number ("-2", "+44", "-1.5e3") is read as that number, never run as a
# formula, so it is written as it came (a code column of "-2.0" keeps its value).
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in _text_columns(out):
        out[col] = out[col].astype(object).map(neutralise_cell)
    return out


def _text_columns(df: pd.DataFrame) -> list:
    return [
        c
        for c in df.columns
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]) or isinstance(df[c].dtype, pd.CategoricalDtype)
    ]


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Carriage returns become newlines inside cells: with a "\\n" line ending pandas leaves a
    cell holding a lone CR unquoted, and spreadsheets then split the row there (the second
    half can start with '=' and run as a formula)."""
    cols = [c for c in _text_columns(df) if df[c].astype(object).map(lambda v: isinstance(v, str) and "\r" in v).any()]
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].astype(object).map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v)
    return out


EXCEL_CELL_MAX = 32_767  # characters a worksheet cell holds


def _cut_for_excel(value: str) -> str:
    """The start of a too-long text and a marker saying how much was cut and where to get it all."""
    kept = EXCEL_CELL_MAX - 160
    return (
        value[:kept] + f" [... cut by rca: {len(value) - kept:,} more characters; an Excel cell holds "
        f"{EXCEL_CELL_MAX:,}; write .csv or .parquet for the whole text]"
    )


def excel_safe(df: pd.DataFrame, path: str | Path | None = None) -> pd.DataFrame:
    """Control characters cannot be stored in a worksheet: show them as U+FFFD, and say so.
    Text longer than a cell holds is cut with a marker in the cell and a warning naming the rows
    (`source_row` where the frame has it, else the sheet's row), never cut silently."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from rca.errors import message

    out = df.copy()
    replaced = 0
    cut: dict[str, list] = {}
    for col in _text_columns(out):
        values = out[col].astype(object)
        bad = values.map(lambda v: isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v) is not None).astype(bool)
        if bad.any():
            replaced += int(bad.sum())
            values = values.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v)
            out[col] = values
        long = values.map(lambda v: isinstance(v, str) and len(v) > EXCEL_CELL_MAX).astype(bool).to_numpy()
        if long.any():
            rows = df[SOURCE_ROW].to_numpy() if SOURCE_ROW in df.columns and col != SOURCE_ROW else pd.RangeIndex(2, len(df) + 2).to_numpy()
            cut[str(col)] = [int(r) if str(r).isdigit() else r for r in rows[long]]
            out[col] = values.where(~long, values[long].map(_cut_for_excel))
    if replaced:
        log.warning("%d cells held control characters a worksheet cannot store; they are shown as \ufffd", replaced)
    if cut:
        which = "input row" if SOURCE_ROW in df.columns else "sheet row"
        for col, rows in cut.items():
            shown = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10:,} more" if len(rows) > 10 else "")
            log.warning(
                message(
                    "E009",
                    f"{len(rows):,} cells were cut to fit and end with a '[... cut by rca' marker ({which} {shown})",
                    file=str(path) if path else None,
                    column=col,
                )
            )
    return out
