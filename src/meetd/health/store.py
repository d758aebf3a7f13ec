"""The SQL of health and metrics: one answer each, from any database."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from meetd.db.tables import deliveries, sessions

_REVISION = text("SELECT version_num FROM alembic_version")
_LIVE = select(func.count()).select_from(sessions).where(sessions.c.status == "LIVE")
_PENDING = select(func.count(), func.min(deliveries.c.queued_ms)).where(
    deliveries.c.status == "PENDING"
)


def schema_revision(connection: Connection) -> str | None:
    revision: str | None = connection.scalar(_REVISION)
    return revision


def live_sessions(connection: Connection) -> int:
    return connection.scalar(_LIVE) or 0


def pending_deliveries(connection: Connection) -> tuple[int, int | None]:
    """How many wait, and when the longest-waiting one was queued (ms since 1970)."""
    count, oldest = connection.execute(_PENDING).one()
    return count or 0, oldest
