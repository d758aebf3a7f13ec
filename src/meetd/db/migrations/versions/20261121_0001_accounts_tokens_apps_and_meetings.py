"""accounts, tokens, apps and meetings

Revision ID: 0001
Revises:
Create Date: 2026-11-21 12:50:28.904370
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Timestamps are naive UTC; JSON documents are JSONB on PostgreSQL.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("scope IN ('admin', 'read')", name=op.f("ck_api_tokens_scope")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_api_tokens_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_account_id"), ["account_id"], unique=False)

    op.create_table(
        "apps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_apps_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apps")),
    )
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_apps_account_id_created_at_id"),
            ["account_id", "created_at", "id"],
            unique=False,
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=1024), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("record_on_start", sa.Boolean(), nullable=False),
        sa.Column("live_stream_on_start", sa.Boolean(), nullable=False),
        sa.Column("persist_chat", sa.Boolean(), nullable=False),
        sa.Column("summarize_on_end", sa.Boolean(), nullable=False),
        sa.Column("transcribe_on_end", sa.Boolean(), nullable=False),
        sa.Column("session_keep_alive_time_in_secs", sa.Double(), nullable=False),
        sa.Column("preferred_region", sa.String(length=16), nullable=True),
        sa.Column("ai_config", JSON_DOCUMENT, nullable=True),
        sa.Column("recording_config", JSON_DOCUMENT, nullable=True),
        sa.Column("storage_credentials", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "preferred_region IN ('ap-south-1', 'ap-southeast-1', 'us-east-1', 'eu-central-1')",
            name=op.f("ck_meetings_preferred_region"),
        ),
        sa.CheckConstraint("status IN ('ACTIVE', 'INACTIVE')", name=op.f("ck_meetings_status")),
        sa.CheckConstraint(
            "session_keep_alive_time_in_secs BETWEEN 60 AND 600",
            name=op.f("ck_meetings_keep_alive"),
        ),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_meetings_app_id_apps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_app_id_created_at_id"),
            ["app_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_meetings_app_id_status_created_at_id"),
            ["app_id", "status", "created_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_app_id_status_created_at_id"))
        batch_op.drop_index(batch_op.f("ix_meetings_app_id_created_at_id"))

    op.drop_table("meetings")
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apps_account_id_created_at_id"))

    op.drop_table("apps")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_account_id"))

    op.drop_table("api_tokens")
    op.drop_table("meta")
    op.drop_table("accounts")
