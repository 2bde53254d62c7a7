"""Officer decisions: append-only, each one naming who decided what and when.

An officer accepts the model's suggestion, corrects it to another code, or
marks the case as not a complaint (which also records the acceptability code
`[store] not_complaint_label`, default "Service request or enquiry - not a
complaint"). A decision is never edited: a later one on the same case and
target supersedes it, and `current_codes` (the `current_codes` view) gives
the code in force — the latest decision, else the latest imported code.

Example::

    decide(store, item_id, officer="a.khan", action="corrected", label="Delay in doing something")
    current_codes(store, targets=["root_cause"])
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Iterable

import pandas as pd
from sqlalchemy import or_, select, update

from rca.config import Config
from rca.errors import RcaError
from rca.ingest.taxonomy import MULTI_SEP, load_taxonomy, split_labels
from rca.store.db import Store, utcnow
from rca.store.officer_names import MAX_OFFICER, officer_name  # noqa: F401  (MAX_OFFICER: the web forms read it here)
from rca.store.models import ACTIONS, Case, Decision, Lease, OriginalLabel, ReviewItem, Suggestion, current_codes as codes_view

NOT_COMPLAINT_LABEL = "Service request or enquiry - not a complaint"
ACCEPTABILITY = "acceptability"
MAX_COMMENT = 2000
# Input mistakes are reported as E501 until the lead allocates a dedicated code.
BAD_INPUT = "E503"


@dataclass
class DecisionRecord:
    decision_id: int
    case_id: str
    target: str
    action: str
    label: str | None
    previous_label: str | None
    officer: str
    decided_at: str
    comment: str | None
    item_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_officer(officer: str | None) -> str:
    """The officer's name as the audit trail records it (NFKC, single spaces); E506 for a name with control,
    invisible or mixed-script look-alike characters (see `officer_names`)."""
    return officer_name(officer)


def _multi(target: str, config: Config | None) -> tuple[bool, Any]:
    tax = load_taxonomy(config.taxonomy if config else None)
    return tax.is_multi_label(target) or (config is not None and target in config.multi_label), tax


def label_options(sess, target: str, *, config: Config | None = None) -> tuple[list[str], bool]:
    """Codes an officer may choose for `target`: the taxonomy's, then the council's
    own codes named in the config's `[labels.<target>]`. For a target the taxonomy
    does not define, the codes already imported or suggested for it."""
    multi, tax = _multi(target, config)
    known = list(tax.labels(target))
    council = list(dict.fromkeys((config.labels.get(target, {}) if config else {}).values()))
    known += [c for c in council if c not in known]
    if not tax.labels(target):
        seen = sess.execute(select(OriginalLabel.label).where(OriginalLabel.target == target).distinct()).scalars().all()
        seen += sess.execute(select(Suggestion.label).where(Suggestion.target == target, Suggestion.label.is_not(None))
                             .distinct()).scalars().all()
        known += sorted({lab for v in seen for lab in (split_labels(v) if multi else [v]) if lab not in known})
    return known, multi


def _a(word: str) -> str:
    """The article for a word: "an escalation_reason code", "a root_cause code"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def store_targets(sess) -> list[str]:
    """The targets the store holds codes, suggestions or review items for, in name order."""
    found: set[str] = set()
    for col in (OriginalLabel.target, Suggestion.target, ReviewItem.target, Decision.target):
        found.update(t for t in sess.execute(select(col).distinct()).scalars().all() if t)
    return sorted(found)


def _check_target(sess, target: str, *, config: Config | None) -> str:
    """`target` as given when the store, the taxonomy or the config knows it; else E503 naming the store's targets."""
    name = str(target or "").strip()
    _, tax = _multi(name, config)
    known = store_targets(sess)
    if name in known or tax.labels(name) or (config is not None and name in config.labels):
        return name
    near = [t for t in known + [t for t in tax.sets if t not in known] if t.lower() == name.lower()]
    raise RcaError(BAD_INPUT, f"{name!r} is not a target of this store; its targets are: {', '.join(known) or 'none yet'}",
                   column="target", value=name,
                   hint=(f"Did you mean --target {near[0]}? " if near else "") + "Targets are named as `rca store queue` lists them.")


def _normalise_label(sess, target: str, label: str | None, *, config: Config | None) -> str:
    """The canonical spelling of a correction; E106 when it is not a code of `target`."""
    options, multi = label_options(sess, target, config=config)
    if label is None or not str(label).strip():
        raise RcaError(BAD_INPUT, "a correction needs the code to correct to", column="label")
    _, tax = _multi(target, config)
    spellings = {k.strip().lower(): v for k, v in (config.labels.get(target, {}) if config else {}).items()}
    parts = split_labels(label) if multi else [str(label).strip()]
    out = []
    for p in parts:
        norm = spellings.get(p.strip().lower()) or tax.normalise_one(target, p)[0]
        if norm not in options:
            if not options:
                raise RcaError("E106", f"{norm!r} is not {_a(target)} code; no {target} codes are known yet (none imported or "
                               "suggested, none in the taxonomy or the config's [labels])", column=target, value=norm)
            shown = "; ".join(options[:15]) + ("; ..." if len(options) > 15 else "")
            raise RcaError("E106", f"{norm!r} is not {_a(target)} code; choose one of: {shown}", column=target, value=norm)
        if norm not in out:
            out.append(norm)
    return MULTI_SEP.join(out)


def code_in_force(sess, case_pk: int, target: str) -> str | None:
    dec = sess.execute(select(Decision.label, Decision.id).where(Decision.case_pk == case_pk, Decision.target == target)
                       .order_by(Decision.id.desc()).limit(1)).first()
    if dec is not None:
        return dec.label
    return sess.execute(select(OriginalLabel.label).where(OriginalLabel.case_pk == case_pk, OriginalLabel.target == target)
                        .order_by(OriginalLabel.id.desc()).limit(1)).scalar()


def _write(sess, *, case_pk: int, case_id: str, target: str, action: str, label: str | None, suggestion_id: int | None,
           item_id: int | None, officer: str, comment: str | None, now: datetime, config: Config | None) -> DecisionRecord:
    previous = code_in_force(sess, case_pk, target)
    dec = Decision(case_pk=case_pk, target=target, item_id=item_id, suggestion_id=suggestion_id, action=action, label=label,
                   previous_label=previous, officer=officer, comment=comment, decided_at=now)
    sess.add(dec)
    if action == "not_complaint" and target != ACCEPTABILITY:
        # the case is not a complaint at all: say so in the acceptability code too
        nc = str((config.section("store") if config else {}).get("not_complaint_label", NOT_COMPLAINT_LABEL))
        # ...and that decides the case's open acceptability item: left open, a second officer confirming its
        # suggestion ("Complaint") would silently overturn this decision
        open_item = sess.execute(select(ReviewItem.id).join(Lease, Lease.item_id == ReviewItem.id)
                                 .where(ReviewItem.case_pk == case_pk, ReviewItem.target == ACCEPTABILITY,
                                        Lease.closed_at.is_(None))).scalar()
        if open_item is not None:
            sess.execute(update(Lease).where(Lease.item_id == open_item, Lease.closed_at.is_(None))
                         .values(closed_at=now, officer=officer))
        sess.add(Decision(case_pk=case_pk, target=ACCEPTABILITY, item_id=open_item, suggestion_id=None, action="not_complaint",
                          label=nc, previous_label=code_in_force(sess, case_pk, ACCEPTABILITY), officer=officer,
                          comment=comment, decided_at=now))
    sess.flush()
    return DecisionRecord(decision_id=dec.id, case_id=case_id, target=target, action=action, label=label, previous_label=previous,
                          officer=officer, decided_at=now.isoformat(), comment=comment, item_id=item_id)


def _resolve_label(sess, *, target: str, action: str, label: str | None, suggested: str | None, config: Config | None) -> str | None:
    if action not in ACTIONS:
        raise RcaError(BAD_INPUT, f"action must be one of {', '.join(ACTIONS)}; got {action!r}", column="action", value=action)
    if action == "accepted":
        if suggested is None:
            raise RcaError(BAD_INPUT, "there is no suggestion to accept; correct it to a code instead", column="action")
        if label is not None and str(label).strip() and not set(split_labels(label)) == set(split_labels(suggested)):
            raise RcaError(BAD_INPUT, f"accepting means keeping {suggested!r}; use action 'corrected' for {label!r}", column="label", value=label)
        return suggested
    if action == "corrected":
        return _normalise_label(sess, target, label, config=config)
    nc = str((config.section("store") if config else {}).get("not_complaint_label", NOT_COMPLAINT_LABEL))
    return nc if target == ACCEPTABILITY else None


def _comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise RcaError(BAD_INPUT, f"comment is {len(text)} characters; at most {MAX_COMMENT}", column="comment")
    return text or None


def _ours_or_free(officer: str, now: datetime):
    """A lease this officer may close: theirs (even lapsed), never taken, or lapsed."""
    return or_(Lease.officer == officer, Lease.officer.is_(None), Lease.expires_at.is_(None), Lease.expires_at < now)


def _refuse(sess, item_id: int, *, officer: str, now: datetime, case_id: str | None = None, target: str | None = None) -> None:
    """E502 for a decision on an item that is not this officer's to close, with what to do."""
    lease = sess.get(Lease, item_id)
    what = f"item {item_id}" + (f" (case {case_id}, {target})" if case_id else "")
    if lease is not None and lease.closed_at is not None:
        who = sess.execute(select(Decision.officer).where(Decision.item_id == item_id)).scalar()
        raise RcaError("E502", f"{what} was already decided by {who or 'someone else'} at {lease.closed_at:%Y-%m-%d %H:%M} UTC",
                       value=item_id, hint="Nothing is lost: that decision is in the audit trail (`rca store audit`). "
                       "To change the code, decide on the case directly: `rca store decide --case CASE --target TARGET --action corrected --label CODE`.")
    holder = lease.officer if lease is not None and lease.officer else "another officer"
    until = f" until {lease.expires_at:%H:%M:%S} UTC" if lease is not None and lease.expires_at else ""
    raise RcaError("E502", f"{what} is leased to {holder}{until}; {officer} cannot decide it now", value=item_id,
                   hint=f"Leave it to {holder}, or decide it after the lease runs out if it is still open then "
                        "(`rca store queue` shows who holds what); take another case with `rca store next`.")


def decide(store: Store, item_id: int, *, officer: str, action: str, label: str | None = None, comment: str | None = None,
           config: Config | None = None, now: datetime | None = None, seen_suggestion: int | None = None) -> DecisionRecord:
    """Record an officer's decision on a review item and close it.

    The officer must hold the item's lease, or nobody may hold it (a lapsed
    lease of their own still counts); otherwise E502 and nothing is written.
    `seen_suggestion`: the suggestion the officer was shown; an acceptance is
    refused (E502) when the case was scored again since and shows another.
    """
    officer = check_officer(officer)
    comment = _comment(comment)
    now = now or utcnow()
    with store.session() as sess:
        row = sess.execute(select(ReviewItem, Case.case_id, Suggestion.label).join(Case, Case.id == ReviewItem.case_pk)
                           .outerjoin(Suggestion, Suggestion.id == ReviewItem.suggestion_id).where(ReviewItem.id == item_id)).first()
        if row is None:
            raise RcaError("E502", f"there is no review item {item_id}", value=item_id,
                           hint="Check the item number with `rca store queue`, or take the next case with `rca store next`.")
        item, case_id, suggested = row
        if action == "accepted" and seen_suggestion is not None and seen_suggestion != item.suggestion_id:
            raise RcaError("E502", f"the suggestion for case {case_id} ({item.target}) changed since it was shown: the case was "
                           f"scored again and now suggests {suggested!r}", value=item_id,
                           hint="Look at the case again before confirming; nothing was recorded.")
        decided_label = _resolve_label(sess, target=item.target, action=action, label=label, suggested=suggested, config=config)
        # Close the lease only if it is ours or free: the WHERE is re-checked under
        # the row lock, so of two racing officers exactly one closes it.
        closed = sess.execute(
            update(Lease).where(Lease.item_id == item_id, Lease.closed_at.is_(None), _ours_or_free(officer, now))
            .values(closed_at=now, officer=officer)
        ).rowcount
        if closed != 1:
            _refuse(sess, item_id, officer=officer, now=now)
        return _write(sess, case_pk=item.case_pk, case_id=case_id, target=item.target, action=action, label=decided_label,
                      suggestion_id=item.suggestion_id, item_id=item.id, officer=officer, comment=comment, now=now, config=config)


def record_decision(store: Store, case_id: str, target: str, *, officer: str, action: str, label: str | None = None,
                    comment: str | None = None, config: Config | None = None, now: datetime | None = None) -> DecisionRecord:
    """Record a decision on a case directly (not through the queue); any open review
    item for the same case and target is closed by it.

    While another officer holds a live lease on that item the decision is refused
    (E502) and nothing is written, exactly as `decide` refuses it by item number.
    """
    officer = check_officer(officer)
    comment = _comment(comment)
    now = now or utcnow()
    with store.session() as sess:
        target = _check_target(sess, target, config=config)
        case_pk = sess.execute(select(Case.id).where(Case.case_id == str(case_id))).scalar()
        if case_pk is None:
            raise RcaError(BAD_INPUT, f"no case {case_id!r} in the store", column="case_id", value=case_id)
        sugg = sess.execute(select(Suggestion.id, Suggestion.label).where(Suggestion.case_pk == case_pk, Suggestion.target == target)
                            .order_by(Suggestion.id.desc()).limit(1)).first()
        decided_label = _resolve_label(sess, target=target, action=action, label=label, suggested=sugg.label if sugg else None, config=config)
        open_item = sess.execute(select(ReviewItem.id).join(Lease, Lease.item_id == ReviewItem.id)
                                 .where(ReviewItem.case_pk == case_pk, ReviewItem.target == target, Lease.closed_at.is_(None))
                                 .limit(1)).scalar()
        item_id = None
        if open_item is not None:
            # the same rule as `decide`: an item another officer holds a live lease on is theirs
            closed = sess.execute(update(Lease).where(Lease.item_id == open_item, Lease.closed_at.is_(None), _ours_or_free(officer, now))
                                  .values(closed_at=now, officer=officer)).rowcount
            if closed != 1:
                _refuse(sess, open_item, officer=officer, now=now, case_id=str(case_id), target=target)
            item_id = open_item
        return _write(sess, case_pk=case_pk, case_id=str(case_id), target=target, action=action, label=decided_label,
                      suggestion_id=sugg.id if sugg else None, item_id=item_id, officer=officer, comment=comment, now=now, config=config)


def decisions_frame(store: Store, *, case_id: str | None = None, officer: str | None = None) -> pd.DataFrame:
    """The audit trail: every decision, oldest first, with the suggestion it answered."""
    q = (select(Decision.id.label("decision_id"), Case.case_id, Decision.target, Decision.action, Decision.label,
                Decision.previous_label, Decision.officer, Decision.decided_at, Decision.comment, Decision.item_id,
                Suggestion.label.label("suggested"), Suggestion.confidence, Suggestion.model_version)
         .join(Case, Case.id == Decision.case_pk).outerjoin(Suggestion, Suggestion.id == Decision.suggestion_id)
         .order_by(Decision.id))
    if case_id is not None:
        q = q.where(Case.case_id == str(case_id))
    if officer is not None:
        q = q.where(Decision.officer == officer)
    with store.session() as sess:
        rows = sess.execute(q).all()
    cols = ["decision_id", "case_id", "target", "action", "label", "previous_label", "officer", "decided_at", "comment",
            "item_id", "suggested", "confidence", "model_version"]
    df = pd.DataFrame(rows, columns=cols)
    # a decision made on the case directly has no queue item: blank, and the rest stay whole numbers (not 128.0)
    df["item_id"] = pd.array([None if v is None or pd.isna(v) else int(v) for v in df["item_id"]], dtype="Int64")
    return df


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Times as the store gives them back (ISO 8601 text from SQLite, datetimes from PostgreSQL)
    as datetime64; a value in another layout is read as it can be, an unreadable one is NaT.
    A format is always named, so pandas never falls back to guessing with a warning.

    >>> parse_timestamps(pd.Series([None, "2024-05-01 10:00:00.123456", "2024-05-01 10:00:00"])).dt.second.tolist()
    [nan, 0.0, 0.0]
    """
    out = pd.to_datetime(values, errors="coerce", format="ISO8601")
    rest = out.isna() & values.notna()
    if rest.any():
        out[rest] = pd.to_datetime(values[rest].astype(str), errors="coerce", format="mixed", dayfirst=True)
    return out


def current_codes(store: Store, *, targets: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per case and target: the code in force (`label`), whether it came
    from review or the import (`label_source`), and who decided it."""
    cols = ["case_id", "target", "label", "label_source", "original_label", "action", "decided_by", "decided_at", "comment"]
    q = select(*[codes_view.c[c] for c in cols]).order_by(codes_view.c.case_pk, codes_view.c.target)
    if targets is not None:
        q = q.where(codes_view.c.target.in_(list(targets)))
    with store.session() as sess:
        rows = sess.execute(q).all()
    df = pd.DataFrame(rows, columns=cols)
    df["decided_at"] = parse_timestamps(df["decided_at"])
    return df


__all__ = ["DecisionRecord", "decide", "record_decision", "decisions_frame", "current_codes", "check_officer",
           "label_options", "store_targets", "parse_timestamps", "NOT_COMPLAINT_LABEL"]
