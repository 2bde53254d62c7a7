"""The review queue: hand each officer the next case to check, never the same
case to two officers at once.

An officer takes an item by leasing it for a while (`[store] lease_seconds`,
default 600). On PostgreSQL the lease row is chosen with
``SELECT ... FOR UPDATE SKIP LOCKED``; on SQLite every store transaction
begins IMMEDIATE and the lease is taken by one conditional UPDATE on a free or
expired lease row, so two officers cannot both win it. Asking again while
holding an unexpired lease returns the same item (a page reload does not grab
a second case). A lease that runs out goes back to the queue.

Example::

    item = next_item(store, officer="a.khan", target="root_cause")
    decide(store, item.item_id, officer="a.khan", action="accepted")
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, or_, select, update

from rca.config import Config
from rca.errors import RcaError
from rca.store.db import Store, store_settings, utcnow
from rca.store.code_choices import label_options
from rca.store.decisions import check_officer
from rca.store.trail import code_in_force
from rca.store.models import Case, Decision, Lease, ReviewItem, Suggestion

SKIP_SECONDS = 900  # a case an officer skipped is not offered to them again for this long


@dataclass
class QueueItem:
    item_id: int
    case_id: str
    target: str
    suggested: str | None
    confidence: float | None
    evidence: str | None
    model_version: str | None
    reason: str | None
    priority: float
    service: str | None
    received: str | None
    text: str
    recorded: str | None  # the code in force: an officer's decision, else the code the export recorded
    officer: str | None
    lease_expires_at: str | None
    multi_label: bool = False
    options: list[str] = field(default_factory=list)
    suggestion_id: int | None = None  # send it back with an acceptance: refused if the case was scored again since

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lease_seconds(config: Config | None) -> int:
    """`[store] lease_seconds`: how long an officer holds a case; E202 (rca.settings.StoreSection) unless a positive whole number."""
    return store_settings(config).lease_seconds


def _filters(target: str | None, service: str | None) -> list:
    conds = []
    if target:
        conds.append(ReviewItem.target == target)
    if service:
        conds.append(Case.service == service)
    return conds


def next_item(
    store: Store,
    *,
    officer: str,
    target: str | None = None,
    service: str | None = None,
    config: Config | None = None,
    now: datetime | None = None,
) -> QueueItem | None:
    """Lease the most useful open item to `officer` (or renew the one they hold); None when the queue is empty."""
    officer = check_officer(officer)
    now = now or utcnow()
    expires = now + timedelta(seconds=lease_seconds(config))
    conds = _filters(target, service)
    with store.session() as sess:
        held = sess.execute(
            select(Lease.item_id)
            .join(ReviewItem, ReviewItem.id == Lease.item_id)
            .join(Case, Case.id == ReviewItem.case_pk)
            .where(Lease.officer == officer, Lease.closed_at.is_(None), Lease.expires_at > now, *conds)
            .order_by(ReviewItem.priority, ReviewItem.id)
            .limit(1)
        ).scalar()
        if held is not None:
            sess.execute(update(Lease).where(Lease.item_id == held).values(expires_at=expires))
            item_id = held
        else:
            item_id = _claim(sess, store.dialect, officer=officer, conds=conds, now=now, expires=expires)
        if item_id is None:
            return None
        return _load_item(sess, item_id, config=config)


def _free(officer: str, now: datetime):
    # (spelled out rather than NOT(...): NULL officer/expiry would make NOT(...) NULL)
    not_skipped_by_me = or_(
        Lease.officer.is_(None),
        Lease.officer != officer,
        Lease.expires_at.is_(None),
        Lease.expires_at < now - timedelta(seconds=SKIP_SECONDS),
    )
    return and_(Lease.closed_at.is_(None), or_(Lease.expires_at.is_(None), Lease.expires_at < now), not_skipped_by_me)


def _claim(sess, dialect: str, *, officer: str, conds: list, now: datetime, expires: datetime) -> int | None:
    candidates = (
        select(Lease.item_id)
        .join(ReviewItem, ReviewItem.id == Lease.item_id)
        .join(Case, Case.id == ReviewItem.case_pk)
        .where(_free(officer, now), *conds)
        .order_by(ReviewItem.priority, ReviewItem.id)
        .limit(1)
    )
    values = {"officer": officer, "expires_at": expires, "claims": Lease.claims + 1}
    if dialect == "postgresql":
        # Officers racing for the queue skip rows another transaction has locked
        # instead of queueing behind it; the lease is then written under the lock.
        item_id = sess.execute(candidates.with_for_update(of=Lease, skip_locked=True)).scalar()
        if item_id is None:
            return None
        sess.execute(update(Lease).where(Lease.item_id == item_id).values(**values))
        return item_id
    # SQLite (and anything else): one conditional UPDATE; the WHERE re-checks that
    # the lease is still free, so a lost race updates no row.
    for _ in range(5):
        picked = sess.execute(
            update(Lease)
            .where(Lease.item_id == candidates.scalar_subquery(), _free(officer, now))
            .values(**values)
            .returning(Lease.item_id)
        ).scalar()
        if picked is not None:
            return picked
        if sess.execute(candidates).scalar() is None:
            return None
    return None


def release(store: Store, item_id: int, *, officer: str, skip: bool = False, now: datetime | None = None) -> bool:
    """Give a leased item back. With `skip`, it is not offered to this officer again for a while."""
    officer = check_officer(officer)
    now = now or utcnow()
    values = {"expires_at": now} if skip else {"officer": None, "expires_at": None}
    with store.session() as sess:
        res = sess.execute(
            update(Lease).where(Lease.item_id == item_id, Lease.officer == officer, Lease.closed_at.is_(None)).values(**values)
        )
        return res.rowcount == 1


def _recorded(sess, case_pk: int, target: str) -> str | None:
    """The code in force: an officer's latest decision (a "Not a complaint" on another item sets the
    acceptability), else the latest imported code."""
    return code_in_force(sess, case_pk, target)


def _load_item(sess, item_id: int, *, config: Config | None) -> QueueItem:
    row = sess.execute(
        select(ReviewItem, Case, Suggestion, Lease)
        .join(Case, Case.id == ReviewItem.case_pk)
        .join(Lease, Lease.item_id == ReviewItem.id)
        .outerjoin(Suggestion, Suggestion.id == ReviewItem.suggestion_id)
        .where(ReviewItem.id == item_id)
    ).one()
    item, case, sugg, lease = row
    show_personal = store_settings(config).show_personal_data
    text = case.text or ""
    if not show_personal:
        from rca.text.redact import redact

        text = redact(text)
    options, multi = label_options(sess, item.target, config=config)
    suggested = sugg.label if sugg else None
    if suggested and suggested in options:  # the suggestion first, then the rest in taxonomy order
        options = [suggested] + [o for o in options if o != suggested]
    return QueueItem(
        item_id=item.id,
        case_id=case.case_id,
        target=item.target,
        suggested=suggested,
        confidence=sugg.confidence if sugg else None,
        evidence=sugg.evidence if sugg else None,
        model_version=sugg.model_version if sugg else None,
        reason=item.reason,
        priority=item.priority,
        service=case.service,
        received=case.received.isoformat() if case.received else None,
        text=text,
        recorded=_recorded(sess, case.id, item.target),
        officer=lease.officer,
        lease_expires_at=lease.expires_at.isoformat() if lease.expires_at else None,
        multi_label=multi,
        options=options,
        suggestion_id=item.suggestion_id,
    )


def get_item(store: Store, item_id: int, *, config: Config | None = None) -> QueueItem:
    with store.session() as sess:
        if sess.get(ReviewItem, item_id) is None:
            raise RcaError(
                "E502",
                f"there is no review item {item_id}",
                value=item_id,
                hint="Check the item number with `rca store queue`, or take the next case with `rca store next`.",
            )
        return _load_item(sess, item_id, config=config)


def queue_frame(
    store: Store, *, target: str | None = None, service: str | None = None, limit: int | None = 200, now: datetime | None = None
) -> pd.DataFrame:
    """Open review items, most useful first, with who holds each lease."""
    now = now or utcnow()
    q = (
        select(
            ReviewItem.id.label("item_id"),
            Case.case_id,
            ReviewItem.target,
            Case.service,
            Suggestion.label.label("suggested"),
            Suggestion.confidence,
            ReviewItem.reason,
            ReviewItem.priority,
            Lease.officer,
            Lease.expires_at,
        )
        .join(Case, Case.id == ReviewItem.case_pk)
        .join(Lease, Lease.item_id == ReviewItem.id)
        .outerjoin(Suggestion, Suggestion.id == ReviewItem.suggestion_id)
        .where(Lease.closed_at.is_(None), *_filters(target, service))
        .order_by(ReviewItem.priority, ReviewItem.id)
    )
    if limit:
        q = q.limit(limit)
    with store.session() as sess:
        rows = sess.execute(q).all()
    df = pd.DataFrame(
        rows, columns=["item_id", "case_id", "target", "service", "suggested", "confidence", "reason", "priority", "officer", "expires_at"]
    )
    leased = df["expires_at"].notna() & (pd.to_datetime(df["expires_at"]) > now) if len(df) else pd.Series([], dtype=bool)
    df["leased_to"] = df["officer"].where(leased, None)
    df["lease_expires_at"] = df["expires_at"].where(leased, None)
    return df.drop(columns=["officer", "expires_at"])


def queue_summary(store: Store, *, now: datetime | None = None) -> pd.DataFrame:
    """Per target and service: open, leased now and decided items."""
    now = now or utcnow()
    leased_now = and_(Lease.closed_at.is_(None), Lease.expires_at > now)
    q = (
        select(
            ReviewItem.target,
            Case.service,
            func.sum(case((Lease.closed_at.is_(None), 1), else_=0)).label("open"),
            func.sum(case((leased_now, 1), else_=0)).label("leased"),
            func.count(Decision.id).label("decided"),
        )
        .join(Case, Case.id == ReviewItem.case_pk)
        .join(Lease, Lease.item_id == ReviewItem.id)
        .outerjoin(Decision, Decision.item_id == ReviewItem.id)
        .group_by(ReviewItem.target, Case.service)
        .order_by(ReviewItem.target, Case.service)
    )
    with store.session() as sess:
        rows = sess.execute(q).all()
    df = pd.DataFrame(rows, columns=["target", "service", "open", "leased", "decided"])
    for c in ("open", "leased", "decided"):
        df[c] = df[c].fillna(0).astype(int)
    return df


def count_cases(store: Store) -> int:
    """How many cases the store holds (0: nothing imported yet)."""
    with store.session() as sess:
        return int(sess.execute(select(func.count(Case.id))).scalar_one())


__all__ = [
    "count_cases",
    "QueueItem",
    "next_item",
    "release",
    "get_item",
    "queue_frame",
    "queue_summary",
    "lease_seconds",
]
