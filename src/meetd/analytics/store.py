"""The rows analytics count: an app's sessions, recordings and livestream sessions that
began in a time range."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Select, bindparam, select
from sqlalchemy.engine import Connection

from meetd.db.tables import livestream_sessions, recordings, sessions

s, r, lss = sessions.c, recordings.c, livestream_sessions.c
_SESSIONS = select(s.started_at, s.seconds_consumed, s.live_participants, s.live_joined_ms).where(
    s.app_id == bindparam("app_id"),
    s.created_at >= bindparam("since"),  # created_at is started_at, and indexed
    s.created_at < bindparam("until"),
)
_RECORDINGS = select(r.invoked_time, r.recorded_ms, r.resumed_ms).where(
    r.app_id == bindparam("app_id"),
    r.invoked_time >= bindparam("since"),
    r.invoked_time < bindparam("until"),
)
_LIVESTREAM_SESSIONS = select(
    lss.started_time, lss.stopped_time, lss.viewers, lss.viewer_ms, lss.viewers_since_ms
).where(
    lss.app_id == bindparam("app_id"),
    lss.started_time >= bindparam("since"),
    lss.started_time < bindparam("until"),
)


def _rows(
    connection: Connection,
    statement: Select[Any],
    app_id: uuid.UUID,
    since: datetime,
    until: datetime,
) -> Sequence[RowMapping]:
    params = {"app_id": app_id, "since": since, "until": until}
    return connection.execute(statement, params).mappings().all()


def sessions_between(
    connection: Connection, *, app_id: uuid.UUID, since: datetime, until: datetime
) -> Sequence[RowMapping]:
    return _rows(connection, _SESSIONS, app_id, since, until)


def recordings_between(
    connection: Connection, *, app_id: uuid.UUID, since: datetime, until: datetime
) -> Sequence[RowMapping]:
    return _rows(connection, _RECORDINGS, app_id, since, until)


def livestream_sessions_between(
    connection: Connection, *, app_id: uuid.UUID, since: datetime, until: datetime
) -> Sequence[RowMapping]:
    return _rows(connection, _LIVESTREAM_SESSIONS, app_id, since, until)
