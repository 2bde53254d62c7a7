"""Reading case exports and writing outputs.

Reads CSV/TSV (UTF-8, UTF-8 with BOM, or a detected single-byte encoding such as
cp1252, always reported), .xlsx/.xlsm and Parquet into all-string frames with a
`source_row` column (header = row 1). Writes CSV/XLSX/Parquet atomically (temp
file + rename) with spreadsheet-formula injection neutralised.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import RcaError
from .schema import SOURCE_ROW

log = logging.getLogger(__name__)

CSV_EXT = {".csv", ".txt", ".tsv"}
EXCEL_EXT = {".xlsx", ".xlsm"}
PARQUET_EXT = {".parquet", ".pq"}
MAX_COLUMNS = 10_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ReadInfo:
    path: str
    kind: str  # csv / excel / parquet
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".gz", ".bz2", ".zip", ".xz") and len(suffixes) > 1:
        ext = suffixes[-2]
    if ext in CSV_EXT:
        return "csv"
    if ext in EXCEL_EXT:
        return "excel"
    if ext in PARQUET_EXT:
        return "parquet"
    raise RcaError("E002", f"got {path.suffix or 'no extension'!r}", file=str(path))


def detect_encoding(raw: bytes, *, path: str) -> tuple[str, str | None]:
    """Return (encoding, note). UTF-8 is tried strictly first; anything else is reported."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            raw.decode("utf-8-sig")
            return "utf-8-sig", None
        except UnicodeDecodeError as exc:
            raise RcaError("E004", f"starts with a UTF-8 BOM but byte {exc.start} is not UTF-8", file=path) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", f"{path}: decoded as UTF-16 (byte-order mark found)"
    try:
        raw.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    # Not UTF-8. Council exports from Excel are almost always Windows-1252; accept
    # it when it decodes cleanly, else ask charset-normalizer, else refuse.
    try:
        raw.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:2_000_000]).best()
        if best is None:
            raise RcaError("E004", f"byte {bad_at} is not UTF-8 and no encoding fits", file=path)
        enc = best.encoding
    line = raw[:bad_at].count(b"\n") + 1
    return enc, f"{path}: not UTF-8 (first non-UTF-8 byte on line {line}); decoded as {enc}. Pass --encoding to choose another."


def _decode(path: Path, encoding: str | None) -> tuple[str, ReadInfo]:
    info = ReadInfo(path=str(path), kind="csv")
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise RcaError("E001", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise RcaError("E001", "that is a folder, not a file", file=str(path)) from exc
    if path.suffix.lower() == ".gz":
        import gzip

        raw = gzip.decompress(raw)
    if not raw.strip():
        raise RcaError("E003", file=str(path))
    if encoding:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise RcaError("E004", f"cannot decode as {encoding}: {exc}", file=str(path)) from exc
        info.encoding = encoding
    else:
        enc, note = detect_encoding(raw, path=str(path))
        text = raw.decode(enc)
        info.encoding = enc
        if note:
            info.notes.append(note)
    if "\x00" in text:
        info.notes.append(f"{path}: removed {text.count(chr(0))} NUL bytes")
        text = text.replace("\x00", "")
    return text, info


def _sniff_delimiter(text: str, path: Path) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = text[:20_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _record_rows(text: str, delimiter: str) -> list[int]:
    """1-based physical line on which each data record starts (header excluded)."""
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    first = True
    for _ in reader:
        if not first:
            starts.append(line)
        first = False
        line = reader.line_num + 1
    return starts


def _frame_from_csv(text: str, path: Path, delimiter: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            io.StringIO(text, newline=""),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            on_bad_lines="error",
        )
    except pd.errors.EmptyDataError as exc:
        raise RcaError("E003", file=str(path)) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise RcaError("E005", str(exc).splitlines()[0][:300], file=str(path)) from exc
    return df


def read_table(path: str | Path, *, sheet: str | int | None = None, encoding: str | None = None) -> tuple[pd.DataFrame, ReadInfo]:
    """Read an export into an all-string frame with `source_row` (header = row 1).

    >>> # df, info = read_table("cases.csv"); df.columns[-1] == "source_row"
    """
    path = Path(path)
    kind = _kind(path)
    if not path.exists():
        raise RcaError("E001", file=str(path))
    if kind == "csv":
        text, info = _decode(path, encoding)
        delim = _sniff_delimiter(text, path)
        df = _frame_from_csv(text, path, delim)
        rows = _record_rows(text, delim)
        if len(rows) >= len(df):
            df[SOURCE_ROW] = rows[: len(df)]
        else:  # parser and csv module disagree: fall back to record numbers
            df[SOURCE_ROW] = range(2, len(df) + 2)
    elif kind == "excel":
        info = ReadInfo(path=str(path), kind="excel")
        try:
            xl = pd.ExcelFile(path, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for corrupt files
            raise RcaError("E005", f"not a readable .xlsx file ({type(exc).__name__})", file=str(path)) from exc
        if sheet is not None and sheet not in xl.sheet_names and not isinstance(sheet, int):
            raise RcaError("E006", f"sheets are {xl.sheet_names}", file=str(path), value=sheet)
        df = xl.parse(sheet if sheet is not None else 0, dtype=str, keep_default_na=False, na_filter=False)
        df[SOURCE_ROW] = range(2, len(df) + 2)
    else:
        info = ReadInfo(path=str(path), kind="parquet")
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise RcaError("E005", f"not a readable Parquet file ({type(exc).__name__})", file=str(path)) from exc
        df = df.astype(object).where(df.notna(), "").astype(str)
        df[SOURCE_ROW] = range(2, len(df) + 2)
    if df.shape[1] - 1 > MAX_COLUMNS:
        raise RcaError("E008", f"{df.shape[1] - 1} columns", file=str(path))
    df.columns = [str(c).strip() for c in df.columns]
    for note in info.notes:
        log.warning(note)
    return df, info


def iter_table(path: str | Path, *, chunksize: int = 50_000, encoding: str | None = None, sheet: str | int | None = None) -> Iterator[tuple[pd.DataFrame, ReadInfo]]:
    """Stream a large export in chunks of all-string rows with `source_row`.

    CSV streams from disk with bounded memory (physical row numbers are exact
    when no field holds an embedded newline, else record numbers are used);
    Excel and Parquet are read whole then sliced.
    """
    path = Path(path)
    kind = _kind(path)
    if kind != "csv":
        df, info = read_table(path, sheet=sheet, encoding=encoding)
        for start in range(0, max(len(df), 1), chunksize):
            yield df.iloc[start : start + chunksize].reset_index(drop=True), info
        return
    if not path.exists():
        raise RcaError("E001", file=str(path))
    with open(path, "rb") as fh:
        head = fh.read(1_000_000)
    if not head.strip():
        raise RcaError("E003", file=str(path))
    enc = encoding or detect_encoding(head, path=str(path))[0]
    info = ReadInfo(path=str(path), kind="csv", encoding=enc)
    delim = _sniff_delimiter(head.decode(enc, errors="replace"), path)
    next_row = 2
    try:
        reader = pd.read_csv(path, sep=delim, dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False,
                             encoding=enc, chunksize=chunksize, encoding_errors="strict")
        for chunk in reader:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            chunk[SOURCE_ROW] = range(next_row, next_row + len(chunk))
            next_row += len(chunk)
            yield chunk, info
    except UnicodeDecodeError as exc:
        raise RcaError("E004", f"not {enc} near row {next_row}: {exc.reason}", file=str(path), row=next_row) from exc
    except pd.errors.ParserError as exc:
        raise RcaError("E005", str(exc).splitlines()[0][:300], file=str(path), row=next_row) from exc


def neutralise_cell(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def atomic_path(path: str | Path):
    """Context manager: yields a temp path beside `path`, renamed onto it on success."""
    from contextlib import contextmanager

    @contextmanager
    def _cm():
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        try:
            yield Path(tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    return _cm()


def write_table(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "cases", neutralise: bool = True) -> Path:
    """Write CSV / XLSX / Parquet by extension, atomically; formula injection neutralised."""
    target = Path(path)
    kind = _kind(target)
    frame = neutralise_frame(df) if neutralise and kind != "parquet" else df
    try:
        with atomic_path(target) as tmp:
            if kind == "csv":
                sep = "\t" if target.suffix.lower() == ".tsv" else ","
                frame.to_csv(tmp, index=False, sep=sep, encoding="utf-8", lineterminator="\n")
            elif kind == "excel":
                frame.to_excel(tmp, index=False, sheet_name=sheet_name[:31], engine="openpyxl")
            else:
                frame.to_parquet(tmp, index=False)
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(target)) from exc
    return target
