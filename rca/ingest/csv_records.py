"""CSV records: the delimiter, the physical line each record starts on, records wider than
the header refused, parser errors as coded E005, and CSV streamed in chunks."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from rca.errors import RcaError
from rca.ingest.header_names import check_header, header_names
from rca.schema import SOURCE_ROW

if TYPE_CHECKING:
    from rca.ingest.read_tables import ReadInfo

log = logging.getLogger("rca.ingest.io")  # the logger name these notes have always carried


def sniff_delimiter(text: str, path: Path) -> str:
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


def record_rows(text: str, delimiter: str, *, path: Path, header: list | None = None) -> list[int]:
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
                width = check_header(record, path)
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


def _check_width(record: list[str], width: int, delimiter: str, path: Path, line: int) -> None:
    """A record may be shorter than the header (blank cells) or carry blank extras, not more data."""
    if len(record) > width and any(cell.strip() for cell in record[width:]):
        raise RcaError(
            "E005",
            f"the record has {len(record)} fields but the header has {width}; a delimiter "
            f"{delimiter!r} inside an unquoted cell, or a missing header name",
            file=str(path),
            row=line,
        )


def _parser_error(exc: Exception, path: Path, row: int | None = None) -> RcaError:
    """A coded E005 from a pandas/csv parser message, with the line it names when it names one."""
    import re

    text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    if row is None and (found := re.search(r"in line (\d+)", text)):
        row = int(found.group(1))  # pandas counts physical lines from 1, header included
    elif row is None and (found := re.search(r"starting at row (\d+)", text)):
        row = int(found.group(1)) + 1  # pandas counts records from 0 at the header
    return RcaError("E005", text, file=str(path), row=row)


def frame_from_csv(text: str, path: Path, delimiter: str) -> pd.DataFrame:
    import warnings

    try:
        with warnings.catch_warnings():
            # blank trailing cells beyond the header are dropped (checked in record_rows)
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


def stream_csv(path: Path, enc: str, delim: str, chunksize: int, info: ReadInfo) -> Iterator[tuple[pd.DataFrame, ReadInfo]]:
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
                            columns = header_names(record[: check_header(record, path)], path, info.notes)
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
