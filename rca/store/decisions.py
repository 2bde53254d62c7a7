"""Officer decisions: append-only, each one naming who decided what and when.

An officer accepts the model's suggestion, corrects it to another code, or
marks the case as not a complaint (which also records the acceptability code
`[store] not_complaint_label`, default "Service request or enquiry - not a
complaint"). A decision is never edited: a later one on the same case and
target supersedes it, and `rca.store.trail.current_codes` gives the code in
force — the latest decision, else the latest imported code. The codes an
officer may choose are checked in `rca.store.code_choices`.

Example::

    decide(store, item_id, officer="a.khan", action="corrected", label="Delay in doing something")
    record_decision(store, "C-104", "root_cause", officer="a.khan", action="accepted")
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from rca.config import Config
from rca.errors import RcaError
from rca.store.code_choices import (
    ACCEPTABILITY,
    BAD_INPUT,
    check_target,
    resolve_label,
)
from rca.store.db import Store, store_settings, utcnow
from rca.store.models import Case, Decision, Lease, ReviewItem, Suggestion
from rca.store.officer_names import officer_name
from rca.store.trail import code_in_force

__all__ = ["DecisionRecord", "decide", "record_decision", "check_officer", "MAX_COMMENT"]

MAX_COMMENT = 2000


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


def _write(
    sess,
    *,
    case_pk: int,
    case_id: str,
    target: str,
    action: str,
    label: str | None,
    suggestion_id: int | None,
    item_id: int | None,
    officer: str,
    comment: str | None,
    now: datetime,
    config: Config | None,
) -> DecisionRecord:
    previous = code_in_force(sess, case_pk, target)
    dec = Decision(
        case_pk=case_pk,
        target=target,
        item_id=item_id,
        suggestion_id=suggestion_id,
        action=action,
        label=label,
        previous_label=previous,
        officer=officer,
        comment=comment,
        decided_at=now,
    )
    sess.add(dec)
    if action == "not_complaint" and target != ACCEPTABILITY:
        # the case is not a complaint at all: say so in the acceptability code too
        nc = store_settings(config).not_complaint_label
        # ...and that decides the case's open acceptability item: left open, a second officer confirming its
        # suggestion ("Complaint") would silently overturn this decision
        open_item = sess.execute(
            select(ReviewItem.id)
            .join(Lease, Lease.item_id == ReviewItem.id)
            .where(ReviewItem.case_pk == case_pk, ReviewItem.target == ACCEPTABILITY, Lease.closed_at.is_(None))
        ).scalar()
        if open_item is not None:
            sess.execute(update(Lease).where(Lease.item_id == open_item, Lease.closed_at.is_(None)).values(closed_at=now, officer=officer))
        sess.add(
            Decision(
                case_pk=case_pk,
                target=ACCEPTABILITY,
                item_id=open_item,
                suggestion_id=None,
                action="not_complaint",
                label=nc,
                previous_label=code_in_force(sess, case_pk, ACCEPTABILITY),
                officer=officer,
                comment=comment,
                decided_at=now,
            )
        )
    sess.flush()
    return DecisionRecord(
        decision_id=dec.id,
        case_id=case_id,
        target=target,
        action=action,
        label=label,
        previous_label=previous,
        officer=officer,
        decided_at=now.isoformat(),
        comment=comment,
        item_id=item_id,
    )


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
        raise RcaError(
            "E502",
            f"{what} was already decided by {who or 'someone else'} at {lease.closed_at:%Y-%m-%d %H:%M} UTC",
            value=item_id,
            hint="Nothing is lost: that decision is in the audit trail (`rca store audit`). "
            "To change the code, decide on the case directly: `rca store decide --case CASE --target TARGET --action corrected --label CODE`.",
        )
    holder = lease.officer if lease is not None and lease.officer else "another officer"
    until = f" until {lease.expires_at:%H:%M:%S} UTC" if lease is not None and lease.expires_at else ""
    raise RcaError(
        "E502",
        f"{what} is leased to {holder}{until}; {officer} cannot decide it now",
        value=item_id,
        hint=f"Leave it to {holder}, or decide it after the lease runs out if it is still open then "
        "(`rca store queue` shows who holds what); take another case with `rca store next`.",
    )


def decide(
    store: Store,
    item_id: int,
    *,
    officer: str,
    action: str,
    label: str | None = None,
    comment: str | None = None,
    config: Config | None = None,
    now: datetime | None = None,
    seen_suggestion: int | None = None,
) -> DecisionRecord:
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
        row = sess.execute(
            select(ReviewItem, Case.case_id, Suggestion.label)
            .join(Case, Case.id == ReviewItem.case_pk)
            .outerjoin(Suggestion, Suggestion.id == ReviewItem.suggestion_id)
            .where(ReviewItem.id == item_id)
        ).first()
        if row is None:
            raise RcaError(
                "E502",
                f"there is no review item {item_id}",
                value=item_id,
                hint="Check the item number with `rca store queue`, or take the next case with `rca store next`.",
            )
        item, case_id, suggested = row
        if action == "accepted" and seen_suggestion is not None and seen_suggestion != item.suggestion_id:
            raise RcaError(
                "E502",
                f"the suggestion for case {case_id} ({item.target}) changed since it was shown: the case was "
                f"scored again and now suggests {suggested!r}",
                value=item_id,
                hint="Look at the case again before confirming; nothing was recorded.",
            )
        decided_label = resolve_label(sess, target=item.target, action=action, label=label, suggested=suggested, config=config)
        # Close the lease only if it is ours or free: the WHERE is re-checked under
        # the row lock, so of two racing officers exactly one closes it.
        closed = sess.execute(
            update(Lease)
            .where(Lease.item_id == item_id, Lease.closed_at.is_(None), _ours_or_free(officer, now))
            .values(closed_at=now, officer=officer)
        ).rowcount
        if closed != 1:
            _refuse(sess, item_id, officer=officer, now=now)
        return _write(
            sess,
            case_pk=item.case_pk,
            case_id=case_id,
            target=item.target,
            action=action,
            label=decided_label,
            suggestion_id=item.suggestion_id,
            item_id=item.id,
            officer=officer,
            comment=comment,
            now=now,
            config=config,
        )


def record_decision(
    store: Store,
    case_id: str,
    target: str,
    *,
    officer: str,
    action: str,
    label: str | None = None,
    comment: str | None = None,
    config: Config | None = None,
    now: datetime | None = None,
) -> DecisionRecord:
    """Record a decision on a case directly (not through the queue); any open review
    item for the same case and target is closed by it.

    While another officer holds a live lease on that item the decision is refused
    (E502) and nothing is written, exactly as `decide` refuses it by item number.
    """
    officer = check_officer(officer)
    comment = _comment(comment)
    now = now or utcnow()
    with store.session() as sess:
        target = check_target(sess, target, config=config)
        case_pk = sess.execute(select(Case.id).where(Case.case_id == str(case_id))).scalar()
        if case_pk is None:
            raise RcaError(BAD_INPUT, f"no case {case_id!r} in the store", column="case_id", value=case_id)
        sugg = sess.execute(
            select(Suggestion.id, Suggestion.label)
            .where(Suggestion.case_pk == case_pk, Suggestion.target == target)
            .order_by(Suggestion.id.desc())
            .limit(1)
        ).first()
        decided_label = resolve_label(
            sess, target=target, action=action, label=label, suggested=sugg.label if sugg else None, config=config
        )
        open_item = sess.execute(
            select(ReviewItem.id)
            .join(Lease, Lease.item_id == ReviewItem.id)
            .where(ReviewItem.case_pk == case_pk, ReviewItem.target == target, Lease.closed_at.is_(None))
            .limit(1)
        ).scalar()
        item_id = None
        if open_item is not None:
            # the same rule as `decide`: an item another officer holds a live lease on is theirs
            closed = sess.execute(
                update(Lease)
                .where(Lease.item_id == open_item, Lease.closed_at.is_(None), _ours_or_free(officer, now))
                .values(closed_at=now, officer=officer)
            ).rowcount
            if closed != 1:
                _refuse(sess, open_item, officer=officer, now=now, case_id=str(case_id), target=target)
            item_id = open_item
        return _write(
            sess,
            case_pk=case_pk,
            case_id=str(case_id),
            target=target,
            action=action,
            label=decided_label,
            suggestion_id=sugg.id if sugg else None,
            item_id=item_id,
            officer=officer,
            comment=comment,
            now=now,
            config=config,
        )
