"""recordings and their files, livestreams and their sessions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "livestreams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("stream_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=7), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column(
            "video_config", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('INVOKED', 'LIVE', 'IDLE', 'ERRORED')", name=op.f("ck_livestreams_status")
        ),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_livestreams_app_id_apps")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_livestreams_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livestreams")),
    )
    op.create_index(
        op.f("ix_livestreams_app_id_created_at_id"),
        "livestreams",
        ["app_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livestreams_meeting_id_status"),
        "livestreams",
        ["meeting_id", "status"],
        unique=False,
    )
    op.create_table(
        "livestream_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("livestream_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("invoked_time", sa.DateTime(), nullable=True),
        sa.Column("started_time", sa.DateTime(), nullable=False),
        sa.Column("stopped_time", sa.DateTime(), nullable=True),
        sa.Column("viewers", sa.Integer(), nullable=False),
        sa.Column("viewer_ms", sa.BigInteger(), nullable=False),
        sa.Column("viewers_since_ms", sa.BigInteger(), nullable=False),
        sa.Column("err_message", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_livestream_sessions_app_id_apps")
        ),
        sa.ForeignKeyConstraint(
            ["livestream_id"],
            ["livestreams.id"],
            name=op.f("fk_livestream_sessions_livestream_id_livestreams"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_livestream_sessions_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livestream_sessions")),
    )
    op.create_index(
        op.f("ix_livestream_sessions_app_id_started_time"),
        "livestream_sessions",
        ["app_id", "started_time"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livestream_sessions_livestream_id_started_time"),
        "livestream_sessions",
        ["livestream_id", "started_time"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livestream_sessions_session_id"),
        "livestream_sessions",
        ["session_id"],
        unique=False,
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=9), nullable=False),
        sa.Column("status", sa.String(length=9), nullable=False),
        sa.Column("output_file_name", sa.String(length=1400), nullable=False),
        sa.Column(
            "config", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "storage_config",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("storage_credentials", sa.LargeBinary(), nullable=True),
        sa.Column(
            "start_reason", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "stop_reason", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("invoked_time", sa.DateTime(), nullable=False),
        sa.Column("started_time", sa.DateTime(), nullable=True),
        sa.Column("stopped_time", sa.DateTime(), nullable=True),
        sa.Column("recorded_ms", sa.BigInteger(), nullable=False),
        sa.Column("resumed_ms", sa.BigInteger(), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(length=1024), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('INVOKED', 'RECORDING', 'PAUSED', 'UPLOADING', 'UPLOADED', 'ERRORED')",
            name=op.f("ck_recordings_status"),
        ),
        sa.CheckConstraint("type IN ('COMPOSITE', 'TRACK')", name=op.f("ck_recordings_type")),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_recordings_app_id_apps")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_recordings_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_recordings_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
    )
    op.create_index(
        op.f("ix_recordings_app_id_invoked_time_id"),
        "recordings",
        ["app_id", "invoked_time", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_recordings_meeting_id_status"),
        "recordings",
        ["meeting_id", "status"],
        unique=False,
    )
    op.create_index(op.f("ix_recordings_session_id"), "recordings", ["session_id"], unique=False)
    op.create_table(
        "recording_files",
        sa.Column("recording_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=1400), nullable=False),
        sa.Column("layer", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_files_recording_id_recordings"),
        ),
        sa.PrimaryKeyConstraint("recording_id", "name", name=op.f("pk_recording_files")),
    )


def downgrade() -> None:
    op.drop_table("recording_files")
    op.drop_index(op.f("ix_recordings_session_id"), table_name="recordings")
    op.drop_index(op.f("ix_recordings_meeting_id_status"), table_name="recordings")
    op.drop_index(op.f("ix_recordings_app_id_invoked_time_id"), table_name="recordings")
    op.drop_table("recordings")
    op.drop_index(op.f("ix_livestream_sessions_session_id"), table_name="livestream_sessions")
    op.drop_index(
        op.f("ix_livestream_sessions_livestream_id_started_time"), table_name="livestream_sessions"
    )
    op.drop_index(
        op.f("ix_livestream_sessions_app_id_started_time"), table_name="livestream_sessions"
    )
    op.drop_table("livestream_sessions")
    op.drop_index(op.f("ix_livestreams_meeting_id_status"), table_name="livestreams")
    op.drop_index(op.f("ix_livestreams_app_id_created_at_id"), table_name="livestreams")
    op.drop_table("livestreams")
