"""Validation at the boundary: map an export's columns onto the canonical case
record, parse and check every row, and quarantine what cannot be used.

Nothing is dropped silently: in "quarantine" mode every unusable row goes to the
quarantine frame with a coded `reason`, so n_read == n_valid + n_quarantined; in
"keep" mode (scoring) every row stays and its problems are listed in `rca_issues`.

Which column is which is `rca.ingest.column_map`, date columns `rca.ingest.dates`, label columns
`rca.ingest.codes`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from rca.ingest.codes import read_codes
from rca.ingest.column_map import FLAGS, column_clashes, make_room, check_columns
from rca.config import Config
from rca.ingest.dates import NUMERIC_DATE, blank_dates, read_dates
from rca.errors import message
from rca.ingest.io import not_the_input, iter_table, read_table, write_table
from rca.schema import BY_NAME, CANONICAL, SOURCE_ROW
from rca.ingest.taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

ISSUES = "rca_issues"
MAX_TEXT = 1_000_000


@dataclass
class LoadResult:
    cases: pd.DataFrame
    quarantine: pd.DataFrame
    n_read: int
    source: str
    mapping: dict[str, str] = field(default_factory=dict)  # canonical -> source column
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None

    @property
    def n_valid(self) -> int:
        return len(self.cases)

    @property
    def n_quarantined(self) -> int:
        return len(self.quarantine)


_MONEY = re.compile(r"^[£$€]?\s*-?[\d,]*\.?\d+$")


def _parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = values.astype(str).str.strip().str.replace("GBP", "", regex=False).str.strip()
    blank = s.eq("")
    ok = s.str.match(_MONEY) | blank
    nums = pd.to_numeric(s.str.replace(r"[£$€,\s]", "", regex=True).where(~blank & ok), errors="coerce")
    return nums, ~ok


def _examples(rows, values, k: int = 5) -> str:
    shown = ", ".join(f"row {int(r)} {str(v)[:40]!r}" for r, v in list(zip(rows, values))[:k])
    return shown + (f" and {len(rows) - k:,} more" if len(rows) > k else "")


@dataclass
class ReadState:
    """What the chunks of one file share, so that each column is read one way throughout."""

    dayfirst: dict[str, bool] = field(default_factory=dict)  # date column: read day first?
    owners: dict[str, dict[str, str]] = field(default_factory=dict)  # label column: {label: the file's code read as it}
    reported: set[tuple] = field(default_factory=set)  # notes on codes already given


@dataclass
class _Chunk:
    """One chunk being read: its frame under canonical names, where each row came from, which
    rows hold nothing, each row's problems and the warnings for the file."""

    df: pd.DataFrame
    source: str
    mapping: dict[str, str]
    rows: np.ndarray
    blank: np.ndarray
    reasons: list[list[str]]
    warnings: list[str]

    def where(self, i: int, name: str, value=None) -> dict:
        return {"file": self.source, "row": int(self.rows[i]), "column": self.mapping.get(name, name), "value": value}

    def flag(self, i: int, code: str, detail: str, name: str, value=None) -> None:
        self.reasons[i].append(message(code, detail, **self.where(i, name, value)))

    def examples(self, at: np.ndarray, values: np.ndarray) -> str:
        return _examples(self.rows[at], values[at])


def canonicalise(
    raw: pd.DataFrame,
    *,
    config: Config,
    taxonomy: Taxonomy,
    source: str,
    mapping: dict[str, str],
    on_bad_rows: Literal["quarantine", "keep"] = "quarantine",
    seen_ids: set[str] | None = None,
    duplicate_ids: Literal["flag", "same_case"] = "flag",
    bad_optional: Literal["quarantine", "blank"] = "quarantine",
    required: tuple[str, ...] = ("text",),
    state: ReadState | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Turn an all-string export frame into canonical cases (+ quarantine, warnings).

    `duplicate_ids`: a row whose id an earlier row has is flagged E104 (quarantined, or noted
    in `rca_issues` when kept) with "flag"; with "same_case" (training, evaluation: one row per
    complaint point or stage is common) it is kept as another row of the same case, with one
    warning for the file. `bad_optional="blank"` (training): an unreadable date in a field
    not `required` is left blank, with one warning for the column, and its row kept.
    `seen_ids` and `state`: kept between the chunks of one file, so ids are checked across
    chunks and each column is read one way throughout."""
    state = ReadState() if state is None else state
    chunk = _start(raw, source, mapping)
    ids = _ids(chunk)
    out = pd.DataFrame(index=chunk.df.index)
    out["case_id"] = ids
    for name in CANONICAL:
        if name != "case_id" and name in chunk.df:
            lenient = bad_optional == "blank" and name not in required
            out[name] = _read_column(chunk, name, config=config, taxonomy=taxonomy, state=state, lenient_dates=lenient)
    out["case_id"] = _check_ids(
        chunk, ids, seen_ids if seen_ids is not None else set(), same_case=duplicate_ids == "same_case", keep=on_bad_rows == "keep"
    )
    out[SOURCE_ROW] = chunk.rows
    for c in chunk.df.columns:
        if c not in CANONICAL and c != SOURCE_ROW:
            out[c] = chunk.df[c].to_numpy()
    return _split_rows(raw, out, chunk, keep=on_bad_rows == "keep")


def _start(raw: pd.DataFrame, source: str, mapping: dict[str, str]) -> _Chunk:
    """The chunk under canonical names, with its rows of no value at all flagged E105."""
    df, warnings = make_room(raw, mapping, source)
    values = df.drop(columns=[SOURCE_ROW]).astype(str)
    blank = values.apply(lambda c: c.str.strip().eq(""), axis=0).all(axis=1).to_numpy() if len(df) else np.array([], bool)
    chunk = _Chunk(
        df=df,
        source=source,
        mapping=mapping,
        rows=df[SOURCE_ROW].to_numpy(),
        blank=blank,
        reasons=[[] for _ in range(len(df))],
        warnings=warnings,
    )
    for i in np.flatnonzero(blank):
        chunk.reasons[i].append(message("E105", **chunk.where(i, "text") | {"column": None}))
    return chunk


def _ids(chunk: _Chunk) -> pd.Series:
    """Each row's case id as written, or its row number when the file has no id column."""
    if "case_id" in chunk.df:
        return chunk.df["case_id"].astype(str).str.strip()
    return pd.Series([str(r) for r in chunk.rows], index=chunk.df.index)


def _read_column(chunk: _Chunk, name: str, *, config: Config, taxonomy: Taxonomy, state: ReadState, lenient_dates: bool) -> pd.Series:
    """One canonical column read by its kind (schema), its problems noted on the chunk."""
    kind = BY_NAME[name].kind
    col = chunk.df[name].astype(str)
    if kind == "text":
        return _read_text(chunk, name, col)
    if kind == "datetime":
        return _read_date_column(chunk, name, col, config, state.dayfirst, lenient=lenient_dates)
    if kind in ("label", "multi_label"):
        return _read_label_column(chunk, name, col, config, taxonomy, state)
    if kind in ("number", "int"):
        return _read_number_column(chunk, name, col, kind)
    return col.str.strip().replace("", None)


def _read_text(chunk: _Chunk, name: str, col: pd.Series) -> pd.Series:
    """The description: a blank one (E102) or one too long to read (E110) flags its row."""
    text = col.str.replace("\r\n", "\n", regex=False)
    empty = text.str.strip().eq("").to_numpy()
    for i in np.flatnonzero(empty & ~chunk.blank):
        chunk.flag(i, "E102", "the description is blank", name)
    for i in np.flatnonzero(text.str.len().to_numpy() > MAX_TEXT):
        chunk.flag(i, "E110", f"{len(text.iat[i]):,} characters", name)
    return text


def _read_date_column(chunk: _Chunk, name: str, col: pd.Series, config: Config, orders: dict[str, bool], *, lenient: bool) -> pd.Series:
    """A date column: a value that is not a date flags its row (E103), or with `lenient` is left
    blank with one warning for the column."""
    column = chunk.mapping.get(name, name)
    parsed, notes = read_dates(name, col, config, orders, chunk.source, column)
    chunk.warnings += notes
    given = ~blank_dates(col.str.strip())
    bad = (parsed.isna() & given).to_numpy() & ~chunk.blank
    if bad.any() and lenient:
        at = np.flatnonzero(bad)
        chunk.warnings.append(
            message(
                "E103",
                f"{len(at):,} of {int(given.sum()):,} values are not dates "
                f"({chunk.examples(at, col.to_numpy())}); left blank, the rows are used",
                file=chunk.source,
                column=column,
                hint=f"Fix those dates (e.g. 2024-03-28 or 28/03/2024); if this column is not {name!r}, map "
                f"{name} to the right column in the config [columns] table" + (f" or with {FLAGS[name]}" if name in FLAGS else "") + ".",
            )
        )
    else:
        order = "day-first" if orders.get(name, config.dayfirst) else "month-first"
        for i in np.flatnonzero(bad):
            why = f"not a date read {order}, as this column is" if NUMERIC_DATE.match(col.iat[i].strip()) else "not a date"
            chunk.flag(i, "E103", why, name, col.iat[i])
    return parsed


def _read_label_column(chunk: _Chunk, name: str, col: pd.Series, config: Config, taxonomy: Taxonomy, state: ReadState) -> pd.Series:
    """A label column read onto the taxonomy's codes (`rca.ingest.codes`)."""
    column = chunk.mapping.get(name, name)
    cleaned = col.str.strip()
    if name == "stage":  # 1.0, 2.0: a stage column that went through a spreadsheet or pandas as numbers
        cleaned = cleaned.str.replace(r"^(\d)\.0+$", r"\1", regex=True)
    mapped, notes = read_codes(
        name,
        cleaned,
        config,
        taxonomy,
        owners=state.owners.setdefault(name, {}),
        reported=state.reported,
        source=chunk.source,
        column=column,
    )
    chunk.warnings += notes
    if name == "stage":
        return _blank_unknown_stages(chunk, mapped, cleaned, taxonomy, column)
    _warn_unknown_codes(chunk, name, mapped, taxonomy, column)
    return mapped


def _blank_unknown_stages(chunk: _Chunk, mapped: pd.Series, cleaned: pd.Series, taxonomy: Taxonomy, column: str) -> pd.Series:
    """Stages outside the taxonomy's are left blank, with one warning (E108)."""
    bad = (mapped.notna() & ~mapped.isin(taxonomy.labels("stage"))).to_numpy()
    if bad.any():
        at = np.flatnonzero(bad)
        chunk.warnings.append(
            message(
                "E108",
                f"{len(at):,} values are not a stage ({chunk.examples(at, cleaned.to_numpy())}); left blank",
                file=chunk.source,
                column=column,
            )
        )
    mapped = mapped.copy()
    mapped.loc[bad] = None
    return mapped


def _warn_unknown_codes(chunk: _Chunk, name: str, mapped: pd.Series, taxonomy: Taxonomy, column: str) -> None:
    """Codes outside the taxonomy are kept as written, with one warning (E106) for the column."""
    unknown = Counter(u for v in mapped.dropna() for u in taxonomy.unknown(name, v))
    if not (unknown and taxonomy.labels(name)):
        return
    shown = ", ".join(f"{k!r} ×{n}" for k, n in unknown.most_common(5))
    known = set(taxonomy.labels(name))
    # "Delay, Poor communication": several codes joined by commas, not one unknown code
    commas = [k for k in unknown if "," in k and all(p.strip() in known for p in k.split(",") if p.strip())]
    hint = f"Separate several codes with ';' (e.g. {'; '.join(p.strip() for p in commas[0].split(','))!r}), not ','." if commas else None
    chunk.warnings.append(
        message(
            "E106",
            f"{sum(unknown.values())} labels outside taxonomy {taxonomy.version}: {shown}; kept as written",
            file=chunk.source,
            column=column,
            hint=hint,
        )
    )


def _read_number_column(chunk: _Chunk, name: str, col: pd.Series, kind: str) -> pd.Series:
    """Amounts (`number`, currency signs allowed) or whole numbers (`int`); a value that is not
    a number is left blank, with one warning (E107) for the column."""
    if kind == "number":
        nums, bad = _parse_money(col)
        values = nums.astype(float)
    else:
        nums = pd.to_numeric(col.str.strip().where(lambda c: c.ne("")), errors="coerce")  # blank -> NaN
        bad = nums.isna() & col.str.strip().ne("")
        values = nums.round().astype("Int64")
    at = np.flatnonzero(bad.to_numpy() & ~chunk.blank)
    if len(at):
        chunk.warnings.append(
            message(
                "E107",
                f"{len(at):,} values are not numbers ({chunk.examples(at, col.to_numpy())})",
                file=chunk.source,
                column=chunk.mapping.get(name, name),
            )
        )
    return values


def _check_ids(chunk: _Chunk, ids: pd.Series, seen: set[str], *, same_case: bool, keep: bool) -> pd.Series:
    """The ids to use: a blank one becomes the row number (noted when rows are kept); a row whose
    id an earlier row (of this chunk or one before, `seen`) has is flagged E104, or with
    `same_case` kept as another row of that case, with one warning."""
    has_id = "case_id" in chunk.df
    used = ids.copy()
    repeats: list[int] = []
    for i, cid in enumerate(ids.to_numpy()):
        if chunk.blank[i]:
            continue
        if has_id and cid == "":
            if keep:
                chunk.flag(i, "E101", "case id is blank; the row number is used", "case_id")
            cid = str(chunk.rows[i])
            used.iat[i] = cid
        if cid in seen:
            if same_case:
                repeats.append(i)
            else:
                chunk.flag(i, "E104", "an earlier row has the same id", "case_id", cid)
        else:
            seen.add(cid)
    if repeats:
        i = repeats[0]
        chunk.warnings.append(
            message(
                "E104",
                f"{len(repeats):,} rows repeat an earlier row's id (first {ids.iat[i]!r} at row "
                f"{int(chunk.rows[i])}); kept as rows of the same case, held out together",
                file=chunk.source,
                column=chunk.mapping.get("case_id", "case_id"),
            )
        )
    return used


def _split_rows(raw: pd.DataFrame, out: pd.DataFrame, chunk: _Chunk, *, keep: bool) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(cases, quarantine, warnings): with `keep` every row stays, its problems in `rca_issues`;
    else a row with any problem goes to the quarantine with its `reason`."""
    if keep:
        out[ISSUES] = ["; ".join(r) for r in chunk.reasons]
        return out.reset_index(drop=True), raw.iloc[0:0].assign(reason=[]), chunk.warnings
    bad = np.array([bool(r) for r in chunk.reasons], dtype=bool)
    quarantine = raw.loc[bad].copy()
    quarantine["reason"] = ["; ".join(r) for r, b in zip(chunk.reasons, bad) if b]
    return out.loc[~bad].reset_index(drop=True), quarantine.reset_index(drop=True), chunk.warnings


def load_cases(
    path: str | Path,
    *,
    config: Config | None = None,
    taxonomy: Taxonomy | None = None,
    on_bad_rows: Literal["quarantine", "keep"] = "quarantine",
    require: tuple[str, ...] = ("text",),
    quarantine_path: str | Path | None = None,
    duplicate_ids: Literal["flag", "same_case"] = "flag",
    bad_optional: Literal["quarantine", "blank"] = "quarantine",
) -> LoadResult:
    """Load and validate a case export into the canonical case frame.

    The cases carry `attrs["source"]` (the file) and `attrs["columns"]` (each column's name in
    the file), so later messages can name the user's own columns.

    Example::

        res = load_cases("cases.csv", config=load_config("rca.toml"))
        res.n_read == res.n_valid + res.n_quarantined
    """
    if quarantine_path is not None:
        not_the_input(quarantine_path, path, option="--quarantine")
    config = config or Config()
    taxonomy = taxonomy or load_taxonomy(config.taxonomy)
    raw, info = read_table(path, sheet=config.sheet, encoding=config.encoding)
    mapping = check_columns(raw, config=config, info=info, require=require)
    cases, quarantine, warnings = canonicalise(
        raw,
        config=config,
        taxonomy=taxonomy,
        source=str(path),
        mapping=mapping,
        on_bad_rows=on_bad_rows,
        duplicate_ids=duplicate_ids,
        bad_optional=bad_optional,
        required=tuple(require),
    )
    cases.attrs = {"source": str(path), "columns": file_columns(cases, mapping, list(raw.columns))}
    res = LoadResult(
        cases=cases,
        quarantine=quarantine,
        n_read=len(raw),
        source=str(path),
        mapping=mapping,
        warnings=info.notes + warnings,
        encoding=info.encoding,
    )
    if quarantine_path is not None and len(quarantine):
        write_table(quarantine, quarantine_path)
    for w in warnings[:20]:  # returned in res.warnings, which the commands print: logged here for -v only, not twice
        log.info(w)
    return res


def file_columns(cases: pd.DataFrame, mapping: dict[str, str], columns: list[str] | None = None) -> dict[str, str]:
    """{case frame column: the column's name in the file}, in the file's order (`columns`)."""
    back = {new: old for old, new in column_clashes(columns or [], mapping).items()}
    out = {
        c: mapping.get(c, back.get(c, c)) for c in cases.columns if c in mapping or (c not in CANONICAL and c not in (SOURCE_ROW, ISSUES))
    }
    at = {name: i for i, name in enumerate(columns or [])}
    return dict(sorted(out.items(), key=lambda kv: at.get(kv[1], len(at))))


def iter_cases(
    path: str | Path,
    *,
    config: Config | None = None,
    taxonomy: Taxonomy | None = None,
    chunksize: int = 50_000,
    require: tuple[str, ...] = ("text",),
) -> Iterator[pd.DataFrame]:
    """Stream canonical cases chunk by chunk in "keep" mode (scoring): every row comes out."""
    config = config or Config()
    taxonomy = taxonomy or load_taxonomy(config.taxonomy)
    seen: set[str] = set()
    state = ReadState()
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=require)
        cases, _, _ = canonicalise(
            raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows="keep", seen_ids=seen, state=state
        )
        yield cases


__all__ = ["LoadResult", "ReadState", "load_cases", "file_columns", "iter_cases", "canonicalise", "ISSUES"]
