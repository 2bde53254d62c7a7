"""Initial case store: imports, cases, original labels, suggestions, review
items with leases, append-only decisions, and the `current_codes` view.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Latest decision beats the latest imported label, per case and target.
CURRENT_CODES_VIEW = """
CREATE VIEW current_codes AS
WITH latest_decision AS (
    SELECT d.case_pk, d.target, d.label, d.action, d.officer, d.decided_at, d.comment
    FROM decisions d
    WHERE d.id = (SELECT MAX(d2.id) FROM decisions d2 WHERE d2.case_pk = d.case_pk AND d2.target = d.target)
),
latest_original AS (
    SELECT o.case_pk, o.target, o.label
    FROM original_labels o
    WHERE o.id = (SELECT MAX(o2.id) FROM original_labels o2 WHERE o2.case_pk = o.case_pk AND o2.target = o.target)
),
keyed AS (
    SELECT case_pk, target FROM latest_decision
    UNION
    SELECT case_pk, target FROM latest_original
)
SELECT c.case_id AS case_id,
       k.case_pk AS case_pk,
       k.target AS target,
       CASE WHEN ld.case_pk IS NOT NULL THEN ld.label ELSE lo.label END AS label,
       CASE WHEN ld.case_pk IS NOT NULL THEN 'review' ELSE 'import' END AS label_source,
       lo.label AS original_label,
       ld.action AS action,
       ld.officer AS decided_by,
       ld.decided_at AS decided_at,
       ld.comment AS comment
FROM keyed k
JOIN cases c ON c.id = k.case_pk
LEFT JOIN latest_decision ld ON ld.case_pk = k.case_pk AND ld.target = k.target
LEFT JOIN latest_original lo ON lo.case_pk = k.case_pk AND lo.target = k.target
"""


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=True),
        sa.Column("imported_by", sa.String(100), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_new_cases", sa.Integer(), nullable=False),
        sa.Column("n_suggestions", sa.Integer(), nullable=False),
        sa.Column("n_review_items", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
    )
    op.create_index("ix_imports_sha256", "imports", ["sha256"])

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(200), nullable=False, unique=True),
        sa.Column("received", sa.DateTime(), nullable=True),
        sa.Column("service", sa.String(200), nullable=True),
        sa.Column("stage", sa.String(20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("imports.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_cases_service", "cases", ["service"])

    op.create_table(
        "original_labels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_pk", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("label", sa.String(1000), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("imports.id"), nullable=False),
    )
    op.create_index("ix_original_labels_case_target", "original_labels", ["case_pk", "target"])

    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_pk", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("label", sa.String(1000), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("model_version", sa.String(200), nullable=True),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("imports.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_suggestions_case_target", "suggestions", ["case_pk", "target"])

    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_pk", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), sa.ForeignKey("suggestions.id"), nullable=True),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_review_items_priority", "review_items", ["priority", "id"])
    op.create_index("ix_review_items_target", "review_items", ["target"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_pk", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("review_items.id"), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), sa.ForeignKey("suggestions.id"), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("label", sa.String(1000), nullable=True),
        sa.Column("previous_label", sa.String(1000), nullable=True),
        sa.Column("officer", sa.String(100), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("item_id", name="uq_decisions_item"),
    )
    op.create_index("ix_decisions_case_target", "decisions", ["case_pk", "target", "id"])

    op.create_table(
        "leases",
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("review_items.id"), primary_key=True),
        sa.Column("officer", sa.String(100), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False),
    )
    op.create_index("ix_leases_open", "leases", ["closed_at", "expires_at"])

    op.execute(CURRENT_CODES_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS current_codes")
    for table in ("leases", "decisions", "review_items", "suggestions", "original_labels", "cases", "imports"):
        op.drop_table(table)
