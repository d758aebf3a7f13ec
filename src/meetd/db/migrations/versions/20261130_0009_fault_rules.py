"""fault rules: requests of an app that fail or wait as told (docs/testing.md); when each
webhook delivery was queued (the metrics' oldest pending delivery)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fault_rules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=7), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Double(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("retry_after", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("faulted", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN (429, 500, 502, 503)", name=op.f("ck_fault_rules_status")),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_fault_rules_app_id_apps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fault_rules")),
    )
    op.create_index(
        op.f("ix_fault_rules_app_id_created_at"), "fault_rules", ["app_id", "created_at"]
    )
    op.add_column("deliveries", sa.Column("queued_ms", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "queued_ms")
    op.drop_index(op.f("ix_fault_rules_app_id_created_at"), table_name="fault_rules")
    op.drop_table("fault_rules")
