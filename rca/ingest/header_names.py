"""Column names from a header record: trimmed, made unique, rca's own names kept free; and
the widest header rca reads."""

from __future__ import annotations

from pathlib import Path

from rca.errors import RcaError
from rca.schema import SOURCE_ROW

MAX_COLUMNS = 10_000
RCA_OUTPUT_MARK = "rca_model_version"  # the column every file `rca score` writes has


def check_header(record: list[str], path: Path) -> int:
    """Refuse an over-wide header before pandas spends minutes on it; return its width."""
    if len(record) > MAX_COLUMNS:
        raise RcaError("E008", f"{len(record):,} columns", file=str(path), row=1)
    return len(record)


def header_names(record: list, path: str | Path | None = None, notes: list[str] | None = None) -> list[str]:
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
                notes.append(
                    f"{path}: column {i + 1} is named {SOURCE_ROW!r}, the name rca gives its row numbers; it is kept, read as {name!r}"
                )
        elif name in taken:
            k = 0
            while name in taken or (name != base and name in wanted):
                k += 1
                name = f"{base}.{k}"
            if notes is not None:
                notes.append(
                    f"{path}: columns {first_at[base] + 1} and {i + 1} are both named {base!r}"
                    f"{' once spaces are trimmed' if str(record[i]) != str(record[first_at[base]]) else ''}; "
                    f"column {i + 1} is read as {name!r}"
                )
        first_at.setdefault(base, i)
        taken.add(name)
        names.append(name)
    return names


def free_column_name(name: str, taken: set[str], others: list[str] | set[str] = ()) -> str:
    """The name a column of the input is kept under when rca needs `name`: 'NAME (input)', else
    'NAME (input 2)'... (the convention `rca.scoring.score` follows for the columns it writes)."""
    cand, k = f"{name} (input)", 2
    while cand in taken or cand in others:
        cand, k = f"{name} (input {k})", k + 1
    return cand
