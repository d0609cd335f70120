"""The event consumer's audit trail of conversation events (``conversation_events``).

Revision ID: 0006_conversation_events
Revises: 0005_register
Create Date: 2026-12-05 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_conversation_events"
down_revision: str | None = "0005_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("event_time", sa.Float(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_events")),
        sa.UniqueConstraint("sender_id", "digest", name=op.f("uq_conversation_events_sender_id")),
    )
    op.create_index(
        op.f("ix_conversation_events_sender_id"), "conversation_events", ["sender_id"]
    )
    op.create_index(
        op.f("ix_conversation_events_received_at"), "conversation_events", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_conversation_events_received_at"), table_name="conversation_events")
    op.drop_index(op.f("ix_conversation_events_sender_id"), table_name="conversation_events")
    op.drop_table("conversation_events")
