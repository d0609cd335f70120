"""Canned replies the console's admins keep (``canned_replies``).

Revision ID: 0011_canned_replies
Revises: 0010_csat
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from bot.store.canned import default_replies

revision: str = "0011_canned_replies"
down_revision: str | None = "0010_csat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )
    op.create_index(op.f("ix_canned_replies_language"), "canned_replies", ["language"])
    # The first set, from the data file; from now on admins edit them in the console.
    now = datetime.now(timezone.utc)
    op.bulk_insert(
        table,
        [{**row, "updated_by": "system", "updated_at": now} for row in default_replies()],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_canned_replies_language"), table_name="canned_replies")
    op.drop_table("canned_replies")
