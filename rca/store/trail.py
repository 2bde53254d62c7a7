"""The review trail read back: every decision with the suggestion it answered (`decisions_frame`), and the
code in force on each case and target — the latest decision, else the latest imported code (`current_codes`,
`code_in_force`).

Example::

    current_codes(store, targets=["root_cause"])
    decisions_frame(store, officer="a.khan")
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd
from sqlalchemy import select

from rca.store.db import Store
from rca.store.models import Case, Decision, OriginalLabel, Suggestion
from rca.store.models import current_codes as codes_view

__all__ = ["code_in_force", "current_codes", "decisions_frame", "parse_timestamps"]


def code_in_force(sess, case_pk: int, target: str) -> str | None:
    dec = sess.execute(
        select(Decision.label, Decision.id)
        .where(Decision.case_pk == case_pk, Decision.target == target)
        .order_by(Decision.id.desc())
        .limit(1)
    ).first()
    if dec is not None:
        return dec.label
    return sess.execute(
        select(OriginalLabel.label)
        .where(OriginalLabel.case_pk == case_pk, OriginalLabel.target == target)
        .order_by(OriginalLabel.id.desc())
        .limit(1)
    ).scalar()


def decisions_frame(store: Store, *, case_id: str | None = None, officer: str | None = None) -> pd.DataFrame:
    """The audit trail: every decision, oldest first, with the suggestion it answered."""
    q = (
        select(
            Decision.id.label("decision_id"),
            Case.case_id,
            Decision.target,
            Decision.action,
            Decision.label,
            Decision.previous_label,
            Decision.officer,
            Decision.decided_at,
            Decision.comment,
            Decision.item_id,
            Suggestion.label.label("suggested"),
            Suggestion.confidence,
            Suggestion.model_version,
        )
        .join(Case, Case.id == Decision.case_pk)
        .outerjoin(Suggestion, Suggestion.id == Decision.suggestion_id)
        .order_by(Decision.id)
    )
    if case_id is not None:
        q = q.where(Case.case_id == str(case_id))
    if officer is not None:
        q = q.where(Decision.officer == officer)
    with store.session() as sess:
        rows = sess.execute(q).all()
    cols = [
        "decision_id",
        "case_id",
        "target",
        "action",
        "label",
        "previous_label",
        "officer",
        "decided_at",
        "comment",
        "item_id",
        "suggested",
        "confidence",
        "model_version",
    ]
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
