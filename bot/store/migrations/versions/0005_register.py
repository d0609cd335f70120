"""The complaint register: register number, statutory deadlines, extension, answer, outcome.

Revision ID: 0005_register
Revises: 0004
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_register"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMESTAMPS = (
    "statutory_answer_due_at",
    "statutory_resolution_due_at",
    "extended_at",
    "extension_due_at",
    "answered_at",
)


def upgrade() -> None:
    op.add_column("complaints", sa.Column("jurisdiction", sa.String(length=8), nullable=True))
    op.add_column("complaints", sa.Column("register_number", sa.String(length=32), nullable=True))
    for name in _TIMESTAMPS:
        op.add_column("complaints", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column("complaints", sa.Column("extension_consent", sa.Boolean(), nullable=True))
    op.add_column("complaints", sa.Column("answer_text", sa.Text(), nullable=True))
    op.add_column("complaints", sa.Column("outcome", sa.String(length=32), nullable=True))
    op.create_index(
        op.f("ix_complaints_register_number"), "complaints", ["register_number"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_complaints_register_number"), table_name="complaints")
    with op.batch_alter_table("complaints") as batch:
        for name in (
            "outcome",
            "answer_text",
            "extension_consent",
            *reversed(_TIMESTAMPS),
            "register_number",
            "jurisdiction",
        ):
            batch.drop_column(name)
