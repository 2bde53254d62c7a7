"""Load labelled or scored exports into the case store. Nothing is overwritten.

A labelled export adds cases and their recorded codes; a scored export (the
output of `rca score`, with `<target>_predicted`, `<target>_confidence`,
`<target>_review`, `<target>_evidence` columns) also adds the model's
suggestions, and puts each suggestion a person should look at into the review
queue. A case already in the store keeps the row it was first loaded with; a
changed code in a later export becomes a new `original_labels` row, unless it
is the code an officer decided (rca's own export loaded again): that code is
already in the trail, and recording it as the council's would rewrite history.
rca's export columns (`rca_label_source`, `rca_reviewed_by`, ...) are kept
with a new case, so its export carries the review trail on.

Example::

    res = import_export(open_store(), "scored.csv", config=load_config("rca.toml"))
    res.n_new_cases, res.n_suggestions, res.n_review_items
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd
from sqlalchemy import and_, insert, select, update

from rca.config import Config
from rca.errors import RcaError
from rca.model.store import sha256_file
from rca.schema import DEFAULT_TARGETS, SOURCE_ROW
from rca.ingest.taxonomy import split_labels
from rca.store.db import Store, utcnow
from rca.store.models import Case, Decision, Import, Lease, OriginalLabel, ReviewItem, Suggestion
from rca.store.ranking import RankInput, rank_priorities

log = logging.getLogger(__name__)

# Recorded codes kept as original labels (plus any scored target and config.multi_label).
CODE_FIELDS = DEFAULT_TARGETS + ("outcome", "corrective_action", "delay_reason")
# `rca score` writes rca.scoring.score.output_columns: <target>_predicted/_confidence/_review/_evidence.
# `_needs_review` is read as a synonym of `_review` (hand-made or older files).
SCORE_SUFFIXES = ("_predicted", "_confidence", "_review", "_needs_review", "_evidence")
MODEL_VERSION_COLUMNS = ("model_version", "rca_model_version")
SCORE_EXTRA_COLUMNS = ("duplicate", "duplicate_of", "duplicate_reason")  # rca.scoring.duplicates.DUP_COLUMNS
_TRUE = {"true", "1", "yes", "y", "t"}
_CHUNK = 500


@dataclass
class ImportResult:
    source: str
    kind: str  # "labelled" | "scored"
    import_id: int | None = None
    n_rows: int = 0
    n_quarantined: int = 0
    n_new_cases: int = 0
    n_existing_cases: int = 0
    n_labels: int = 0
    n_suggestions: int = 0
    n_review_items: int = 0
    n_items_updated: int = 0  # open review items now showing a newer suggestion
    targets: list[str] = field(default_factory=list)
    skipped: bool = False  # the same file was imported before
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def scored_targets(columns: Iterable[str]) -> list[str]:
    """Targets a scored export carries (`<target>_predicted` columns)."""
    return sorted({c[: -len("_predicted")] for c in columns if c.endswith("_predicted") and len(c) > len("_predicted")})


def _clean(value: Any) -> Any:
    """A JSON-safe Python value (None for NaN/NaT/blank)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _label(value: Any) -> str | None:
    v = _clean(value)
    return None if v is None else str(v).strip() or None


def _float(value: Any) -> float | None:
    v = _clean(value)
    try:
        f = float(v) if v is not None else None
    except (TypeError, ValueError):
        return None
    return None if f is None or math.isnan(f) else f


def _bool(value: Any) -> bool:
    v = _clean(value)
    if isinstance(v, bool):
        return v
    return v is not None and str(v).strip().lower() in _TRUE


def _words(text: Any) -> str:
    return " ".join(str(text or "").split())


def _same_codes(a: str | None, b: str | None) -> bool:
    return set(split_labels(a)) == set(split_labels(b))


def import_export(store: Store, path: str | Path, *, config: Config | None = None, model_version: str | None = None,
                  imported_by: str | None = None, force: bool = False,
                  quarantine_path: str | Path | None = None) -> ImportResult:
    """Validate an export with `load_cases` and add it to the store.

    Rows `load_cases` cannot use are not imported; they are counted in
    `n_quarantined` and written to `quarantine_path` when given. The same file
    (by SHA-256) is not imported twice unless `force`.
    """
    from rca.ingest.validate import load_cases

    path = Path(path)
    config = config or Config()
    digest = sha256_file(path) if path.exists() else None
    if digest and not force:
        with store.session() as sess:
            earlier = sess.execute(select(Import.id, Import.imported_at).where(Import.sha256 == digest)).first()
        if earlier is not None:
            return ImportResult(source=str(path), kind="skipped", import_id=earlier.id, skipped=True,
                                warnings=[f"{path} was imported before (import {earlier.id} at {earlier.imported_at:%Y-%m-%d %H:%M} UTC); to load it again, import it with --force"])
    res = load_cases(path, config=config, on_bad_rows="quarantine", require=("text",), quarantine_path=quarantine_path)
    spellings = export_spellings(path, res.cases, res.mapping, config=config, encoding=res.encoding)
    cases, said = res.cases, []
    if "case_id" not in res.mapping:
        # row numbers serve as ids within one file; in a store that holds many files, row 2 of February
        # is not row 2 of January: the file's name keeps them apart
        cases = cases.assign(case_id=[f"{path.stem}:{r}" for r in cases[SOURCE_ROW]])
        said.append(f"{path} has no case id column: each row is stored as case '{path.stem}:ROW' (ROW its row number), so "
                    f"rows of other files never merge with these, and a file of the same name imported again matches by row. "
                    "To follow a case across exports, map the export's case id column (--id-column, or case_id under [columns]).")
    out = import_frame(store, cases, source=str(path), config=config, model_version=model_version,
                       imported_by=imported_by, sha256=digest, columns=res.mapping, spellings=spellings)
    out.n_rows = res.n_read
    out.n_quarantined = res.n_quarantined
    out.warnings = res.warnings + said + out.warnings
    return out


def export_spellings(path: Path, cases: pd.DataFrame, mapping: dict[str, str], *, config: Config,
                     encoding: str | None = None) -> dict[str, dict[str, str]]:
    """{field: {canonical code: the spelling the export used most}} for the code
    fields, where the two differ; read back from the raw file row by row."""
    from rca.ingest.io import read_table

    fields = [f for f in CODE_FIELDS + tuple(config.multi_label) if f in mapping and f in cases.columns]
    if not fields or SOURCE_ROW not in cases.columns:
        return {}
    raw, _ = read_table(path, sheet=config.sheet, encoding=encoding or config.encoding)
    raw = raw.set_index(SOURCE_ROW)
    rows = cases[SOURCE_ROW].to_numpy()
    out: dict[str, dict[str, str]] = {}
    for f in fields:
        col = mapping[f]
        if col not in raw.columns:
            continue
        counts: dict[tuple[str, str], int] = {}
        for canon, written in zip(cases[f].to_numpy(), raw[col].reindex(rows).to_numpy()):
            canon_parts, written_parts = split_labels(_label(canon)), split_labels(_label(written))
            if len(canon_parts) != len(written_parts):
                continue  # merged duplicates: cannot pair the parts
            for c, w in zip(canon_parts, written_parts):
                counts[(c, w)] = counts.get((c, w), 0) + 1  # the code as rca spells it counts too: it can be the export's
        best: dict[str, tuple[int, str]] = {}
        for (c, w), n in sorted(counts.items()):
            if n > best.get(c, (0, ""))[0]:
                best[c] = (n, w)
        respelt = {c: w for c, (_, w) in best.items() if w != c}
        if respelt:
            out[f] = respelt
    return out


@dataclass
class _Plan:
    """What an import reads from each row, and the store's rules for it."""

    source: str
    kind: str  # "labelled" | "scored"
    targets: list[str]  # the scored targets
    code_fields: list[str]  # recorded codes kept as original labels
    data_cols: list[str]  # the case record's own columns, kept with a new case
    version_col: str | None  # the column naming the model that scored each row
    model_version: str | None
    queue_disagreements: bool
    queue_order: str
    now: datetime
    import_id: int | None = None


@dataclass
class _Found:
    """What the chunks of one import add up to tell: review items to queue and warnings' examples."""

    pending: list[RankInput] = field(default_factory=list)
    other_text: list[str] = field(default_factory=list)  # ids of stored cases this file gives other words
    overruled: list[str] = field(default_factory=list)  # ids whose code here differs from an officer's decision in force


def import_frame(store: Store, cases: pd.DataFrame, *, source: str = "frame", config: Config | None = None,
                 model_version: str | None = None, imported_by: str | None = None, sha256: str | None = None,
                 columns: dict[str, str] | None = None, spellings: dict[str, dict[str, str]] | None = None) -> ImportResult:
    """Add a canonical case frame (optionally with scored columns) in one transaction."""
    plan = _plan(cases, config or Config(), source=source, model_version=model_version)
    result = ImportResult(source=source, kind=plan.kind, n_rows=len(cases), targets=plan.targets)
    cases = _with_unique_ids(cases, source)
    found = _Found()
    with store.session() as sess:
        imp = Import(source=source[:500], sha256=sha256, kind=plan.kind, model_version=model_version, imported_by=imported_by,
                     imported_at=plan.now, n_rows=len(cases), n_new_cases=0, n_suggestions=0, n_review_items=0,
                     columns=dict(columns or {}), spellings=dict(spellings or {}))
        sess.add(imp)
        sess.flush()
        result.import_id = plan.import_id = imp.id
        for start in range(0, len(cases), _CHUNK):
            _import_chunk(sess, cases.iloc[start : start + _CHUNK], plan, result, found)
        if found.pending:
            result.n_review_items = _enqueue(sess, found.pending, order=plan.queue_order, now=plan.now)
        result.warnings += _import_warnings(source, found)
        imp.n_new_cases = result.n_new_cases
        imp.n_suggestions = result.n_suggestions
        imp.n_review_items = result.n_review_items
    log.info("imported %s: %d new cases, %d suggestions, %d review items", source, result.n_new_cases, result.n_suggestions, result.n_review_items)
    return result


def _plan(cases: pd.DataFrame, config: Config, *, source: str, model_version: str | None) -> _Plan:
    """Which columns are codes, suggestions and the case record, and the [store] rules."""
    targets = scored_targets(cases.columns)
    store_cfg = config.section("store")
    extra_codes = [str(t) for t in store_cfg.get("targets", [])]
    code_fields = [c for c in dict.fromkeys(list(CODE_FIELDS) + list(config.multi_label) + targets + extra_codes) if c in cases.columns]
    skip_cols = {f"{t}{s}" for t in targets for s in SCORE_SUFFIXES} | {"rca_issues", *MODEL_VERSION_COLUMNS}
    if targets:  # scoring's own flags are not part of the council's case record
        skip_cols |= set(SCORE_EXTRA_COLUMNS)
    return _Plan(source=source, kind="scored" if targets else "labelled", targets=targets, code_fields=code_fields,
                 data_cols=[c for c in cases.columns if c not in skip_cols],
                 version_col=next((c for c in MODEL_VERSION_COLUMNS if c in cases.columns), None),
                 model_version=model_version, queue_disagreements=bool(store_cfg.get("queue_disagreements", True)),
                 queue_order=str(store_cfg.get("queue_order", "useful")), now=utcnow())


def _with_unique_ids(cases: pd.DataFrame, source: str) -> pd.DataFrame:
    """The frame with a case id on every row (its row number when it has none); an id on two rows is E104."""
    if "case_id" not in cases.columns:
        cases = cases.assign(case_id=cases[SOURCE_ROW].astype(str) if SOURCE_ROW in cases.columns else [str(i + 2) for i in range(len(cases))])
    dup = cases["case_id"].astype(str).duplicated(keep=False)
    if dup.any():  # load_cases quarantines these; a frame handed in directly must not lose rows silently
        first = cases.loc[dup].iloc[0]
        row = int(first[SOURCE_ROW]) if SOURCE_ROW in cases.columns and pd.notna(first[SOURCE_ROW]) else None
        ids = sorted(set(cases.loc[dup, "case_id"].astype(str)))
        raise RcaError("E104", f"{len(ids)} case ids appear more than once, e.g. {', '.join(ids[:5])}", file=source,
                       row=row, column="case_id", value=ids[0])
    return cases.reset_index(drop=True)


def _import_chunk(sess, chunk: pd.DataFrame, plan: _Plan, result: ImportResult, found: _Found) -> None:
    """One chunk of rows: its new cases, then their recorded codes, then the model's suggestions."""
    records = chunk.to_dict("records")
    ids = [str(x) for x in chunk["case_id"]]
    pks = _add_cases(sess, records, ids, plan, result, found)
    latest = _latest_originals(sess, pks)
    decided = _decided_codes(sess, pks)
    open_items = _open_item_pairs(sess, pks)
    _add_labels(sess, records, pks, plan, result, found, latest=latest, decided=decided)
    _add_suggestions(sess, records, pks, plan, result, found, latest=latest, decided=decided, open_items=open_items)


def _add_cases(sess, records: list[dict], ids: list[str], plan: _Plan, result: ImportResult, found: _Found) -> list[int]:
    """Insert the cases not yet stored (a stored case keeps its first row); each row's case key."""
    stored = {r.case_id: r for r in sess.execute(select(Case.case_id, Case.id, Case.text).where(Case.case_id.in_(ids)))}
    existing = {cid: r.id for cid, r in stored.items()}
    new_rows = []
    for rec in records:
        cid = str(rec["case_id"])
        if cid in existing:
            if _words(stored[cid].text) != _words(_clean(rec.get("text"))):
                found.other_text.append(cid)
            continue
        received = _clean(rec.get("received"))
        new_rows.append({
            "case_id": cid[:200],
            "received": pd.Timestamp(received).to_pydatetime() if received else None,
            "service": _label(rec.get("service")),
            "stage": _label(rec.get("stage")),
            "text": str(_clean(rec.get("text")) or ""),
            "data": {c: _clean(rec.get(c)) for c in plan.data_cols},
            "import_id": plan.import_id,
            "created_at": plan.now,
        })
    if new_rows:
        for row in sess.execute(insert(Case).returning(Case.id, Case.case_id), new_rows):
            existing[row.case_id] = row.id
    result.n_new_cases += len(new_rows)
    result.n_existing_cases += len(records) - len(new_rows)
    return [existing[c] for c in ids]


def _add_labels(sess, records: list[dict], pks: list[int], plan: _Plan, result: ImportResult, found: _Found, *,
                latest: dict[tuple[int, str], str], decided: dict[tuple[int, str], str | None]) -> None:
    """Record each code that differs from the case's latest recorded one (`latest` follows)."""
    label_rows = []
    for rec, pk in zip(records, pks):
        for t in plan.code_fields:
            lab = _label(rec.get(t))
            if lab is None or ((pk, t) in decided and _same_codes(decided[(pk, t)], lab)):
                # an officer's decision coming back (rca's own export imported again),
                # not a code the council recorded: recording it would rewrite the trail
                continue
            if (pk, t) in decided and (latest.get((pk, t)) is None or not _same_codes(latest[(pk, t)], lab)):
                found.overruled.append(f"{rec['case_id']} ({t})")
            if latest.get((pk, t)) is None or not _same_codes(latest[(pk, t)], lab):
                label_rows.append({"case_pk": pk, "target": t, "label": lab[:1000], "import_id": plan.import_id})
                latest[(pk, t)] = lab
    if label_rows:
        sess.execute(insert(OriginalLabel), label_rows)
    result.n_labels += len(label_rows)


def _add_suggestions(sess, records: list[dict], pks: list[int], plan: _Plan, result: ImportResult, found: _Found, *,
                     latest: dict[tuple[int, str], str], decided: dict[tuple[int, str], str | None],
                     open_items: dict[tuple[int, str], int | None]) -> None:
    """Record the model's suggestions; each one a person should look at is queued for review."""
    sugg_rows = _suggestion_rows(records, pks, plan)
    if not sugg_rows:
        return
    sugg_ids = [r.id for r in sess.execute(insert(Suggestion).returning(Suggestion.id, sort_by_parameter_order=True), sugg_rows)]
    result.n_suggestions += len(sugg_rows)
    for sid, s in zip(sugg_ids, sugg_rows):
        key = (s["case_pk"], s["target"])
        original = latest.get(key)
        disagrees = original is not None and s["label"] is not None and not _same_codes(original, s["label"])
        if key in open_items:
            # a case scored again while it waits: the officer sees, and confirms, the newest suggestion
            if open_items[key] is not None:
                sess.execute(update(ReviewItem).where(ReviewItem.id == open_items[key]).values(suggestion_id=sid))
                result.n_items_updated += 1
            continue
        if key in decided or not (s["needs_review"] or (plan.queue_disagreements and disagrees)):
            continue
        open_items[key] = None  # queued at the end of the import (ids come with the insert)
        found.pending.append(RankInput(case_pk=s["case_pk"], target=s["target"], suggestion_id=sid, label=s["label"],
                                       confidence=s["confidence"], original=original, needs_review=s["needs_review"]))


def _suggestion_rows(records: list[dict], pks: list[int], plan: _Plan) -> list[dict]:
    """A row for each scored target of each record that has a label or a confidence."""
    rows = []
    for rec, pk in zip(records, pks):
        row_version = _label(rec.get(plan.version_col)) if plan.version_col else None
        for t in plan.targets:
            lab = _label(rec.get(f"{t}_predicted"))
            conf = _float(rec.get(f"{t}_confidence"))
            review = _bool(rec.get(f"{t}_review", rec.get(f"{t}_needs_review")))
            if lab is None and conf is None:
                continue
            rows.append({
                "case_pk": pk, "target": t, "label": lab[:1000] if lab else None, "confidence": conf,
                "needs_review": review, "evidence": _label(rec.get(f"{t}_evidence")),
                "model_version": row_version or plan.model_version, "import_id": plan.import_id, "created_at": plan.now,
            })
    return rows


def _import_warnings(source: str, found: _Found) -> list[str]:
    """Warnings on rows whose id names a stored case with other words, and on codes an officer overruled."""
    out = []
    if found.other_text:
        out.append(
            f"{len(found.other_text):,} rows of {source} have the case id of a stored case but other words (e.g. "
            f"{', '.join(found.other_text[:5])}): the stored case keeps its first text, and these rows' codes and suggestions "
            "were added to it. If these are different complaints, the ids are not unique across exports: map a "
            "unique case id column before importing more.")
    if found.overruled:
        out.append(
            f"{len(found.overruled):,} codes in {source} differ from an officer's decision on the case (e.g. "
            f"{', '.join(found.overruled[:5])}): the officer's code stays in force and the export's is kept in the trail. "
            "To take the export's code, decide the case again (`rca store decide --case CASE --target TARGET --action corrected --label CODE`).")
    return out


def _enqueue(sess, pending: list[RankInput], *, order: str, now: datetime) -> int:
    priorities, reasons = rank_priorities(pending, order=order)
    rows = [{"case_pk": p.case_pk, "target": p.target, "suggestion_id": p.suggestion_id, "priority": float(pr),
             "reason": rs, "created_at": now} for p, pr, rs in zip(pending, priorities, reasons)]
    for start in range(0, len(rows), _CHUNK):
        part = rows[start : start + _CHUNK]
        ids = [r.id for r in sess.execute(insert(ReviewItem).returning(ReviewItem.id, sort_by_parameter_order=True), part)]
        sess.execute(insert(Lease), [{"item_id": i, "officer": None, "expires_at": None, "closed_at": None, "claims": 0} for i in ids])
    return len(rows)


def _latest_originals(sess, pks: list[int]) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    rows = sess.execute(select(OriginalLabel.case_pk, OriginalLabel.target, OriginalLabel.label)
                        .where(OriginalLabel.case_pk.in_(pks)).order_by(OriginalLabel.id)).all()
    for r in rows:
        out[(r.case_pk, r.target)] = r.label
    return out


def _decided_codes(sess, pks: list[int]) -> dict[tuple[int, str], str | None]:
    """(case, target) -> the code of the latest officer decision, for decided pairs."""
    rows = sess.execute(select(Decision.case_pk, Decision.target, Decision.label)
                        .where(Decision.case_pk.in_(pks)).order_by(Decision.id)).all()
    return {(r.case_pk, r.target): r.label for r in rows}


def _open_item_pairs(sess, pks: list[int]) -> dict[tuple[int, str], int | None]:
    """(case, target) -> the id of its open review item."""
    q = (select(ReviewItem.case_pk, ReviewItem.target, ReviewItem.id).join(Lease, Lease.item_id == ReviewItem.id)
         .where(and_(ReviewItem.case_pk.in_(pks), Lease.closed_at.is_(None))))
    return {(r.case_pk, r.target): r.id for r in sess.execute(q)}


__all__ = ["ImportResult", "import_export", "import_frame", "export_spellings", "scored_targets", "CODE_FIELDS"]
