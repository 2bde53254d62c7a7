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
from .io import ReadInfo, free_column_name, iter_table, read_table, write_table
from .schema import BY_NAME, CANONICAL, DATETIME_FIELDS, SOURCE_ROW
from .taxonomy import MULTI_SEP, Taxonomy, load_taxonomy

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


_FLAGS = {"text": "--text-column", "case_id": "--id-column", "received": "--received-column"}


def _who_maps(canon: str, src: str, config: Config) -> str:
    """'--text-column names' or 'the config rca.toml maps text to': whichever said so."""
    from_file = None
    if config.source:
        try:
            from .config import load_config

            from_file = load_config(config.source).columns.get(canon)
        except RcaError:
            from_file = None
    if canon in _FLAGS and from_file != src:
        return f"{_FLAGS[canon]} names"
    return f"the config{' ' + config.source if config.source else ''} maps {canon!r} to"


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
            cols = [c for c in columns if c != SOURCE_ROW]
            raise RcaError(
                "E101", f"{_who_maps(canon, src, config)} {src!r}, which is not a column of {source}; its columns are {cols[:30]}",
                file=source, column=src, hint=f"Name one of those columns with {_FLAGS.get(canon, 'the config [columns] table')}.",
            )
        elif missing is not None:
            missing.append(f"{source}: {_who_maps(canon, src, config)} {src!r}, which this file does not have; {canon} is left empty")
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


# day and month as numbers, either order: 03/04/2024, 3.4.24, 25-03-2024 15:30
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)")
_YEAR_FIRST = re.compile(r"^\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)")


def date_order(values: pd.Series, dayfirst: bool) -> tuple[bool, str | None]:
    """Day-first or month-first for a whole column of date strings, and why when not as configured.

    A first number over 12 can only be a day (25/03/2024), a second over 12 only a day
    (03/25/2024): a column showing only the second kind is month-first; one showing both is
    ambiguous and read as configured, its impossible dates flagged. Otherwise `dayfirst` holds.

    >>> date_order(pd.Series(["03/25/2024", "03/04/2024"]), True)[0]
    False
    """
    parts = values.str.extract(_NUMERIC_DATE)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    day_first_seen = ((first > 12) & (first <= 31) & (second <= 12)).to_numpy()
    month_first_seen = ((second > 12) & (second <= 31) & (first <= 12)).to_numpy()
    ex = lambda mask: values[mask].iat[0]  # noqa: E731
    if day_first_seen.any() and month_first_seen.any():
        how = "day-first (dd/mm/yyyy)" if dayfirst else "month-first (mm/dd/yyyy)"
        return dayfirst, (f"the dates are in both orders ({ex(day_first_seen)!r} is day first, {ex(month_first_seen)!r} "
                          f"month first); read {how} as configured, and dates impossible that way are not read")
    if month_first_seen.any() and dayfirst:
        return False, (f"read month-first (mm/dd/yyyy) because {ex(month_first_seen)!r} cannot be day-first and no date "
                       f"is only day-first; so 03/04/2024 in this column is 4 March")
    if day_first_seen.any() and not dayfirst:
        return True, (f"read day-first (dd/mm/yyyy) because {ex(day_first_seen)!r} cannot be month-first and no date "
                      f"is only month-first; so 03/04/2024 in this column is 3 April")
    return dayfirst, None


def _parse_datetimes(values: pd.Series, config: Config, *, dayfirst: bool | None = None) -> pd.Series:
    """Parse date strings; unparseable non-blank values become NaT (caller flags them).

    `dayfirst` (default: `date_order` of the column, else the config) applies to every
    dd/mm-or-mm/dd value alike; year-first values (2013/12/02) are read year, month, day."""
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
    if dayfirst is None:
        dayfirst = date_order(todo, config.dayfirst)[0]
    cache: dict[str, pd.Timestamp] = {}
    for idx, raw in todo.items():
        if raw not in cache:
            cache[raw] = _parse_one(raw, dayfirst)
        out.at[idx] = cache[raw]
    return out


def _parse_one(raw: str, dayfirst: bool) -> pd.Timestamp:
    try:
        if re.fullmatch(r"\d{5}(\.\d+)?", raw):  # Excel serial day number
            return pd.Timestamp("1899-12-30") + pd.to_timedelta(float(raw), unit="D")
        if _YEAR_FIRST.match(raw):
            dayfirst = False  # 2013/12/02 is 2 December: year, month, day
        elif found := _NUMERIC_DATE.match(raw):
            month = int(found.group(2) if dayfirst else found.group(1))
            if not 1 <= month <= 12:
                return pd.NaT  # impossible in the column's order: flagged, never read the other way round
        raw = re.sub(r"\s+BST$", "", raw)  # British Summer Time is UK clock time, which naive times here are
        with warnings.catch_warnings():
            # the order is decided above, for the whole column; pandas' per-value advice does not apply
            warnings.filterwarnings("ignore", message="Parsing dates in .* format when dayfirst", category=UserWarning)
            ts = pd.to_datetime(raw, dayfirst=dayfirst, errors="raise")
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


# Label sets rca reads itself (working-day targets, stage rank, report categories): their
# aliases are spellings of one value, so they always apply. Elsewhere aliases never merge two
# codes of one file (see Taxonomy.plan_codes).
FIXED_VOCABULARY = ("stage", "route", "case_type", "channel", "outcome")


def _examples(rows, values, k: int = 5) -> str:
    shown = ", ".join(f"row {int(r)} {str(v)[:40]!r}" for r, v in list(zip(rows, values))[:k])
    return shown + (f" and {len(rows) - k:,} more" if len(rows) > k else "")


def _clashes(columns, mapping: dict[str, str]) -> dict[str, str]:
    """{column of the file: the free name it is kept under} for columns whose name a mapped
    column takes (a column named `text` beside `--text-column Feedback`)."""
    src_of = {v: k for k, v in mapping.items()}
    taken, out = set(columns) | set(src_of.values()), {}
    for c in columns:
        if c in mapping and c not in src_of and c != SOURCE_ROW:
            out[c] = free_column_name(c, taken)
            taken.add(out[c])
    return out


def _make_room(raw: pd.DataFrame, mapping: dict[str, str], source: str) -> tuple[pd.DataFrame, list[str]]:
    """The frame with mapped columns under their canonical names; the column the user mapped
    wins, and a column of the file already named so is kept under a free name, with a warning."""
    clashes = _clashes(list(raw.columns), mapping)
    notes = [message("E112", f"{mapping[c]!r} is read as {c!r} (the column mapping names it) and the file also has a column "
                             f"named {c!r}; that column is kept, as {new!r}", file=source, column=c) for c, new in clashes.items()]
    return raw.rename(columns={v: k for k, v in mapping.items()} | clashes), notes


def _read_dates(name: str, col: pd.Series, config: Config, state: dict, source: str, column: str) -> tuple[pd.Series, list[str]]:
    """Parse one date column in a single day/month order (decided on its first chunk), with a note why."""
    notes = []
    orders = state.setdefault("dayfirst", {})
    if not config.date_format:
        text = col.str.strip()
        order, why = date_order(text[~_blank_dates(text)], orders.get(name, config.dayfirst))
        if name not in orders:
            orders[name] = order
            if why:
                notes.append(message("E114", why, file=source, column=column))
        elif order != orders[name]:
            notes.append(message("E114", f"later rows hold dates only possible {'day' if order else 'month'}-first; the column "
                                         f"is read as its first rows were, and those dates are not read", file=source, column=column))
    return _parse_datetimes(col, config, dayfirst=orders.get(name, config.dayfirst)), notes


def _read_codes(name: str, cleaned: pd.Series, config: Config, taxonomy: Taxonomy, state: dict, source: str,
                column: str) -> tuple[pd.Series, list[str]]:
    """A label column read onto the taxonomy: the config's [labels] spellings first, then the
    taxonomy's aliases, which never merge two codes the file uses (unless the council's own
    taxonomy file or [labels] says so). Codes read as another spelling are reported."""
    overrides = {k.strip().lower(): v for k, v in config.labels.get(name, {}).items()}
    distinct = [v for v in cleaned.unique() if v != ""]
    user = {v: overrides[v.lower()] for v in distinct if v.lower() in overrides}
    multi = taxonomy.is_multi_label(name)
    split = (lambda v: [p for p in (x.strip() for x in v.split(MULTI_SEP)) if p]) if multi else (lambda v: [v])
    reserved = {taxonomy.normalise_one(name, p)[0] for t in user.values() for p in split(str(t).strip())}
    parts = [p for v in distinct if v not in user for p in split(v)]
    merge = bool(config.taxonomy) or name in FIXED_VOCABULARY
    plan, changed, kept = taxonomy.plan_codes(name, parts, merge=merge, reserved=reserved,
                                              owners=state.setdefault("owners", {}).setdefault(name, {}))
    read = {v: taxonomy.normalise(name, user[v]) if v in user else MULTI_SEP.join(dict.fromkeys(plan[p] for p in split(v))) or None
            for v in distinct}
    notes: list[str] = []
    reported = state.setdefault("reported", set())
    changed = [(c, lab) for c, lab in changed if (name, c) not in reported and not merge
               and taxonomy.normalise_one(name, c)[0] == lab and c.strip().lower() != lab.lower()]
    if changed:
        reported.update((name, c) for c, _ in changed)
        shown = ", ".join(f"{c!r} as {lab!r}" for c, lab in changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
        notes.append(f"{source}: column {column!r}: codes read as taxonomy {taxonomy.version} spells them: {shown}")
    for code, label, owner in kept:
        if (name, code, "kept") not in reported:
            reported.add((name, code, "kept"))
            why = (f"the taxonomy reads it as {label!r}, a code the file already uses" if owner == label else
                   f"the taxonomy reads both it and {owner!r} as {label!r}, and {owner!r} is read so")
            notes.append(message("E106", f"{code!r} is kept as written: {why}; two codes of one file are never merged into one",
                                 file=source, column=column, hint=f"To merge them, map both spellings under [labels.{name}] in the config."))
    return cleaned.map(lambda v: read.get(v) if v else None), notes


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
    state: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Turn an all-string export frame into canonical cases (+ quarantine, warnings).

    `duplicate_ids`: a row whose id an earlier row has is flagged E104 (quarantined, or noted
    in `rca_issues` when kept) with "flag"; with "same_case" (training, evaluation: one row per
    complaint point or stage is common) it is kept as another row of the same case, with one
    warning for the file. `bad_optional="blank"` (training): an unreadable date in a field
    not `required` is left blank, with one warning for the column, and its row kept.
    `state`: kept between the chunks of one file, so each column is read one way throughout."""
    state = {} if state is None else state
    df, warnings = _make_room(raw, mapping, source)
    extras = [c for c in df.columns if c not in CANONICAL and c != SOURCE_ROW]
    rows = df[SOURCE_ROW].to_numpy()
    reasons: list[list[str]] = [[] for _ in range(len(df))]
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
        column = mapping.get(name, name)
        if kind == "text":
            text = col.str.replace("\r\n", "\n", regex=False)
            out[name] = text
            empty = text.str.strip().eq("").to_numpy()
            for i in np.flatnonzero(empty & ~blank_row):
                reasons[i].append(message("E102", "the description is blank", **where(i, name)))
            for i in np.flatnonzero(text.str.len().to_numpy() > MAX_TEXT):
                reasons[i].append(message("E110", f"{len(text.iat[i]):,} characters", **where(i, name)))
        elif kind == "datetime":
            parsed, notes = _read_dates(name, col, config, state, source, column)
            warnings += notes
            bad = (parsed.isna() & ~_blank_dates(col.str.strip())).to_numpy() & ~blank_row
            if bad.any() and bad_optional == "blank" and name not in required:
                at = np.flatnonzero(bad)
                warnings.append(message("E103", f"{len(at):,} of {int((~_blank_dates(col.str.strip())).sum()):,} values are not dates "
                                                f"({_examples(rows[at], col.to_numpy()[at])}); left blank, the rows are used",
                                        file=source, column=column,
                                        hint=f"Fix those dates (e.g. 2024-03-28 or 28/03/2024); if this column is not {name!r}, map "
                                             f"{name} to the right column in the config [columns] table"
                                             + (f" or with {_FLAGS[name]}" if name in _FLAGS else "") + "."))
            else:
                order = "day-first" if state["dayfirst"].get(name, config.dayfirst) else "month-first"
                for i in np.flatnonzero(bad):
                    why = f"not a date read {order}, as this column is" if _NUMERIC_DATE.match(col.iat[i].strip()) else "not a date"
                    reasons[i].append(message("E103", why, **where(i, name, col.iat[i])))
            out[name] = parsed
        elif kind in ("label", "multi_label"):
            cleaned = col.str.strip()
            if name == "stage":  # 1.0, 2.0: a stage column that went through a spreadsheet or pandas as numbers
                cleaned = cleaned.str.replace(r"^(\d)\.0+$", r"\1", regex=True)
            mapped, notes = _read_codes(name, cleaned, config, taxonomy, state, source, column)
            warnings += notes
            out[name] = mapped
            if name == "stage":
                bad = (mapped.notna() & ~mapped.isin(taxonomy.labels("stage"))).to_numpy()
                if bad.any():
                    at = np.flatnonzero(bad)
                    warnings.append(message("E108", f"{len(at):,} values are not a stage ({_examples(rows[at], cleaned.to_numpy()[at])}); "
                                                    "left blank", file=source, column=column))
                out.loc[bad, name] = None
            else:
                unknown = Counter(u for v in mapped.dropna() for u in taxonomy.unknown(name, v))
                if unknown and taxonomy.labels(name):
                    shown = ", ".join(f"{k!r} ×{n}" for k, n in unknown.most_common(5))
                    warnings.append(message("E106", f"{sum(unknown.values())} labels outside taxonomy {taxonomy.version}: {shown}; kept as written", file=source, column=column))
        elif kind in ("number", "int"):
            if kind == "number":
                nums, bad = _parse_money(col)
                out[name] = nums.astype(float)
            else:
                nums = pd.to_numeric(col.str.strip().replace("", np.nan), errors="coerce")
                bad = nums.isna() & col.str.strip().ne("")
                out[name] = nums.round().astype("Int64")
            at = np.flatnonzero(bad.to_numpy() & ~blank_row)
            if len(at):
                warnings.append(message("E107", f"{len(at):,} values are not numbers ({_examples(rows[at], col.to_numpy()[at])})",
                                        file=source, column=column))
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
    bad_optional: Literal["quarantine", "blank"] = "quarantine",
) -> LoadResult:
    """Load and validate a case export into the canonical case frame.

    The cases carry `attrs["source"]` (the file) and `attrs["columns"]` (each column's name in
    the file), so later messages can name the user's own columns.

    >>> # res = load_cases("cases.csv", config=load_config("rca.toml"))
    >>> # res.n_read == res.n_valid + res.n_quarantined
    """
    config = config or Config()
    taxonomy = taxonomy or load_taxonomy(config.taxonomy)
    raw, info = read_table(path, sheet=config.sheet, encoding=config.encoding)
    mapping = check_columns(raw, config=config, info=info, require=require)
    cases, quarantine, warnings = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows=on_bad_rows,
                                               duplicate_ids=duplicate_ids, bad_optional=bad_optional, required=tuple(require))
    cases.attrs = {"source": str(path), "columns": file_columns(cases, mapping, list(raw.columns))}
    res = LoadResult(cases=cases, quarantine=quarantine, n_read=len(raw), source=str(path), mapping=mapping,
                     warnings=info.notes + warnings, encoding=info.encoding)
    if quarantine_path is not None and len(quarantine):
        write_table(quarantine, quarantine_path)
    for w in warnings[:20]:
        log.warning(w)
    return res


def file_columns(cases: pd.DataFrame, mapping: dict[str, str], columns: list[str] | None = None) -> dict[str, str]:
    """{case frame column: the column's name in the file}, in the file's order (`columns`)."""
    back = {new: old for old, new in _clashes(columns or [], mapping).items()}
    out = {c: mapping.get(c, back.get(c, c)) for c in cases.columns
           if c in mapping or (c not in CANONICAL and c not in (SOURCE_ROW, ISSUES))}
    at = {name: i for i, name in enumerate(columns or [])}
    return dict(sorted(out.items(), key=lambda kv: at.get(kv[1], len(at))))


def check_columns(raw: pd.DataFrame, *, config: Config, info: ReadInfo, require: tuple[str, ...]) -> dict[str, str]:
    mapping = resolve_mapping(list(raw.columns), config, source=info.path, required=tuple(require) + ("text",), missing=info.notes)
    for name in require:
        if name not in mapping:
            cols = [c for c in raw.columns if c != SOURCE_ROW]
            flag = _FLAGS.get(name, "the config")
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
    state: dict = {}
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=require)
        cases, _, _ = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows="keep",
                                   seen_ids=seen, state=state)
        yield cases


__all__ = ["LoadResult", "load_cases", "date_order", "file_columns", "iter_cases", "canonicalise", "resolve_mapping", "ISSUES", "DATETIME_FIELDS"]
