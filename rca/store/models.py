"""The case store's tables (SQLAlchemy 2.x declarative).

Append-only by design: cases are kept as first loaded, every model suggestion
and every officer decision is a new row, and the "current code" of a case is a
query (latest decision beats the original label; see `decisions.current_codes`).
The only rows ever updated are review leases, which say who is working on what.
The schema itself is created by the Alembic migrations in `migrations/versions`;
these classes must stay in step with them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, column, table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ACTIONS = ("accepted", "corrected", "not_complaint")


class Base(DeclarativeBase):
    pass


class Import(Base):
    """One file loaded into the store."""

    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "labelled" | "scored"
    model_version: Mapped[str | None] = mapped_column(String(200))
    imported_by: Mapped[str | None] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    n_new_cases: Mapped[int] = mapped_column(Integer, default=0)
    n_suggestions: Mapped[int] = mapped_column(Integer, default=0)
    n_review_items: Mapped[int] = mapped_column(Integer, default=0)
    columns: Mapped[dict] = mapped_column(JSON, default=dict)  # canonical -> the export's column name
    spellings: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # field -> {canonical code: as the export wrote it}


class Case(Base):
    """A case as first loaded; never updated."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(200), unique=True)
    received: Mapped[datetime | None] = mapped_column(DateTime)
    service: Mapped[str | None] = mapped_column(String(200), index=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)  # the whole canonical row (+ unmapped columns)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class OriginalLabel(Base):
    """A code as the council's export recorded it (append-only; a later import adds a row)."""

    __tablename__ = "original_labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    target: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(1000))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    __table_args__ = (Index("ix_original_labels_case_target", "case_pk", "target"),)


class Suggestion(Base):
    """A code the model suggested for a case (from a scored export)."""

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    target: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(1000))
    confidence: Mapped[float | None] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[str | None] = mapped_column(Text)
    model_version: Mapped[str | None] = mapped_column(String(200))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_suggestions_case_target", "case_pk", "target"),)


class ReviewItem(Base):
    """One (case, target) waiting for a person: created when a suggestion needs review."""

    __tablename__ = "review_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    target: Mapped[str] = mapped_column(String(100), index=True)
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestions.id"))
    priority: Mapped[float] = mapped_column(Float)  # lower = reviewed sooner
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_review_items_priority", "priority", "id"),)


class Lease(Base):
    """Who is working on a review item, until when; `closed_at` once decided.

    One row per item, created with the item. Claimed by an atomic conditional
    UPDATE (SQLite) or a row lock with SKIP LOCKED (PostgreSQL)."""

    __tablename__ = "leases"
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), primary_key=True)
    officer: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_leases_open", "closed_at", "expires_at"),)


class Decision(Base):
    """An officer's decision on one code of one case. Never updated or deleted:
    a later decision on the same case and target supersedes it."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    target: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestions.id"))
    action: Mapped[str] = mapped_column(String(20))  # accepted | corrected | not_complaint
    label: Mapped[str | None] = mapped_column(String(1000))  # the code decided; None for not_complaint
    previous_label: Mapped[str | None] = mapped_column(String(1000))  # the code in force before
    officer: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_decisions_case_target", "case_pk", "target", "id"),
        UniqueConstraint("item_id", name="uq_decisions_item"),  # one decision per queue item
    )


# The `current_codes` view (created by migration 0001): one row per case and
# target, the latest decision beating the latest imported label.
current_codes = table(
    "current_codes",
    column("case_id"),
    column("case_pk"),
    column("target"),
    column("label"),
    column("label_source"),
    column("original_label"),
    column("action"),
    column("decided_by"),
    column("decided_at"),
    column("comment"),
)


class Officer(Base):
    """Someone who may sign in to the review page: a salted hash of their personal token, never the token."""

    __tablename__ = "officers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(400), unique=True)  # casefolded: 'Ann' and 'ann' are one officer
    token_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
