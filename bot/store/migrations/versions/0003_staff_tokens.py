"""Staff console sessions and API tokens (SHA-256 hashes only).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('session', 'api')", name=op.f("ck_staff_tokens_kind")),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agents.id"],
            name=op.f("fk_staff_tokens_agent_id_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_tokens")),
    )
    op.create_index(op.f("ix_staff_tokens_token_hash"), "staff_tokens", ["token_hash"], unique=True)
    op.create_index(op.f("ix_staff_tokens_agent_id"), "staff_tokens", ["agent_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_tokens_agent_id"), table_name="staff_tokens")
    op.drop_index(op.f("ix_staff_tokens_token_hash"), table_name="staff_tokens")
    op.drop_table("staff_tokens")
