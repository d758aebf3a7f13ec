"""The tables, as SQLAlchemy Core `Table`s: what Alembic migrates to and every store's SQL
is built on. Plural names, as in the database."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from meetd.clock import clock


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC on every database; read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


# A row as a store returns it: its values by column name.
Record = Mapping[Any, Any]


def _document() -> Any:
    return JSON().with_variant(JSONB(), "postgresql")


def _id() -> Column[uuid.UUID]:
    return Column("id", Uuid(), primary_key=True, default=uuid.uuid4)


def _timestamp(name: str, *, nullable: bool = False) -> Column[datetime]:
    return Column(name, UTCDateTime(), nullable=nullable, default=None if nullable else clock.now)


def trigram_index(table: str, column: str) -> Index:
    """On PostgreSQL, a GIN trigram index: a case-insensitive substring search (ILIKE
    '%term%') reads it instead of scanning the table. Other databases have no such index."""
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Facts about the deployment itself, such as which secret key its secrets are sealed with.
meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(32), primary_key=True),
    _timestamp("created_at"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    Column("account_id", String(32), ForeignKey("accounts.id"), nullable=False, index=True),
    # SHA-256 of the token: tokens are 240-bit random strings, so a fast hash is enough.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scope", String(8), nullable=False),
    _timestamp("created_at"),
    CheckConstraint("scope IN ('admin', 'read')", name="scope"),
)

apps = Table(
    "apps",
    metadata,
    _id(),
    Column("account_id", String(32), ForeignKey("accounts.id"), nullable=False),
    Column("name", String(255), nullable=False),
    # How many meetings the app has (there is no meeting delete): a page of the meeting list
    # reports this total without counting a million rows.
    Column("meeting_count", Integer(), nullable=False, default=0, server_default="0"),
    # How far the app's clock is ahead of the real one (meetd.clock).
    Column("clock_offset_ms", BigInteger(), nullable=False, default=0, server_default="0"),
    _timestamp("created_at"),
    Index(None, "account_id", "created_at", "id"),
    trigram_index("apps", "name"),
)

meetings = Table(
    "meetings",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("title", String(1024)),
    Column("status", String(8), nullable=False),
    Column("record_on_start", Boolean(), nullable=False),
    Column("live_stream_on_start", Boolean(), nullable=False),
    Column("persist_chat", Boolean(), nullable=False),
    Column("summarize_on_end", Boolean(), nullable=False),
    Column("transcribe_on_end", Boolean(), nullable=False),
    Column("session_keep_alive_time_in_secs", Double(), nullable=False),
    Column("preferred_region", String(16)),
    Column("ai_config", _document()),
    # recording_config without its write-only credentials; those are sealed apart.
    Column("recording_config", _document()),
    Column("storage_credentials", LargeBinary()),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    CheckConstraint("status IN ('ACTIVE', 'INACTIVE')", name="status"),
    CheckConstraint("session_keep_alive_time_in_secs BETWEEN 60 AND 600", name="keep_alive"),
    CheckConstraint(
        "preferred_region IN ('ap-south-1', 'ap-southeast-1', 'us-east-1', 'eu-central-1')",
        name="preferred_region",
    ),
    Index(None, "app_id", "created_at", "id"),
    Index(None, "app_id", "status", "created_at", "id"),
    trigram_index("meetings", "title"),
)

presets = Table(
    "presets",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("config", _document(), nullable=False),
    Column("ui", _document(), nullable=False),
    Column("permissions", _document(), nullable=False),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    UniqueConstraint("app_id", "name"),
    Index(None, "app_id", "created_at", "id"),
    trigram_index("presets", "name"),
)

participants = Table(
    "participants",
    metadata,
    _id(),
    Column("meeting_id", Uuid(), ForeignKey("meetings.id"), nullable=False),
    Column("custom_participant_id", String(255), nullable=False),
    # RESTRICT: a preset that participants use cannot be deleted.
    Column("preset_id", Uuid(), ForeignKey("presets.id", ondelete="RESTRICT"), nullable=False),
    Column("name", String(255)),
    Column("picture", String(2048)),
    # The revocation mark: tokens carry the generation they were issued in, and a token of
    # an older generation is revoked. A change of preset starts a new generation.
    Column("token_generation", Integer(), nullable=False, default=0),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    # Re-adding a custom_participant_id returns the participant it already names.
    UniqueConstraint("meeting_id", "custom_participant_id"),
    Index(None, "meeting_id", "created_at", "id"),
    Index(None, "preset_id"),
)

# RS256 key pairs for participant tokens; the private half sealed under the secret key.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", String(64), primary_key=True),  # the JWT `kid`
    Column("private_key", LargeBinary(), nullable=False),
    Column("public_jwk", _document(), nullable=False),
    _timestamp("created_at"),
    # Retired keys sign nothing more, and verify what they signed until it expires.
    _timestamp("retired_at", nullable=True),
)


def _sequence() -> Column[int]:
    """An ever-growing integer key: the order rows were written in."""
    return Column(
        "seq",
        Integer().with_variant(BigInteger(), "postgresql"),
        primary_key=True,
        autoincrement=True,
    )


# A meeting's sessions (contract A7): made by the activity API (A8), at most one LIVE.
sessions = Table(
    "sessions",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("meeting_id", Uuid(), ForeignKey("meetings.id"), nullable=False),
    Column("meeting_display_name", String(1024), nullable=False),
    Column("status", String(8), nullable=False),
    Column("live_participants", Integer(), nullable=False),
    Column("max_concurrent_participants", Integer(), nullable=False),
    # The seconds its peers that have left were in it; those still in it are added when read.
    Column("seconds_consumed", BigInteger(), nullable=False),
    # The sum of its present peers' join times (ms since 1970): with live_participants, how
    # long they have been in it so far, without reading them.
    Column("live_joined_ms", BigInteger(), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("ended_at", UTCDateTime()),
    Column("end_reason", String(32)),
    # While LIVE and empty: when the keep-alive runs out and the session ends.
    Column("ends_at_ms", BigInteger()),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    CheckConstraint("status IN ('LIVE', 'ENDED')", name="status"),
    CheckConstraint("live_participants >= 0", name="live_participants"),
    Index(None, "app_id", "created_at", "id"),
    Index(None, "meeting_id", "created_at"),
    # One LIVE session per meeting, whatever the interleaving of joins.
    Index(
        "uq_sessions_live_meeting",
        "meeting_id",
        unique=True,
        sqlite_where=text("status = 'LIVE'"),
        postgresql_where=text("status = 'LIVE'"),
    ),
)

# One join of one participant to a session (a participant may be several peers at once).
peers = Table(
    "peers",
    metadata,
    _id(),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    # The participant as it was at the join: the record outlives a deleted participant.
    Column("participant_id", Uuid(), nullable=False),
    Column("custom_participant_id", String(255), nullable=False),
    Column("display_name", String(255)),
    Column("picture", String(2048)),
    Column("preset_name", String(255), nullable=False),
    Column("joined_at", UTCDateTime(), nullable=False),
    Column("left_at", UTCDateTime()),
    Column("seconds", BigInteger()),  # once left: how long it was in the session
    Column("muted", Boolean(), nullable=False, default=False),
    Column("metadata", _document(), nullable=False),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    Index(None, "session_id", "joined_at"),
    Index(None, "session_id", "participant_id"),
)

peer_events = Table(
    "peer_events",
    metadata,
    _id(),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    Column("peer_id", Uuid(), ForeignKey("peers.id"), nullable=False),
    Column("event_name", String(32), nullable=False),
    _timestamp("created_at"),
    Index(None, "peer_id", "created_at"),
)

# What was said in a session, by chat and by voice (the activity API's chat and speak).
chat_messages = Table(
    "chat_messages",
    metadata,
    _sequence(),
    Column("id", Uuid(), nullable=False, unique=True),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    Column("peer_id", Uuid(), ForeignKey("peers.id"), nullable=False),
    Column("message", String(4000), nullable=False),
    _timestamp("created_at"),
    Index(None, "session_id", "seq"),
)

utterances = Table(
    "utterances",
    metadata,
    _sequence(),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    Column("peer_id", Uuid(), ForeignKey("peers.id"), nullable=False),
    Column("text", String(4000), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("duration_ms", Integer(), nullable=False),
    Index(None, "session_id", "seq"),
)

# The files a session leaves (A7), made when it ends: chat CSV, the transcript in each
# format, the summary.
session_files = Table(
    "session_files",
    metadata,
    Column("session_id", Uuid(), ForeignKey("sessions.id"), primary_key=True),
    Column("name", String(32), primary_key=True),  # chat.csv, transcript.srt, summary.md ...
    Column("media_type", String(64), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    _timestamp("created_at"),
)

polls = Table(
    "polls",
    metadata,
    _id(),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    Column("question", String(1024), nullable=False),
    Column("options", _document(), nullable=False),
    Column("anonymous", Boolean(), nullable=False),
    Column("hide_votes", Boolean(), nullable=False),
    _timestamp("created_at"),
    Index(None, "session_id"),
)

# Recordings of a session (contract A11): composite (one file) or track (a file per peer).
recordings = Table(
    "recordings",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("meeting_id", Uuid(), ForeignKey("meetings.id"), nullable=False),
    Column("session_id", Uuid(), ForeignKey("sessions.id"), nullable=False),
    Column("type", String(9), nullable=False),
    Column("status", String(9), nullable=False),
    Column("output_file_name", String(1400), nullable=False),
    # The options it was started with (the meeting's recording_config, then the request's).
    Column("config", _document(), nullable=False),
    # Its storage_config without credentials; those are sealed apart.
    Column("storage_config", _document()),
    Column("storage_credentials", LargeBinary()),
    Column("start_reason", _document(), nullable=False),
    Column("stop_reason", _document()),
    Column("invoked_time", UTCDateTime(), nullable=False),
    Column("started_time", UTCDateTime()),
    Column("stopped_time", UTCDateTime()),
    # The time recorded so far, pauses excluded; while RECORDING, since when (app ms).
    Column("recorded_ms", BigInteger(), nullable=False),
    Column("resumed_ms", BigInteger()),
    Column("file_size", BigInteger()),
    Column("error", String(1024)),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    CheckConstraint(
        "status IN ('INVOKED', 'RECORDING', 'PAUSED', 'UPLOADING', 'UPLOADED', 'ERRORED')",
        name="status",
    ),
    CheckConstraint("type IN ('COMPOSITE', 'TRACK')", name="type"),
    Index(None, "app_id", "invoked_time", "id"),
    Index(None, "meeting_id", "status"),
    Index(None, "session_id"),
)

# The files a recording made, served at signed URLs (meetd.files) like a session's files.
recording_files = Table(
    "recording_files",
    metadata,
    Column("recording_id", Uuid(), ForeignKey("recordings.id"), primary_key=True),
    Column("name", String(1400), primary_key=True),
    Column("layer", String(64)),  # a track recording's layer
    Column("media_type", String(64), nullable=False),
    Column("content", LargeBinary(), nullable=False),
    _timestamp("created_at"),
)

# Livestreams (contract A11): of a meeting, or independent (their RTMP input simulated).
livestreams = Table(
    "livestreams",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("meeting_id", Uuid(), ForeignKey("meetings.id")),
    Column("name", String(255)),
    Column("stream_key", String(64), nullable=False),
    Column("status", String(7), nullable=False),
    Column("disabled", Boolean(), nullable=False),
    Column("video_config", _document()),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    CheckConstraint("status IN ('INVOKED', 'LIVE', 'IDLE', 'ERRORED')", name="status"),
    Index(None, "app_id", "created_at", "id"),
    Index(None, "meeting_id", "status"),
)

# Each time a livestream was LIVE, and what it counted: ingest seconds on the app clock, and
# viewer seconds (the viewers the activity API said were watching, times how long).
livestream_sessions = Table(
    "livestream_sessions",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("livestream_id", Uuid(), ForeignKey("livestreams.id"), nullable=False),
    Column("session_id", Uuid(), ForeignKey("sessions.id")),  # the meeting's session
    Column("invoked_time", UTCDateTime()),
    Column("started_time", UTCDateTime(), nullable=False),
    Column("stopped_time", UTCDateTime()),
    Column("viewers", Integer(), nullable=False),
    Column("viewer_ms", BigInteger(), nullable=False),  # counted until viewers_since_ms
    Column("viewers_since_ms", BigInteger(), nullable=False),
    Column("err_message", String(1024)),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    Index(None, "livestream_id", "started_time"),
    Index(None, "session_id"),
    Index(None, "app_id", "started_time"),
)

# Work due at a time on an app's clock (a session's end after its keep-alive): run by every
# process's timer loop when due, or at once by a clock advance (meetd.timers).
timers = Table(
    "timers",
    metadata,
    _sequence(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject_id", Uuid(), nullable=False),
    Column("due_ms", BigInteger(), nullable=False),  # on the app's clock (meetd.clock)
    Index(None, "due_ms"),
    Index(None, "app_id", "due_ms"),
)

# The outbox: what happened, written in the transaction of the change (contract A10), in
# the order it happened; the body is the exact JSON a webhook delivery sends.
events = Table(
    "events",
    metadata,
    _sequence(),
    Column("id", Uuid(), nullable=False, unique=True),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("meeting_id", Uuid()),
    Column("type", String(32), nullable=False),
    Column("body", LargeBinary(), nullable=False),
    _timestamp("created_at"),
    Index(None, "app_id", "seq"),
)

# An app's webhooks (contract A10): where its events are sent.
webhooks = Table(
    "webhooks",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("events", _document(), nullable=False),
    Column("enabled", Boolean(), nullable=False),
    _timestamp("created_at"),
    _timestamp("updated_at"),
    # A second webhook with the URL of one the app has is refused.
    UniqueConstraint("app_id", "url"),
    Index(None, "app_id", "created_at"),
)

# One event for one webhook: written with the event, sent by the delivery worker
# (meetd.webhooks.worker), kept as its log. Its id is the `rtk-uuid` of every attempt.
deliveries = Table(
    "deliveries",
    metadata,
    _sequence(),
    Column("id", Uuid(), nullable=False, unique=True),
    Column("webhook_id", Uuid(), ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column(
        "event_seq",
        Integer().with_variant(BigInteger(), "postgresql"),
        ForeignKey("events.seq"),
        nullable=False,
    ),
    # Deliveries of one meeting's events to one webhook go in order (the event's meeting).
    Column("meeting_id", Uuid()),
    Column("event", String(32), nullable=False),
    Column("status", String(9), nullable=False),
    Column("attempts", Integer(), nullable=False),
    # attempts when last queued: the retry schedule restarts at a redelivery
    Column("queued_at_attempt", Integer(), nullable=False),
    Column("status_code", Integer()),
    Column("error", String(1024)),
    Column("headers", _document()),  # as last sent
    # On the real clock, in ms since 1970: when it is due next (while PENDING), and until
    # when a worker that claimed it has it (a crashed worker's claim runs out).
    Column("next_attempt_ms", BigInteger()),
    Column("claimed_until_ms", BigInteger()),
    # When it was queued (or queued again), on the real clock: how long deliveries wait.
    Column("queued_ms", BigInteger()),
    Column("last_attempt_at", UTCDateTime()),
    _timestamp("created_at"),  # when the event happened (the app's clock)
    CheckConstraint("status IN ('PENDING', 'DELIVERED', 'FAILED')", name="status"),
    Index(None, "status", "next_attempt_ms"),
    # Each meeting's next pending delivery to each webhook, found from this index alone.
    Index(None, "status", "webhook_id", "meeting_id", "seq"),
    Index(None, "webhook_id", "created_at", "seq"),
)

# RSA key pairs that sign webhook deliveries; the private half sealed under the secret key.
# The newest signs; /.well-known/webhooks.json publishes its public half.
webhook_keys = Table(
    "webhook_keys",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("private_key", LargeBinary(), nullable=False),
    Column("public_pem", String(1024), nullable=False),
    _timestamp("created_at"),
)

# An app's fault rules (a meetd extension, docs/testing.md): requests on the app's paths that
# answer as Cloudflare does when it fails (429, 5xx) or answer late, to test a client's retries.
fault_rules = Table(
    "fault_rules",
    metadata,
    _id(),
    Column("app_id", Uuid(), ForeignKey("apps.id"), nullable=False),
    Column("method", String(7), nullable=False),  # or "*"
    Column("path", String(512), nullable=False),  # a shell-style pattern
    Column("status", Integer()),  # none: the rule only delays
    Column("rate", Double(), nullable=False),
    Column("count", Integer()),  # how many requests it faults before it is used up
    Column("latency_ms", Integer(), nullable=False),
    Column("retry_after", Integer(), nullable=False),
    Column("seed", BigInteger()),
    Column("matched", Integer(), nullable=False),
    Column("faulted", Integer(), nullable=False),
    _timestamp("created_at"),
    CheckConstraint("status IN (429, 500, 502, 503)", name="status"),
    Index(None, "app_id", "created_at"),
)
