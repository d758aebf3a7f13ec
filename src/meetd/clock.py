"""The one source of time (contract A8). The deployment's own records (accounts, API tokens,
keys) read the real clock; an app's objects read the app's clock: the real clock moved
forward by the app's offset, which `simulate/clock/advance` grows and nothing shrinks.

    now = clock.app_now(connection, app_id)    # in a unit of work on the app's objects
    now = clock.now()                          # the deployment's own records
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Uuid, bindparam, column, select, table
from sqlalchemy.engine import Connection

# The apps table's offset alone (meetd.db.tables describes the whole table; this module is
# imported by it for the timestamps' defaults).
_apps = table("apps", column("id", Uuid()), column("clock_offset_ms", BigInteger()))
_OFFSET = select(_apps.c.clock_offset_ms).where(_apps.c.id == bindparam("app_id"))
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_millis(value: datetime) -> int:
    """Milliseconds since 1970 (timers are due at these, on the app's clock)."""
    return (value - EPOCH) // timedelta(milliseconds=1)


def from_millis(value: int) -> datetime:
    return EPOCH + timedelta(milliseconds=value)


class Clock:
    def now(self) -> datetime:
        """The real time, at the millisecond precision timestamps are returned with (A4)."""
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

    def now_millis(self) -> int:
        return to_millis(self.now())

    def app_offset_millis(self, connection: Connection, app_id: uuid.UUID) -> int:
        return connection.scalar(_OFFSET, {"app_id": app_id}) or 0

    def app_now(self, connection: Connection, app_id: uuid.UUID) -> datetime:
        """The app's time: read in the unit of work, since any process may have advanced it."""
        return from_millis(self.now_millis() + self.app_offset_millis(connection, app_id))


clock = Clock()
