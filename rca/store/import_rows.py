"""Writing an import's rows into the store, a chunk at a time: new cases, the recorded codes that changed, the
model's suggestions, and the review items a person should look at."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import and_, insert, select, update

from rca.store.import_plan import CHUNK_ROWS, ImportFindings, ImportPlan, ImportResult
from rca.store.import_values import (
    flag_value,
    float_value,
    json_value,
    label_value,
    same_codes,
    spaced_words,
)
from rca.store.models import (
    Case,
    Decision,
    Lease,
    OriginalLabel,
    ReviewItem,
    Suggestion,
)
from rca.store.ranking import RankInput, rank_priorities

__all__ = ["enqueue", "import_chunk"]


def import_chunk(sess, chunk: pd.DataFrame, plan: ImportPlan, result: ImportResult, found: ImportFindings) -> None:
    """One chunk of rows: its new cases, then their recorded codes, then the model's suggestions."""
    records = chunk.to_dict("records")
    ids = [str(x) for x in chunk["case_id"]]
    pks = _add_cases(sess, records, ids, plan, result, found)
    latest = _latest_originals(sess, pks)
    decided = _decided_codes(sess, pks)
    open_items = _open_item_pairs(sess, pks)
    _add_labels(sess, records, pks, plan, result, found, latest=latest, decided=decided)
    _add_suggestions(sess, records, pks, plan, result, found, latest=latest, decided=decided, open_items=open_items)


def _add_cases(sess, records: list[dict], ids: list[str], plan: ImportPlan, result: ImportResult, found: ImportFindings) -> list[int]:
    """Insert the cases not yet stored (a stored case keeps its first row); each row's case key."""
    stored = {r.case_id: r for r in sess.execute(select(Case.case_id, Case.id, Case.text).where(Case.case_id.in_(ids)))}
    existing = {cid: r.id for cid, r in stored.items()}
    new_rows = []
    for rec in records:
        cid = str(rec["case_id"])
        if cid in existing:
            if spaced_words(stored[cid].text) != spaced_words(json_value(rec.get("text"))):
                found.other_text.append(cid)
            continue
        received = json_value(rec.get("received"))
        new_rows.append(
            {
                "case_id": cid[:200],
                "received": pd.Timestamp(received).to_pydatetime() if received else None,
                "service": label_value(rec.get("service")),
                "stage": label_value(rec.get("stage")),
                "text": str(json_value(rec.get("text")) or ""),
                "data": {c: json_value(rec.get(c)) for c in plan.data_cols},
                "import_id": plan.import_id,
                "created_at": plan.now,
            }
        )
    if new_rows:
        for row in sess.execute(insert(Case).returning(Case.id, Case.case_id), new_rows):
            existing[row.case_id] = row.id
    result.n_new_cases += len(new_rows)
    result.n_existing_cases += len(records) - len(new_rows)
    return [existing[c] for c in ids]


def _add_labels(
    sess,
    records: list[dict],
    pks: list[int],
    plan: ImportPlan,
    result: ImportResult,
    found: ImportFindings,
    *,
    latest: dict[tuple[int, str], str],
    decided: dict[tuple[int, str], str | None],
) -> None:
    """Record each code that differs from the case's latest recorded one (`latest` follows)."""
    label_rows = []
    for rec, pk in zip(records, pks):
        for t in plan.code_fields:
            lab = label_value(rec.get(t))
            if lab is None or ((pk, t) in decided and same_codes(decided[(pk, t)], lab)):
                # an officer's decision coming back (rca's own export imported again),
                # not a code the council recorded: recording it would rewrite the trail
                continue
            if (pk, t) in decided and (latest.get((pk, t)) is None or not same_codes(latest[(pk, t)], lab)):
                found.overruled.append(f"{rec['case_id']} ({t})")
            if latest.get((pk, t)) is None or not same_codes(latest[(pk, t)], lab):
                label_rows.append({"case_pk": pk, "target": t, "label": lab[:1000], "import_id": plan.import_id})
                latest[(pk, t)] = lab
    if label_rows:
        sess.execute(insert(OriginalLabel), label_rows)
    result.n_labels += len(label_rows)


def _add_suggestions(
    sess,
    records: list[dict],
    pks: list[int],
    plan: ImportPlan,
    result: ImportResult,
    found: ImportFindings,
    *,
    latest: dict[tuple[int, str], str],
    decided: dict[tuple[int, str], str | None],
    open_items: dict[tuple[int, str], int | None],
) -> None:
    """Record the model's suggestions; each one a person should look at is queued for review."""
    sugg_rows = _suggestion_rows(records, pks, plan)
    if not sugg_rows:
        return
    sugg_ids = [r.id for r in sess.execute(insert(Suggestion).returning(Suggestion.id, sort_by_parameter_order=True), sugg_rows)]
    result.n_suggestions += len(sugg_rows)
    for sid, s in zip(sugg_ids, sugg_rows):
        key = (s["case_pk"], s["target"])
        original = latest.get(key)
        disagrees = original is not None and s["label"] is not None and not same_codes(original, s["label"])
        if key in open_items:
            # a case scored again while it waits: the officer sees, and confirms, the newest suggestion
            if open_items[key] is not None:
                sess.execute(update(ReviewItem).where(ReviewItem.id == open_items[key]).values(suggestion_id=sid))
                result.n_items_updated += 1
            continue
        if key in decided or not (s["needs_review"] or (plan.queue_disagreements and disagrees)):
            continue
        open_items[key] = None  # queued at the end of the import (ids come with the insert)
        found.pending.append(
            RankInput(
                case_pk=s["case_pk"],
                target=s["target"],
                suggestion_id=sid,
                label=s["label"],
                confidence=s["confidence"],
                original=original,
                needs_review=s["needs_review"],
            )
        )


def _suggestion_rows(records: list[dict], pks: list[int], plan: ImportPlan) -> list[dict]:
    """A row for each scored target of each record that has a label or a confidence."""
    rows = []
    for rec, pk in zip(records, pks):
        row_version = label_value(rec.get(plan.version_col)) if plan.version_col else None
        for t in plan.targets:
            lab = label_value(rec.get(f"{t}_predicted"))
            conf = float_value(rec.get(f"{t}_confidence"))
            review = flag_value(rec.get(f"{t}_review", rec.get(f"{t}_needs_review")))
            if lab is None and conf is None:
                continue
            rows.append(
                {
                    "case_pk": pk,
                    "target": t,
                    "label": lab[:1000] if lab else None,
                    "confidence": conf,
                    "needs_review": review,
                    "evidence": label_value(rec.get(f"{t}_evidence")),
                    "model_version": row_version or plan.model_version,
                    "import_id": plan.import_id,
                    "created_at": plan.now,
                }
            )
    return rows


def enqueue(sess, pending: list[RankInput], *, order: str, now: datetime) -> int:
    priorities, reasons = rank_priorities(pending, order=order)
    rows = [
        {"case_pk": p.case_pk, "target": p.target, "suggestion_id": p.suggestion_id, "priority": float(pr), "reason": rs, "created_at": now}
        for p, pr, rs in zip(pending, priorities, reasons)
    ]
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        ids = [r.id for r in sess.execute(insert(ReviewItem).returning(ReviewItem.id, sort_by_parameter_order=True), part)]
        sess.execute(insert(Lease), [{"item_id": i, "officer": None, "expires_at": None, "closed_at": None, "claims": 0} for i in ids])
    return len(rows)


def _latest_originals(sess, pks: list[int]) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    rows = sess.execute(
        select(OriginalLabel.case_pk, OriginalLabel.target, OriginalLabel.label)
        .where(OriginalLabel.case_pk.in_(pks))
        .order_by(OriginalLabel.id)
    ).all()
    for r in rows:
        out[(r.case_pk, r.target)] = r.label
    return out


def _decided_codes(sess, pks: list[int]) -> dict[tuple[int, str], str | None]:
    """(case, target) -> the code of the latest officer decision, for decided pairs."""
    rows = sess.execute(
        select(Decision.case_pk, Decision.target, Decision.label).where(Decision.case_pk.in_(pks)).order_by(Decision.id)
    ).all()
    return {(r.case_pk, r.target): r.label for r in rows}


def _open_item_pairs(sess, pks: list[int]) -> dict[tuple[int, str], int | None]:
    """(case, target) -> the id of its open review item."""
    q = (
        select(ReviewItem.case_pk, ReviewItem.target, ReviewItem.id)
        .join(Lease, Lease.item_id == ReviewItem.id)
        .where(and_(ReviewItem.case_pk.in_(pks), Lease.closed_at.is_(None)))
    )
    return {(r.case_pk, r.target): r.id for r in sess.execute(q)}
