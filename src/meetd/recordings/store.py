"""The SQL of recordings and their files."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, RowMapping, bindparam, or_, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import meetings, recording_files, recordings

r, m, rf = recordings.c, meetings.c, recording_files.c
ACTIVE = ("INVOKED", "RECORDING", "PAUSED")  # what a stop, pause or session's end acts on

_BY_ID = select(recordings).where(
    r.id == bindparam("recording_id"), r.app_id == bindparam("app_id")
)
_BY_ANY_ID = select(recordings).where(r.id == bindparam("recording_id"))
_UPDATE = update(recordings).where(r.id == bindparam("recording_id"))
_ACTIVE_OF_MEETING = (
    select(recordings)
    .where(r.meeting_id == bindparam("meeting_id"), r.status.in_(ACTIVE))
    .order_by(r.invoked_time.desc(), r.id)
)
_ACTIVE_OF_SESSION = (
    select(recordings)
    .where(r.session_id == bindparam("session_id"), r.status.in_(ACTIVE))
    .order_by(r.invoked_time, r.id)
)
_FILES = (
    select(rf.name, rf.layer, rf.media_type, rf.created_at)
    .where(rf.recording_id == bindparam("recording_id"))
    .order_by(rf.name)
)
# What a listed recording shows of its meeting (the reference's `meeting` object), each
# column named with this prefix.
MEETING_PREFIX = "m_"
_MEETING_COLUMNS = (
    m.id,
    m.title,
    m.status,
    m.record_on_start,
    m.live_stream_on_start,
    m.persist_chat,
    m.summarize_on_end,
    m.transcribe_on_end,
    m.session_keep_alive_time_in_secs,
    m.preferred_region,
    m.recording_config,
    m.created_at,
    m.updated_at,
)
_LISTED = select(
    recordings, *(c.label(f"{MEETING_PREFIX}{c.name}") for c in _MEETING_COLUMNS)
).join(meetings, m.id == r.meeting_id)


def get_recording(
    connection: Connection, *, app_id: uuid.UUID, recording_id: uuid.UUID
) -> RowMapping | None:
    params = {"recording_id": recording_id, "app_id": app_id}
    return connection.execute(_BY_ID, params).mappings().first()


def find_recording(connection: Connection, recording_id: uuid.UUID) -> RowMapping | None:
    return connection.execute(_BY_ANY_ID, {"recording_id": recording_id}).mappings().first()


def active_of_meeting(connection: Connection, meeting_id: uuid.UUID) -> Sequence[RowMapping]:
    """The newest first."""
    return connection.execute(_ACTIVE_OF_MEETING, {"meeting_id": meeting_id}).mappings().all()


def active_of_session(connection: Connection, session_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_ACTIVE_OF_SESSION, {"session_id": session_id}).mappings().all()


def insert_recording(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(recordings.insert(), values)


def update_recording(
    connection: Connection, recording_id: uuid.UUID, values: dict[str, Any]
) -> None:
    connection.execute(_UPDATE, {**values, "recording_id": recording_id})


def list_recordings(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID | None,
    statuses: Sequence[str],
    expired_before: datetime | None,
    fresh_since: datetime | None,
    start_time: datetime | None,
    end_time: datetime | None,
    search: str | None,
    ascending: bool,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Any]], int]:
    where: list[ColumnElement[bool]] = [r.app_id == app_id]
    if meeting_id is not None:
        where.append(r.meeting_id == meeting_id)
    if statuses:
        where.append(r.status.in_(statuses))
    if expired_before is not None:
        where.append(r.invoked_time < expired_before)
    if fresh_since is not None:
        where.append(r.invoked_time >= fresh_since)
    if start_time is not None:
        where.append(r.invoked_time >= start_time)
    if end_time is not None:
        where.append(r.invoked_time <= end_time)
    if search:
        titled = select(m.id).where(m.app_id == app_id, m.title.icontains(search, autoescape=True))
        clauses: list[ColumnElement[bool]] = [r.meeting_id.in_(titled)]
        with contextlib.suppress(ValueError):
            clauses.append(r.meeting_id == uuid.UUID(search))
        where.append(or_(*clauses))
    order = (r.invoked_time.asc(), r.id.asc()) if ascending else (r.invoked_time.desc(), r.id)
    return fetch_page(
        connection, _LISTED, key=r.id, where=where, order_by=order, offset=offset, limit=limit
    )


def files_of(connection: Connection, recording_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_FILES, {"recording_id": recording_id}).mappings().all()


def insert_files(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(recording_files.insert(), rows)
