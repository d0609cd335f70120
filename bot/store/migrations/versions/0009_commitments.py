"""Commitments: what was promised to a complaint's customer, by when, and who keeps it.

Revision ID: 0009_commitments
Revises: 0008_mail (re-chained when wt-mail was merged)
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_commitments"
down_revision: str | None = "0008_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'answer', 'refund', 'replacement', 'repair', 'call_back', 'visit', 'other'"
STATUSES = "'open', 'done', 'missed'"


def upgrade() -> None:
    op.create_table(
        "commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("missed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=255), nullable=True),
        sa.Column("customer_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_commitments_kind")),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_commitments_status")),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_commitments_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitments")),
    )
    for column in ("complaint_id", "due_at", "owner", "status"):
        op.create_index(op.f(f"ix_commitments_{column}"), "commitments", [column])


def downgrade() -> None:
    for column in ("status", "owner", "due_at", "complaint_id"):
        op.drop_index(op.f(f"ix_commitments_{column}"), table_name="commitments")
    op.drop_table("commitments")
