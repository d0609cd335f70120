"""Customers recognised across conversations: ``customers``, ``customer_keys``,
``complaints.customer_id`` and the one-time codes of ``contact_verifications``.

Revision ID: 0007_customers
Revises: 0006_conversation_events
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_customers"
down_revision: str | None = "0006_conversation_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "customer_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('email', 'phone', 'order')", name=op.f("ck_customer_keys_kind")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_keys_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_keys")),
        sa.UniqueConstraint(
            "kind", "value", "sender_id", name="uq_customer_keys_kind_value_sender"
        ),
    )
    for column in ("customer_id", "value", "sender_id"):
        op.create_index(op.f(f"ix_customer_keys_{column}"), "customer_keys", [column])
    op.create_table(
        "contact_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_contact_verifications_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_verifications")),
    )
    for column in ("sender_id", "complaint_id"):
        op.create_index(
            op.f(f"ix_contact_verifications_{column}"), "contact_verifications", [column]
        )
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_complaints_customer_id_customers"),
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_complaints_customer_id"), ["customer_id"])


def downgrade() -> None:
    with op.batch_alter_table("complaints") as batch:
        batch.drop_index(op.f("ix_complaints_customer_id"))
        batch.drop_constraint(op.f("fk_complaints_customer_id_customers"), type_="foreignkey")
        batch.drop_column("customer_id")
    op.drop_table("contact_verifications")
    op.drop_table("customer_keys")
    op.drop_table("customers")
