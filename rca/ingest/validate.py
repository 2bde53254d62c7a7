"""Validation at the boundary: map an export's columns onto the canonical case
record, parse and check every row, and quarantine what cannot be used.

Nothing is dropped silently: in "quarantine" mode every unusable row goes to the
quarantine frame with a coded `reason`, so n_read == n_valid + n_quarantined; in
"keep" mode (scoring) every row stays and its problems are listed in `rca_issues`.

Which column is which is `rca.ingest.column_map`, date columns `rca.ingest.dates`, label columns
`rca.ingest.codes`; the names callers import from here are re-exported.
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
from rca.ingest.column_map import FLAGS, column_clashes, make_room, check_columns, resolve_mapping
from rca.config import Config
from rca.ingest.dates import NUMERIC_DATE, blank_dates, read_dates, date_order
from rca.errors import message
from rca.ingest.io import not_the_input, iter_table, read_table, write_table
from rca.schema import BY_NAME, CANONICAL, DATETIME_FIELDS, SOURCE_ROW
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
    df, warnings = make_room(raw, mapping, source)
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
            parsed, notes = read_dates(name, col, config, state, source, column)
            warnings += notes
            bad = (parsed.isna() & ~blank_dates(col.str.strip())).to_numpy() & ~blank_row
            if bad.any() and bad_optional == "blank" and name not in required:
                at = np.flatnonzero(bad)
                warnings.append(message("E103", f"{len(at):,} of {int((~blank_dates(col.str.strip())).sum()):,} values are not dates "
                                                f"({_examples(rows[at], col.to_numpy()[at])}); left blank, the rows are used",
                                        file=source, column=column,
                                        hint=f"Fix those dates (e.g. 2024-03-28 or 28/03/2024); if this column is not {name!r}, map "
                                             f"{name} to the right column in the config [columns] table"
                                             + (f" or with {FLAGS[name]}" if name in FLAGS else "") + "."))
            else:
                order = "day-first" if state["dayfirst"].get(name, config.dayfirst) else "month-first"
                for i in np.flatnonzero(bad):
                    why = f"not a date read {order}, as this column is" if NUMERIC_DATE.match(col.iat[i].strip()) else "not a date"
                    reasons[i].append(message("E103", why, **where(i, name, col.iat[i])))
            out[name] = parsed
        elif kind in ("label", "multi_label"):
            cleaned = col.str.strip()
            if name == "stage":  # 1.0, 2.0: a stage column that went through a spreadsheet or pandas as numbers
                cleaned = cleaned.str.replace(r"^(\d)\.0+$", r"\1", regex=True)
            mapped, notes = read_codes(name, cleaned, config, taxonomy, state, source, column)
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
                    known = set(taxonomy.labels(name))
                    # "Delay, Poor communication": several codes joined by commas, not one unknown code
                    commas = [k for k in unknown if "," in k and all(p.strip() in known for p in k.split(",") if p.strip())]
                    hint = (f"Separate several codes with ';' (e.g. {'; '.join(p.strip() for p in commas[0].split(','))!r}), "
                            "not ','." if commas else None)
                    warnings.append(message("E106", f"{sum(unknown.values())} labels outside taxonomy {taxonomy.version}: {shown}; kept as written",
                                            file=source, column=column, hint=hint))
        elif kind in ("number", "int"):
            if kind == "number":
                nums, bad = _parse_money(col)
                out[name] = nums.astype(float)
            else:
                nums = pd.to_numeric(col.str.strip().where(lambda c: c.ne("")), errors="coerce")  # blank -> NaN
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
    cases, quarantine, warnings = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows=on_bad_rows,
                                               duplicate_ids=duplicate_ids, bad_optional=bad_optional, required=tuple(require))
    cases.attrs = {"source": str(path), "columns": file_columns(cases, mapping, list(raw.columns))}
    res = LoadResult(cases=cases, quarantine=quarantine, n_read=len(raw), source=str(path), mapping=mapping,
                     warnings=info.notes + warnings, encoding=info.encoding)
    if quarantine_path is not None and len(quarantine):
        write_table(quarantine, quarantine_path)
    for w in warnings[:20]:  # returned in res.warnings, which the commands print: logged here for -v only, not twice
        log.info(w)
    return res


def file_columns(cases: pd.DataFrame, mapping: dict[str, str], columns: list[str] | None = None) -> dict[str, str]:
    """{case frame column: the column's name in the file}, in the file's order (`columns`)."""
    back = {new: old for old, new in column_clashes(columns or [], mapping).items()}
    out = {c: mapping.get(c, back.get(c, c)) for c in cases.columns
           if c in mapping or (c not in CANONICAL and c not in (SOURCE_ROW, ISSUES))}
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
    state: dict = {}
    mapping = None
    for raw, info in iter_table(path, chunksize=chunksize, encoding=config.encoding, sheet=config.sheet):
        if mapping is None:
            mapping = check_columns(raw, config=config, info=info, require=require)
        cases, _, _ = canonicalise(raw, config=config, taxonomy=taxonomy, source=str(path), mapping=mapping, on_bad_rows="keep",
                                   seen_ids=seen, state=state)
        yield cases


__all__ = ["LoadResult", "load_cases", "date_order", "file_columns", "iter_cases", "canonicalise", "resolve_mapping", "ISSUES", "DATETIME_FIELDS"]
