"""Complaints remember the customer message that created them (idempotent writes).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("origin_key", sa.String(length=320), nullable=True))
    op.create_index(op.f("ix_complaints_origin_key"), "complaints", ["origin_key"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_complaints_origin_key"), table_name="complaints")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("origin_key")
