"""sessions, peers, what they said, their files, timers and the event outbox; the app clock

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_events_app_id_apps")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_events")),
        sa.UniqueConstraint("id", name=op.f("uq_events_id")),
    )
    op.create_index(op.f("ix_events_app_id_seq"), "events", ["app_id", "seq"], unique=False)
    op.create_table(
        "timers",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("due_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_timers_app_id_apps")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_timers")),
    )
    op.create_index(op.f("ix_timers_app_id_due_ms"), "timers", ["app_id", "due_ms"], unique=False)
    op.create_index(op.f("ix_timers_due_ms"), "timers", ["due_ms"], unique=False)
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("app_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_display_name", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("live_participants", sa.Integer(), nullable=False),
        sa.Column("max_concurrent_participants", sa.Integer(), nullable=False),
        sa.Column("seconds_consumed", sa.BigInteger(), nullable=False),
        sa.Column("live_joined_ms", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("ends_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('LIVE', 'ENDED')", name=op.f("ck_sessions_status")),
        sa.CheckConstraint("live_participants >= 0", name=op.f("ck_sessions_live_participants")),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_sessions_app_id_apps")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_sessions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index(
        op.f("ix_sessions_app_id_created_at_id"),
        "sessions",
        ["app_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sessions_meeting_id_created_at"),
        "sessions",
        ["meeting_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_sessions_live_meeting",
        "sessions",
        ["meeting_id"],
        unique=True,
        sqlite_where=sa.text("status = 'LIVE'"),
        postgresql_where=sa.text("status = 'LIVE'"),
    )
    op.create_table(
        "peers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("custom_participant_id", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("picture", sa.String(length=2048), nullable=True),
        sa.Column("preset_name", sa.String(length=255), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("seconds", sa.BigInteger(), nullable=True),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column(
            "metadata", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_peers_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peers")),
    )
    op.create_index(
        op.f("ix_peers_session_id_joined_at"), "peers", ["session_id", "joined_at"], unique=False
    )
    op.create_index(
        op.f("ix_peers_session_id_participant_id"),
        "peers",
        ["session_id", "participant_id"],
        unique=False,
    )
    op.create_table(
        "polls",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.String(length=1024), nullable=False),
        sa.Column(
            "options", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("hide_votes", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_polls_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    op.create_index(op.f("ix_polls_session_id"), "polls", ["session_id"], unique=False)
    op.create_table(
        "session_files",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_session_files_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("session_id", "name", name=op.f("pk_session_files")),
    )
    op.create_table(
        "chat_messages",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.String(length=4000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["peers.id"], name=op.f("fk_chat_messages_peer_id_peers")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_chat_messages_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_chat_messages")),
        sa.UniqueConstraint("id", name=op.f("uq_chat_messages_id")),
    )
    op.create_index(
        op.f("ix_chat_messages_session_id_seq"),
        "chat_messages",
        ["session_id", "seq"],
        unique=False,
    )
    op.create_table(
        "peer_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Uuid(), nullable=False),
        sa.Column("event_name", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["peers.id"], name=op.f("fk_peer_events_peer_id_peers")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_peer_events_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_events")),
    )
    op.create_index(
        op.f("ix_peer_events_peer_id_created_at"),
        "peer_events",
        ["peer_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "utterances",
        sa.Column(
            "seq",
            sa.Integer().with_variant(sa.BigInteger(), "postgresql"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("peer_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["peer_id"], ["peers.id"], name=op.f("fk_utterances_peer_id_peers")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_utterances_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_utterances")),
    )
    op.create_index(
        op.f("ix_utterances_session_id_seq"), "utterances", ["session_id", "seq"], unique=False
    )
    with op.batch_alter_table("apps") as batch:
        batch.add_column(
            sa.Column("clock_offset_ms", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.drop_column("clock_offset_ms")
    op.drop_index(op.f("ix_utterances_session_id_seq"), table_name="utterances")
    op.drop_table("utterances")
    op.drop_index(op.f("ix_peer_events_peer_id_created_at"), table_name="peer_events")
    op.drop_table("peer_events")
    op.drop_index(op.f("ix_chat_messages_session_id_seq"), table_name="chat_messages")
    op.drop_table("chat_messages")
    op.drop_table("session_files")
    op.drop_index(op.f("ix_polls_session_id"), table_name="polls")
    op.drop_table("polls")
    op.drop_index(op.f("ix_peers_session_id_participant_id"), table_name="peers")
    op.drop_index(op.f("ix_peers_session_id_joined_at"), table_name="peers")
    op.drop_table("peers")
    op.drop_index(
        "uq_sessions_live_meeting",
        table_name="sessions",
        sqlite_where=sa.text("status = 'LIVE'"),
        postgresql_where=sa.text("status = 'LIVE'"),
    )
    op.drop_index(op.f("ix_sessions_meeting_id_created_at"), table_name="sessions")
    op.drop_index(op.f("ix_sessions_app_id_created_at_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_index(op.f("ix_timers_due_ms"), table_name="timers")
    op.drop_index(op.f("ix_timers_app_id_due_ms"), table_name="timers")
    op.drop_table("timers")
    op.drop_index(op.f("ix_events_app_id_seq"), table_name="events")
    op.drop_table("events")
