"""Reading case exports: CSV/TSV (UTF-8, UTF-8 with BOM, or a detected single-byte encoding
such as cp1252, always reported), .xlsx/.xlsm and Parquet into all-string frames with a
`source_row` column (header = row 1), whole or in chunks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rca.ingest.csv_records import frame_from_csv, record_rows, sniff_delimiter, stream_csv
from rca.errors import RcaError
from rca.ingest.header_names import MAX_COLUMNS, header_names
from rca.schema import SOURCE_ROW
from rca.ingest.text_encoding import detect_encoding

log = logging.getLogger("rca.ingest.io")  # the logger name these notes have always carried

CSV_EXT = {".csv", ".txt", ".tsv"}
EXCEL_EXT = {".xlsx", ".xlsm"}
PARQUET_EXT = {".parquet", ".pq"}


@dataclass
class ReadInfo:
    path: str
    kind: str  # csv / excel / parquet
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)


def table_kind(path: Path) -> str:
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
        import zlib

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise RcaError("E005", f"not a readable gzip file ({exc})", file=str(path)) from exc
    if not raw.strip():
        raise RcaError("E003", file=str(path))
    if encoding:
        try:
            text = raw.decode(encoding)
        except (UnicodeError, LookupError) as exc:
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


def read_table(path: str | Path, *, sheet: str | int | None = None, encoding: str | None = None) -> tuple[pd.DataFrame, ReadInfo]:
    """Read an export into an all-string frame with `source_row` (header = row 1).

    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = Path(folder.name) / "cases.csv"
    >>> _ = path.write_text("case_id,text\\n17,My bin was missed\\n", encoding="utf-8")
    >>> df, info = read_table(path)
    >>> df.to_dict("records"), info.kind
    ([{'case_id': '17', 'text': 'My bin was missed', 'source_row': 2}], 'csv')
    >>> folder.cleanup()
    """
    path = Path(path)
    kind = table_kind(path)
    if not path.exists():
        raise RcaError("E001", file=str(path))
    if kind == "csv":
        text, info = _decode(path, encoding)
        delim = sniff_delimiter(text, path)
        header: list[str] = []
        rows = record_rows(text, delim, path=path, header=header)
        df = frame_from_csv(text, path, delim)
        if len(header) == df.shape[1]:  # the names as written, so both readers name columns alike
            df.columns = header_names(header, path, info.notes)
        else:
            df.columns = header_names(list(df.columns), path, info.notes)
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
        named_missing = isinstance(sheet, str) and sheet not in xl.sheet_names
        if named_missing or (isinstance(sheet, int) and not 0 <= sheet < len(xl.sheet_names)):
            raise RcaError("E006", f"sheets are {xl.sheet_names}", file=str(path), value=sheet)
        try:
            grid = xl.parse(sheet if sheet is not None else 0, dtype=str, keep_default_na=False, na_filter=False, header=None)
        except Exception as exc:  # a damaged sheet part fails inside openpyxl with many types
            raise RcaError("E005", f"cannot read the sheet ({type(exc).__name__}: {str(exc)[:200]})", file=str(path)) from exc
        if sheet is None and len(xl.sheet_names) > 1:
            info.notes.append(
                f"{path.name}: read its first sheet {xl.sheet_names[0]!r} of {len(xl.sheet_names)} "
                f'({", ".join(repr(n) for n in xl.sheet_names[:6])}); set sheet = "..." in the config to read another'
            )
        top = header_row(grid)
        if top:
            info.notes.append(
                f"{path.name}: the header is row {top + 1} of the sheet (the rows above it hold a title, not "
                "column names); rows are numbered as in the sheet"
            )
        df = grid.iloc[top + 1 :].reset_index(drop=True)
        df.columns = header_names([str(v) for v in grid.iloc[top]] if len(grid) else [], path, info.notes)
        df[SOURCE_ROW] = range(top + 2, top + 2 + len(df))
    else:
        info = ReadInfo(path=str(path), kind="parquet")
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise RcaError("E005", f"not a readable Parquet file ({type(exc).__name__})", file=str(path)) from exc
        df = _decode_bytes(df.astype(object).where(df.notna(), ""), path, encoding, info.notes).astype(str)
        df.columns = header_names(list(df.columns), path, info.notes)
        df[SOURCE_ROW] = range(2, len(df) + 2)
    if df.shape[1] - 1 > MAX_COLUMNS:
        raise RcaError("E008", f"{df.shape[1] - 1} columns", file=str(path))
    for note in info.notes:  # returned in info.notes, which callers pass on (load_cases: res.warnings)
        log.info(note)
    return df, info


def _decode_bytes(df: pd.DataFrame, path: Path, encoding: str | None, notes: list[str]) -> pd.DataFrame:
    """Parquet binary cells decoded to text: with the encoding named in the config, else each as UTF-8
    when it is, and the rest of the column in a detected single-byte encoding such as cp1252 with a note
    naming the column and row, as a CSV file is read. Bytes that fit no encoding are E004 naming the file,
    column and row."""
    for col in df.columns:
        values = list(df[col])  # by position: rows are numbered as `source_row` numbers them
        raw = {i: bytes(v) for i, v in enumerate(values) if isinstance(v, (bytes, bytearray, memoryview))}
        if not raw:
            continue
        bad: list[int] = []
        for i, b in raw.items():
            try:
                values[i] = b.decode(encoding or "utf-8")
            except (UnicodeError, LookupError):
                bad.append(i)
        if bad and encoding:
            raise RcaError("E004", f"column {col!r} cannot be decoded as {encoding}", file=str(path), row=bad[0] + 2, column=str(col))
        if bad:
            try:
                enc, _ = detect_encoding(b"\n".join(raw[i] for i in bad), path=str(path))
                for i in bad:
                    values[i] = raw[i].decode(enc)
            except (RcaError, UnicodeError, LookupError) as exc:
                raise RcaError(
                    "E004",
                    f"column {col!r} holds bytes that are not UTF-8 and fit no other encoding",
                    file=str(path),
                    row=bad[0] + 2,
                    column=str(col),
                ) from exc
            notes.append(
                f"{path}: column {col!r} has {len(bad):,} values that are not UTF-8 (the first on row "
                f'{bad[0] + 2}); decoded them as {enc}. If the text looks wrong, set encoding = "..." '
                '(e.g. "cp1252") in the config file given with --config.'
            )
        df[col] = pd.Series(values, index=df.index, dtype=object)
    return df


def header_row(grid: pd.DataFrame, *, look: int = 20) -> int:
    """The row of a sheet (read without a header) that holds the column names: the first of its first
    `look` rows filled across at least 60 % of the widest of them. A title or a generated-on line above
    the table (one cell, often merged) is not the header.

    >>> g = pd.DataFrame([["Complaints export", "", ""], ["", "", ""], ["Ref", "Details", "Date"], ["A1", "bin", "1/4/24"]])
    >>> header_row(g), header_row(g.iloc[2:].reset_index(drop=True))
    (2, 0)
    """
    head = grid.iloc[:look]
    if head.empty:
        return 0
    filled = head.apply(lambda r: sum(str(v).strip() != "" for v in r), axis=1).to_numpy()
    wide = filled.max()
    if wide < 2:
        return 0
    return int(next(i for i, n in enumerate(filled) if n >= max(2, 0.6 * wide)))


def iter_table(
    path: str | Path, *, chunksize: int = 50_000, encoding: str | None = None, sheet: str | int | None = None
) -> Iterator[tuple[pd.DataFrame, ReadInfo]]:
    """Stream a large export in chunks of all-string rows with `source_row`.

    CSV streams from disk with bounded memory through the same checks as
    `read_table` (exact physical row numbers, NULs removed and reported, a record
    wider than the header refused); Excel and Parquet are read whole then sliced.
    A file with a header and no rows yields one empty chunk, so callers still see
    its columns.
    """
    path = Path(path)
    kind = table_kind(path)
    if kind != "csv":
        df, info = read_table(path, sheet=sheet, encoding=encoding)
        for note in info.notes:  # a streamed file's notes are said here, once
            log.warning(note)
        for start in range(0, max(len(df), 1), chunksize):
            yield df.iloc[start : start + chunksize].reset_index(drop=True), info
        return
    if not path.exists():
        raise RcaError("E001", file=str(path))
    if path.is_dir():
        raise RcaError("E001", "that is a folder, not a file", file=str(path))
    head, more = _head_bytes(path)
    if not head.strip():
        raise RcaError("E003", file=str(path))
    if encoding:
        enc, note = encoding, None
    else:
        enc, note = detect_encoding(head, path=str(path), partial=more)
    info = ReadInfo(path=str(path), kind="csv", encoding=enc, notes=[note] if note else [])
    delim = sniff_delimiter(head.decode(enc, errors="replace").replace("\x00", ""), path)
    yield from stream_csv(path, enc, delim, chunksize, info)


def _head_bytes(path: Path, size: int = 1_000_000) -> tuple[bytes, bool]:
    """The first `size` decompressed bytes, and whether the file goes on after them."""
    import gzip
    import zlib

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            head = fh.read(size)
            return head, bool(fh.read(1))
    except (OSError, EOFError, zlib.error) as exc:
        raise RcaError("E005", f"cannot read the file ({exc})", file=str(path)) from exc
