"""Reading case exports and writing outputs: the module callers import both from.

Writes CSV/XLSX/Parquet atomically (temp file + rename) with spreadsheet-formula injection
neutralised (`rca.ingest.neutralise`). Reading CSV/TSV (UTF-8, UTF-8 with BOM, or a detected
single-byte encoding such as cp1252, always reported), .xlsx/.xlsm and Parquet into all-string
frames with a `source_row` column (header = row 1) lives in `rca.ingest.read_tables` and is
re-exported here, with the header and encoding helpers callers use.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from rca.errors import RcaError

# re-exported: callers import these from rca.ingest.io
from rca.ingest.header_names import MAX_COLUMNS, RCA_OUTPUT_MARK, free_column_name  # noqa: F401
from rca.ingest.neutralise import EXCEL_CELL_MAX, excel_safe, csv_safe_frame, neutralise_cell, neutralise_frame
from rca.ingest.read_tables import CSV_EXT, EXCEL_EXT, PARQUET_EXT, ReadInfo, table_kind, iter_table, read_table  # noqa: F401
from rca.ingest.text_encoding import detect_encoding  # noqa: F401


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_path(path: str | Path):
    """Context manager: yields a temp path beside `path`, renamed onto it on success."""
    from contextlib import contextmanager

    @contextmanager
    def _cm():
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; outputs get the usual permissions
        try:
            yield Path(tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    return _cm()


def not_the_input(out: str | Path, source: str | Path, *, option: str = "--out") -> None:
    """E010 when `out` is the file `source` (the same path, or a link to it): an output never replaces the export.

    >>> not_the_input("scored.csv", "cases.csv")
    """
    a, b = Path(out), Path(source)
    try:
        same = a.exists() and b.exists() and a.samefile(b)
    except OSError:
        same = False
    if same or a.resolve() == b.resolve():
        raise RcaError("E010", f"{option} {out} is the input file", file=str(source), column=option)


def write_table(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "cases", neutralise: bool = True) -> Path:
    """Write CSV / XLSX / Parquet by extension, atomically; formula injection neutralised."""
    target = Path(path)
    kind = table_kind(target)
    frame = neutralise_frame(df) if neutralise and kind != "parquet" else df
    try:
        with atomic_path(target) as tmp:
            if kind == "csv":
                sep = "\t" if target.suffix.lower() == ".tsv" else ","
                csv_safe_frame(frame).to_csv(tmp, index=False, sep=sep, encoding="utf-8", lineterminator="\n")
            elif kind == "excel":
                excel_safe(frame, target).to_excel(tmp, index=False, sheet_name=sheet_name[:31], engine="openpyxl")
            else:
                frame.to_parquet(tmp, index=False)
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(target)) from exc
    return target
