"""Validation at the boundary: map an export's columns onto the canonical case
record, parse and check every row, and quarantine what cannot be used.

Nothing is dropped silently: in "quarantine" mode every unusable row goes to the
quarantine frame with a coded `reason`, so n_read == n_valid + n_quarantined; in
"keep" mode (scoring) every row stays and its problems are listed in `rca_issues`.
"""
from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .config import Config
from .errors import RcaError, message
from .io import ReadInfo, iter_table, read_table, write_table
from .schema import BY_NAME, CANONICAL, DATETIME_FIELDS, SOURCE_ROW
from .taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

ISSUES = "rca_issues"
MAX_TEXT = 1_000_000

# Common export spellings recognised without a config (compared case-insensitively).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case_id": ("case id", "case reference", "reference", "case ref", "ref", "id", "case number", "complaint reference"),
    "received": ("date received", "received date", "received on", "date logged", "created", "date"),
    "text": ("description", "complaint details", "details", "complaint", "summary", "complaint description", "narrative"),
    "service": ("department", "directorate", "service area"),
    "root_cause": ("root cause", "cause"),
    "escalation_reason": ("escalation reason", "escalation reasons", "reason for escalation"),
    "acceptability": ("accepted", "acceptance", "not accepted reason", "acceptance decision"),
    "responded": ("date responded", "response date", "responded on", "closed date"),
    "due": ("due date", "target date", "date due"),
    "complainant_id": ("complainant", "customer id", "contact id"),
    "parent_case_id": ("parent case", "escalated from", "parent reference"),
}


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


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def resolve_mapping(columns: list[str], config: Config, *, source: str, required: tuple[str, ...] = ("text",),
                    missing: list[str] | None = None) -> dict[str, str]:
    """canonical -> source column: config first, then the columns the model was trained with
    (`config.column_hints`, where present), then canonical names, then synonyms.

    A config entry naming an absent column is an error for a required field and a
    note (appended to `missing`) for an optional one.
    """
    present = {c for c in columns if c != SOURCE_ROW}
    by_norm: dict[str, str] = {}
    for c in present:
        by_norm.setdefault(_norm(c), c)
    mapping: dict[str, str] = {}
    for canon, src in config.columns.items():
        if src in present:
            mapping[canon] = src
        elif _norm(src) in by_norm:
            mapping[canon] = by_norm[_norm(src)]
        elif canon in required:
            raise RcaError(
                "E101",
                f"the config maps {canon!r} to column {src!r}, which the file does not have; its columns are {sorted(present)[:30]}",
                file=source, column=src,
            )
        elif missing is not None:
            missing.append(f"{source}: the config maps {canon!r} to column {src!r}, which this file does not have; {canon} is left empty")
    for canon, src in config.column_hints.items():  # what the model was trained with, where this file has it
        found = src if src in present else by_norm.get(_norm(src))
        if canon not in mapping and found is not None and found not in mapping.values():
            mapping[canon] = found
    used = set(mapping.values())
    for canon in CANONICAL:
        if canon in mapping:
            continue
        for cand in (canon, canon.replace("_", " "), *SYNONYMS.get(canon, ())):
            src = by_norm.get(_norm(cand))
            if src is not None and src not in used:
                mapping[canon] = src
                used.add(src)
                break
    return mapping


def _blank_dates(s: pd.Series) -> pd.Series:
    """Cells that mean 'no date' (SQL and pandas exports write NULL / None / NaT for open cases)."""
    return s.eq("") | s.str.lower().isin({"nan", "nat", "none", "null"})


def _parse_datetimes(values: pd.Series, config: Config) -> pd.Series:
    """Parse date strings; unparseable non-blank values become NaT (caller flags them)."""
    s = values.astype(str).str.strip()
    blank = _blank_dates(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = s[~blank]
    if todo.empty:
        return out
    if config.date_format:
        out.loc[todo.index] = pd.to_datetime(todo, format=config.date_format, errors="coerce")
        return out
    iso = None
    if todo.str.match(r"^\d{4}-\d{2}-\d{2}").all():
        with warnings.catch_warnings():  # mixed UTC offsets: handled per cell below
            warnings.simplefilter("ignore", FutureWarning)
            iso = pd.to_datetime(todo, format="ISO8601", errors="coerce", utc=False)
    # the fast path only when every value came out naive (no offsets), else convert per cell
    if iso is not None and str(iso.dtype) == "datetime64[ns]":
        in_range = iso.between(pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31"))
        out.loc[todo.index] = iso.where(in_range)
        return out
    cache: dict[str, pd.Timestamp] = {}
    for idx, raw in todo.items():
        if raw not in cache:
            cache[raw] = _parse_one(raw, config.dayfirst)
        out.at[idx] = cache[raw]
    return out


def _parse_one(raw: str, dayfirst: bool) -> pd.Timestamp:
    try:
        if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # Excel serial day number
            return pd.Timestamp("1899-12-30") + pd.to_timedelta(float(raw), unit="D")
        ts = pd.to_datetime(raw, dayfirst=dayfirst and not re.match(r"^\d{4}-", raw), errors="raise")
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT
    if ts.tzinfo is not None:
        ts = ts.tz_convert("Europe/London").tz_localize(None)
    if not (pd.Timestamp("1900-01-01") <= ts <= pd.Timestamp("2100-12-31")):
        return pd.NaT
    return ts


_MONEY = re.compile(r"^[£$€]?\s*-?[\d,]*\.?\d+$")


def _parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = values.astype(str).str.strip().str.replace("GBP", "", regex=False).str.strip()
    blank = s.eq("")
    ok = s.str.match(_MONEY) | blank
    nums = pd.to_numeric(s.str.replace(r"[£$€,\s]", "", regex=True).where(~blank & ok), errors="coerce")
    return nums, ~ok


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
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Turn an all-string export frame into canonical cases (+ quarantine, warnings).

    `duplicate_ids`: a row whose id an earlier row has is flagged E104 (quarantined, or noted
    in `rca_issues` when kept) with "flag"; with "same_case" (training, evaluation: one row per
    complaint point or stage is common) it is kept as another row of the same case, with one
    warning for the file."""
    src_of = {v: k for k, v in mapping.items()}
    df = raw.rename(columns=src_of)
    extras = [c for c in df.columns if c not in CANONICAL and c != SOURCE_ROW]
    rows = df[SOURCE_ROW].to_numpy()
    reasons: list[list[str]] = [[] for _ in range(len(df))]
    warnings: list[str] = []
    where = lambda i, col, val=None: {"file": source, "row": int(rows[i]), "column": mapping.get(col, col), "value": val}  # noqa: E731

    values_only = df.drop(columns=[SOURCE_ROW]).astype(str)
    blank_row = values_only.apply(lambda c: c.str.strip().eq(""), axis=0).all(axis=1).to_numpy() if len(df) else np.array([], bool)
    for i in np.flatnonzero(blank_row):
        reasons[i].append(message("E105", **where(i, "text") | {"column": None}))

    out = pd.DataFrame(index=df.index)
    if "case_id" in df:
        ids = df["case_id"].astype(str).str.strip()
    else:
        ids = pd.Series([str(r) for r in rows], index=df.index)
    out["case_id"] = ids
    for name in CANONICAL:
        if name == "case_id" or name not in df:
            continue
        kind = BY_NAME[name].kind
        col = df[name].astype(str)
        if kind == "text":
            text = col.str.replace("\r\n", "\n", regex=False)
            out[name] = text
            empty = text.str.strip().eq("").to_numpy()
            for i in np.flatnonzero(empty & ~blank_row):
                reasons[i].append(message("E102", "the description is blank", **where(i, name)))
            for i in np.flatnonzero(text.str.len().to_numpy() > MAX_TEXT):
                reasons[i].append(message("E110", f"{len(text.iat[i]):,} characters", **where(i, name)))
        elif kind == "datetime":
            parsed = _parse_datetimes(col, config)
            bad = (parsed.isna() & ~_blank_dates(col.str.strip())).to_numpy()
            for i in np.flatnonzero(bad & ~blank_row):
                reasons[i].append(message("E103", "not a date", **where(i, name, col.iat[i])))
            out[name] = parsed
        elif kind in ("label", "multi_label"):
            overrides = {k.strip().lower(): v for k, v in config.labels.get(name, {}).items()}
            cleaned = col.str.strip()
            mapped = cleaned.map(lambda v: None if v == "" else taxonomy.normalise(name, overrides.get(v.lower(), v)))
            out[name] = mapped
            if name == "stage":
                bad = mapped.notna() & ~mapped.isin(taxonomy.labels("stage"))
                for i in np.flatnonzero(bad.to_numpy()):
                    warnings.append(message("E108", "left blank", **where(i, name, cleaned.iat[i])))
                out.loc[bad, name] = None
            else:
                unknown = Counter(u for v in mapped.dropna() for u in taxonomy.unknown(name, v))
                if unknown and taxonomy.labels(name):
                    shown = ", ".join(f"{k!r} ×{n}" for k, n in unknown.most_common(5))
                    warnings.append(message("E106", f"{sum(unknown.values())} labels outside taxonomy {taxonomy.version}: {shown}; kept as written", file=source, column=mapping.get(name, name)))
        elif kind == "number":
            nums, bad = _parse_money(col)
            for i in np.flatnonzero(bad.to_numpy() & ~blank_row):
                warnings.append(message("E107", **where(i, name, col.iat[i])))
            out[name] = nums.astype(float)
        elif kind == "int":
            nums = pd.to_numeric(col.str.strip().replace("", np.nan), errors="coerce")
            bad = nums.isna() & col.str.strip().ne("")
            for i in np.flatnonzero(bad.to_numpy() & ~blank_row):
                warnings.append(message("E107", **where(i, name, col.iat[i])))
            out[name] = nums.round().astype("Int64")
        else:
            out[name] = col.str.strip().replace("", None)
    # duplicated ids: the first keeps its place, later ones are flagged
    seen = seen_ids if seen_ids is not None else set()
    has_id = "case_id" in df
    repeats: list[int] = []
    for i, cid in enumerate(ids.to_numpy()):
        if blank_row[i]:
            continue
        if has_id and cid == "":
            if on_bad_rows == "keep":
                reasons[i].append(message("E101", "case id is blank; the row number is used", **where(i, "case_id")))
            out.iat[i, 0] = str(rows[i])
            cid = str(rows[i])
        if cid in seen:
            if duplicate_ids == "same_case":
                repeats.append(i)
            else:
                reasons[i].append(message("E104", "an earlier row has the same id", **where(i, "case_id", cid)))
        else:
            seen.add(cid)
    if repeats:
        i = repeats[0]
        warnings.append(message("E104", f"{len(repeats):,} rows repeat an earlier row's id (first {ids.iat[i]!r} at row "
                                        f"{int(rows[i])}); kept as rows of the same case, held out together", file=source,
                                column=mapping.get("case_id", "case_id")))
    out[SOURCE_ROW] = rows
    for c in extras:
        out[c] = df[c].to_numpy()
    bad_mask = np.array([bool(r) for r in reasons], dtype=bool)
    if on_bad_rows == "keep":
        out[ISSUES] = ["; ".join(r) for r in reasons]
        return out.reset_index(drop=True), raw.iloc[0:0].assign(reason=[]), warnings
    quarantine = raw.loc[bad_mask].copy()
    quarantine["reason"] = ["; ".join(r) for r, b in zip(reasons, bad_mask) if b]
    return out.loc[~bad_mask].reset_index(drop=True), quarantine.reset_index(drop=True), warnings


def load_cases(
    path: str | Path,
    *,
    config: Config | None = None,
    taxonomy: Taxonomy | None = None,
    on_bad_rows: Literal["quarantine", "keep"] = "quarantine",
    require: tuple[str, ...] = ("text",),
    quarantine_path: str | Path | None = None,
    duplicate_ids: Literal["flag", "same_case"] = "flag",
) -> LoadResult:
    """Load and validate a case export into the canonical case frame.

    >>> # res = load_cases("cases.csv", config=load_config("rca.toml"))
    >>> # res.n_read == res.n_valid + res.n_quarantined
    """
    config = config or Config()
    taxonomy = taxonomy or load_taxonomy(config.taxonomy)
    raw, info = read_table(path, sheet=config.sheet, encoding=config.encoding)
    mapping = check_columns(raw, config=config, info=info, require=require)
    cases, quarantine, warnings = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows=on_bad_rows,
                                               duplicate_ids=duplicate_ids)
    res = LoadResult(cases=cases, quarantine=quarantine, n_read=len(raw), source=str(path), mapping=mapping,
                     warnings=info.notes + warnings, encoding=info.encoding)
    if quarantine_path is not None and len(quarantine):
        write_table(quarantine, quarantine_path)
    for w in warnings[:20]:
        log.warning(w)
    return res


def check_columns(raw: pd.DataFrame, *, config: Config, info: ReadInfo, require: tuple[str, ...]) -> dict[str, str]:
    mapping = resolve_mapping(list(raw.columns), config, source=info.path, required=tuple(require) + ("text",), missing=info.notes)
    for name in require:
        if name not in mapping:
            cols = [c for c in raw.columns if c != SOURCE_ROW]
            flag = {"text": "--text-column", "case_id": "--id-column", "received": "--received-column"}.get(name, "the config")
            raise RcaError("E101", f"no column for {name!r}; the file's columns are {cols[:30]}; name it with {flag}", file=info.path, column=name)
    return mapping


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
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=require)
        cases, _, _ = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows="keep", seen_ids=seen)
        yield cases


__all__ = ["LoadResult", "load_cases", "iter_cases", "canonicalise", "resolve_mapping", "ISSUES", "DATETIME_FIELDS"]
