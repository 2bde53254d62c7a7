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
import re
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
RCA_OUTPUT_MARK = "rca_model_version"  # the column every file `rca score` writes has
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell that is only a number ("-2", "+44", "-1.5e3") is read as that number, never run as a
# formula, so it is written as it came (a code column of "-2.0" keeps its value).
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


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


def detect_encoding(raw: bytes, *, path: str, partial: bool = False) -> tuple[str, str | None]:
    """Return (encoding, note). UTF-8 is tried strictly first; anything else is reported.

    `partial=True` means `raw` is only the head of the file, so a multi-byte
    character cut off at its end does not count against UTF-8.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            _strict_decode(raw, "utf-8-sig", partial)
            return "utf-8-sig", None
        except UnicodeDecodeError as exc:
            raise RcaError("E004", f"starts with a UTF-8 BOM but byte {exc.start} is not UTF-8", file=path) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            _strict_decode(raw, "utf-16", partial)
        except UnicodeDecodeError as exc:
            raise RcaError("E004", f"starts with a UTF-16 byte-order mark but bytes from {exc.start} are not UTF-16", file=path) from exc
        return "utf-16", f"{path}: decoded as UTF-16 (byte-order mark found)"
    try:
        _strict_decode(raw, "utf-8", partial)
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
    return enc, (f"{path}: not UTF-8 (first non-UTF-8 byte on line {line}); decoded as {enc}. If the text looks wrong, "
                 f"set encoding = \"...\" (e.g. \"cp1252\") in the config file given with --config.")


def _strict_decode(raw: bytes, encoding: str, partial: bool) -> str:
    """Decode strictly; with `partial`, an incomplete character at the very end is allowed."""
    import codecs

    return codecs.getincrementaldecoder(encoding)("strict").decode(raw, final=not partial)


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


def _sniff_delimiter(text: str, path: Path) -> str:
    """The delimiter that splits the header record into the most fields (ties: , ; tab |).

    The header is the one line an export always gets right; csv.Sniffer guesses
    from cell contents and is fooled by quoted text full of commas or semicolons.
    """
    if path.suffix.lower() == ".tsv":
        return "\t"
    sample = text[:200_000]
    best, best_width = ",", 1
    old_limit = csv.field_size_limit(2**31 - 1)
    try:
        for cand in (",", ";", "\t", "|"):
            try:
                header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=cand), [])
            except csv.Error:
                continue
            if len(header) > best_width:
                best, best_width = cand, len(header)
    finally:
        csv.field_size_limit(old_limit)
    return best


def _record_rows(text: str, delimiter: str, *, path: Path, header: list | None = None) -> list[int]:
    """1-based physical line on which each data record starts (header excluded); the header
    record is put in `header` when a list is given.

    Also refuses a record with more non-blank fields than the header: pandas would
    otherwise shift the row into an index or drop the extra cells without a word.
    """
    starts: list[int] = []
    old_limit = csv.field_size_limit(2**31 - 1)  # cells of many megabytes are legal; pandas reads them too
    line = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        width = None
        for record in reader:
            if width is None:
                width = _check_header(record, path)
                if header is not None:
                    header[:] = record
            else:
                _check_width(record, width, delimiter, path, line)
                starts.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RcaError("E005", str(exc), file=str(path), row=line) from exc
    finally:
        csv.field_size_limit(old_limit)
    return starts


def _check_header(record: list[str], path: Path) -> int:
    """Refuse an over-wide header before pandas spends minutes on it; return its width."""
    if len(record) > MAX_COLUMNS:
        raise RcaError("E008", f"{len(record):,} columns", file=str(path), row=1)
    return len(record)


def _check_width(record: list[str], width: int, delimiter: str, path: Path, line: int) -> None:
    """A record may be shorter than the header (blank cells) or carry blank extras, not more data."""
    if len(record) > width and any(cell.strip() for cell in record[width:]):
        raise RcaError(
            "E005",
            f"the record has {len(record)} fields but the header has {width}; a delimiter "
            f"{delimiter!r} inside an unquoted cell, or a missing header name",
            file=str(path), row=line,
        )


def _header_names(record: list, path: str | Path | None = None, notes: list[str] | None = None) -> list[str]:
    """Column names from a header record: trimmed, blanks 'Unnamed: i', repeats 'name.1', and a
    column of the file's own named `source_row` kept as 'source_row (input)' (in a file rca
    scored, `source_row` is rca's own and is numbered afresh, as before).

    Names are trimmed before they are made unique, so 'Feedback' and 'Feedback ' become two
    columns ('Feedback', 'Feedback.1'), never two columns of one name. Each rename is noted."""
    stripped = [str(raw).strip() for raw in record]
    wanted = [name if name else f"Unnamed: {i}" for i, name in enumerate(stripped)]
    ours = RCA_OUTPUT_MARK in wanted  # a file rca wrote: its `source_row` is rca's own, numbered afresh
    names: list[str] = []
    taken: set[str] = set()
    first_at: dict[str, int] = {}
    for i, name in enumerate(wanted):
        base = name
        if base == SOURCE_ROW and not ours:
            name = free_column_name(SOURCE_ROW, taken, wanted)
            if notes is not None:
                notes.append(f"{path}: column {i + 1} is named {SOURCE_ROW!r}, the name rca gives its row numbers; "
                             f"it is kept, read as {name!r}")
        elif name in taken:
            k = 0
            while name in taken or (name != base and name in wanted):
                k += 1
                name = f"{base}.{k}"
            if notes is not None:
                notes.append(f"{path}: columns {first_at[base] + 1} and {i + 1} are both named {base!r}"
                             f"{' once spaces are trimmed' if str(record[i]) != str(record[first_at[base]]) else ''}; "
                             f"column {i + 1} is read as {name!r}")
        first_at.setdefault(base, i)
        taken.add(name)
        names.append(name)
    return names


def free_column_name(name: str, taken: set[str], others: list[str] | set[str] = ()) -> str:
    """The name a column of the input is kept under when rca needs `name`: 'NAME (input)', else
    'NAME (input 2)'... (the convention `rca.score` follows for the columns it writes)."""
    cand, k = f"{name} (input)", 2
    while cand in taken or cand in others:
        cand, k = f"{name} (input {k})", k + 1
    return cand


def _parser_error(exc: Exception, path: Path, row: int | None = None) -> RcaError:
    """A coded E005 from a pandas/csv parser message, with the line it names when it names one."""
    import re

    text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    if row is None and (found := re.search(r"in line (\d+)", text)):
        row = int(found.group(1))  # pandas counts physical lines from 1, header included
    elif row is None and (found := re.search(r"starting at row (\d+)", text)):
        row = int(found.group(1)) + 1  # pandas counts records from 0 at the header
    return RcaError("E005", text, file=str(path), row=row)


def _frame_from_csv(text: str, path: Path, delimiter: str) -> pd.DataFrame:
    import warnings

    try:
        with warnings.catch_warnings():
            # blank trailing cells beyond the header are dropped (checked in _record_rows)
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            df = pd.read_csv(
                io.StringIO(text, newline=""),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                engine="c",
                on_bad_lines="error",
            )
    except pd.errors.EmptyDataError as exc:
        raise RcaError("E003", file=str(path)) from exc
    except (pd.errors.ParserError, csv.Error, ValueError, OverflowError) as exc:
        raise _parser_error(exc, path) from exc
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
        header: list[str] = []
        rows = _record_rows(text, delim, path=path, header=header)
        df = _frame_from_csv(text, path, delim)
        if len(header) == df.shape[1]:  # the names as written, so both readers name columns alike
            df.columns = _header_names(header, path, info.notes)
        else:
            df.columns = _header_names(list(df.columns), path, info.notes)
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
            df = xl.parse(sheet if sheet is not None else 0, dtype=str, keep_default_na=False, na_filter=False)
        except Exception as exc:  # a damaged sheet part fails inside openpyxl with many types
            raise RcaError("E005", f"cannot read the sheet ({type(exc).__name__}: {str(exc)[:200]})", file=str(path)) from exc
        df.columns = _header_names(list(df.columns), path, info.notes)
        df[SOURCE_ROW] = range(2, len(df) + 2)
    else:
        info = ReadInfo(path=str(path), kind="parquet")
        try:
            df = pd.read_parquet(path)
        except Exception as exc:
            raise RcaError("E005", f"not a readable Parquet file ({type(exc).__name__})", file=str(path)) from exc
        df = df.astype(object).where(df.notna(), "").astype(str)
        df.columns = _header_names(list(df.columns), path, info.notes)
        df[SOURCE_ROW] = range(2, len(df) + 2)
    if df.shape[1] - 1 > MAX_COLUMNS:
        raise RcaError("E008", f"{df.shape[1] - 1} columns", file=str(path))
    for note in info.notes:
        log.warning(note)
    return df, info


def iter_table(path: str | Path, *, chunksize: int = 50_000, encoding: str | None = None, sheet: str | int | None = None) -> Iterator[tuple[pd.DataFrame, ReadInfo]]:
    """Stream a large export in chunks of all-string rows with `source_row`.

    CSV streams from disk with bounded memory through the same checks as
    `read_table` (exact physical row numbers, NULs removed and reported, a record
    wider than the header refused); Excel and Parquet are read whole then sliced.
    A file with a header and no rows yields one empty chunk, so callers still see
    its columns.
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
    delim = _sniff_delimiter(head.decode(enc, errors="replace").replace("\x00", ""), path)
    yield from _stream_csv(path, enc, delim, chunksize, info)


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


def _without_nuls(lines: Iterator[str], counted: dict) -> Iterator[str]:
    """Lines with NUL bytes removed, as `read_table` does to the whole text (a last line of
    nothing but NULs then vanishes in both)."""
    for line in lines:
        if "\x00" in line:
            counted["nul"] += line.count("\x00")
            line = line.replace("\x00", "")
            if not line:
                continue
        yield line


def _stream_csv(path: Path, enc: str, delim: str, chunksize: int, info: ReadInfo) -> Iterator[tuple[pd.DataFrame, ReadInfo]]:
    import gzip

    opener = gzip.open if path.suffix.lower() == ".gz" else open
    line, yielded = 1, False
    try:
        with opener(path, "rt", encoding=enc, errors="strict", newline="") as fh:
            counted = {"nul": 0}
            reader = csv.reader(_without_nuls(fh, counted), delimiter=delim, strict=True)
            columns: list[str] | None = None
            while True:
                batch, starts = [], []
                old_limit = csv.field_size_limit(2**31 - 1)
                try:
                    for record in reader:
                        if columns is None:
                            before = len(info.notes)
                            columns = _header_names(record[: _check_header(record, path)], path, info.notes)
                            for note in info.notes[before:]:
                                log.warning(note)
                        else:
                            _check_width(record, len(columns), delim, path, line)
                            batch.append(record[: len(columns)] + [""] * (len(columns) - len(record)))
                            starts.append(line)
                        line = reader.line_num + 1
                        if len(batch) >= chunksize:
                            break
                finally:
                    csv.field_size_limit(old_limit)
                if columns is None:
                    raise RcaError("E003", file=str(path))
                if counted["nul"] and not any("NUL" in n for n in info.notes):
                    info.notes.append(f"{path}: removed NUL bytes")
                if batch or not yielded:
                    frame = pd.DataFrame(batch, columns=range(len(columns)), dtype=object)
                    frame.columns = columns
                    frame[SOURCE_ROW] = starts
                    yielded = True
                    yield frame, info
                if len(batch) < chunksize:
                    return
    except UnicodeDecodeError as exc:
        raise RcaError("E004", f"not {enc} on or after line {line}: {exc.reason}", file=str(path), row=line) from exc
    except csv.Error as exc:
        raise RcaError("E005", str(exc), file=str(path), row=line) from exc
    except (OSError, EOFError) as exc:
        raise RcaError("E005", f"cannot read the file ({exc})", file=str(path), row=line) from exc


def neutralise_cell(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in _text_columns(out):
        out[col] = out[col].astype(object).map(neutralise_cell)
    return out


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


def _text_columns(df: pd.DataFrame) -> list:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])
            or isinstance(df[c].dtype, pd.CategoricalDtype)]


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
    return (value[:kept] + f" [... cut by rca: {len(value) - kept:,} more characters; an Excel cell holds "
            f"{EXCEL_CELL_MAX:,}; write .csv or .parquet for the whole text]")


def _excel_safe(df: pd.DataFrame, path: str | Path | None = None) -> pd.DataFrame:
    """Control characters cannot be stored in a worksheet: show them as U+FFFD, and say so.
    Text longer than a cell holds is cut with a marker in the cell and a warning naming the rows
    (`source_row` where the frame has it, else the sheet's row), never cut silently."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from .errors import message

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
            rows = (df[SOURCE_ROW].to_numpy() if SOURCE_ROW in df.columns and col != SOURCE_ROW
                    else pd.RangeIndex(2, len(df) + 2).to_numpy())
            cut[str(col)] = [int(r) if str(r).isdigit() else r for r in rows[long]]
            out[col] = values.where(~long, values[long].map(_cut_for_excel))
    if replaced:
        log.warning("%d cells held control characters a worksheet cannot store; they are shown as \ufffd", replaced)
    if cut:
        which = "input row" if SOURCE_ROW in df.columns else "sheet row"
        for col, rows in cut.items():
            shown = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10:,} more" if len(rows) > 10 else "")
            log.warning(message("E009", f"{len(rows):,} cells were cut to fit and end with a '[... cut by rca' marker "
                                        f"({which} {shown})", file=str(path) if path else None, column=col))
    return out


def write_table(df: pd.DataFrame, path: str | Path, *, sheet_name: str = "cases", neutralise: bool = True) -> Path:
    """Write CSV / XLSX / Parquet by extension, atomically; formula injection neutralised."""
    target = Path(path)
    kind = _kind(target)
    frame = neutralise_frame(df) if neutralise and kind != "parquet" else df
    try:
        with atomic_path(target) as tmp:
            if kind == "csv":
                sep = "\t" if target.suffix.lower() == ".tsv" else ","
                csv_safe_frame(frame).to_csv(tmp, index=False, sep=sep, encoding="utf-8", lineterminator="\n")
            elif kind == "excel":
                _excel_safe(frame, target).to_excel(tmp, index=False, sheet_name=sheet_name[:31], engine="openpyxl")
            else:
                frame.to_parquet(tmp, index=False)
    except OSError as exc:
        raise RcaError("E007", str(exc), file=str(target)) from exc
    return target
