"""The tables: one class each, singular nouns; relationships load only when asked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


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


def utcnow() -> datetime:
    """Now, at the millisecond precision timestamps are returned with (contract A4)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


Document = dict[str, Any]


def trigram_index(table: str, column: str) -> Index:
    """On PostgreSQL, a GIN trigram index: a case-insensitive substring search (ILIKE
    '%term%') reads it instead of scanning the table. Other databases have no such index."""
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        Document: JSON().with_variant(JSONB(), "postgresql"),
        bytes: LargeBinary(),
    }


class Meta(Base):
    """Facts about the deployment itself, such as which secret key its secrets are sealed with."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('admin', 'read')", name="scope"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    # SHA-256 of the token: tokens are 240-bit random strings, so a fast hash is enough.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class App(Base):
    __tablename__ = "apps"
    __table_args__ = (Index(None, "account_id", "created_at", "id"), trigram_index("apps", "name"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(255))
    # How many meetings the app has (there is no meeting delete): a page of the meeting list
    # reports this total without counting a million rows.
    meeting_count: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
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

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    app_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apps.id"))
    title: Mapped[str | None] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(8))
    record_on_start: Mapped[bool]
    live_stream_on_start: Mapped[bool]
    persist_chat: Mapped[bool]
    summarize_on_end: Mapped[bool]
    transcribe_on_end: Mapped[bool]
    session_keep_alive_time_in_secs: Mapped[float]
    preferred_region: Mapped[str | None] = mapped_column(String(16))
    ai_config: Mapped[Document | None]
    # recording_config without its write-only credentials; those are sealed apart.
    recording_config: Mapped[Document | None]
    storage_credentials: Mapped[bytes | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Preset(Base):
    __tablename__ = "presets"
    __table_args__ = (
        UniqueConstraint("app_id", "name"),
        Index(None, "app_id", "created_at", "id"),
        trigram_index("presets", "name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    app_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("apps.id"))
    name: Mapped[str] = mapped_column(String(255))
    config: Mapped[Document]
    ui: Mapped[Document]
    permissions: Mapped[Document]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Participant(Base):
    __tablename__ = "participants"
    __allow_unmapped__ = True
    __table_args__ = (
        # Re-adding a custom_participant_id returns the participant it already names.
        UniqueConstraint("meeting_id", "custom_participant_id"),
        Index(None, "meeting_id", "created_at", "id"),
        Index(None, "preset_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"))
    custom_participant_id: Mapped[str] = mapped_column(String(255))
    # RESTRICT: a preset that participants use cannot be deleted.
    preset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("presets.id", ondelete="RESTRICT"))
    name: Mapped[str | None] = mapped_column(String(255))
    picture: Mapped[str | None] = mapped_column(String(2048))
    # The revocation mark: tokens carry the generation they were issued in, and a token
    # of an older generation is revoked. A change of preset starts a new generation.
    token_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    preset: Mapped[Preset] = relationship(lazy="raise")
    # The token issued with the answer that returns this participant; never stored.
    token: str | None = None

    @property
    def preset_name(self) -> str:
        return self.preset.name


class SigningKey(Base):
    """An RS256 key pair for participant tokens; the private half sealed under the secret key."""

    __tablename__ = "signing_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the JWT `kid`
    private_key: Mapped[bytes]
    public_jwk: Mapped[Document]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Retired keys sign nothing more, and verify what they signed until it expires.
    retired_at: Mapped[datetime | None]
