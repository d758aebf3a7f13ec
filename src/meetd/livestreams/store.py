"""The SQL of livestreams and their sessions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, RowMapping, bindparam, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import livestream_sessions, livestreams

ls, lss = livestreams.c, livestream_sessions.c
ACTIVE = ("INVOKED", "LIVE")

_BY_ID = select(livestreams).where(
    ls.id == bindparam("livestream_id"), ls.app_id == bindparam("app_id")
)
_BY_ANY_ID = select(livestreams).where(ls.id == bindparam("livestream_id"))
_UPDATE = update(livestreams).where(ls.id == bindparam("livestream_id"))
_OF_MEETING = (
    select(livestreams)
    .where(ls.meeting_id == bindparam("meeting_id"))
    .order_by(ls.created_at.desc(), ls.id)
)
_ACTIVE_OF_MEETING = _OF_MEETING.where(ls.status.in_(ACTIVE))
_SESSION_BY_ID = select(livestream_sessions).where(
    lss.id == bindparam("livestream_session_id"), lss.app_id == bindparam("app_id")
)
_OPEN_SESSION = select(livestream_sessions).where(
    lss.livestream_id == bindparam("livestream_id"), lss.stopped_time.is_(None)
)
_UPDATE_SESSION = update(livestream_sessions).where(lss.id == bindparam("livestream_session_id"))


def get_livestream(
    connection: Connection, *, app_id: uuid.UUID, livestream_id: uuid.UUID
) -> RowMapping | None:
    params = {"livestream_id": livestream_id, "app_id": app_id}
    return connection.execute(_BY_ID, params).mappings().first()


def find_livestream(connection: Connection, livestream_id: uuid.UUID) -> RowMapping | None:
    return connection.execute(_BY_ANY_ID, {"livestream_id": livestream_id}).mappings().first()


def lock_livestream(connection: Connection, livestream_id: uuid.UUID) -> RowMapping:
    """The livestream, locked until the transaction ends (changes to it apply in turn)."""
    params = {"livestream_id": livestream_id}
    return connection.execute(_BY_ANY_ID.with_for_update(), params).mappings().one()


def of_meeting(
    connection: Connection, meeting_id: uuid.UUID, *, active_only: bool = False
) -> Sequence[RowMapping]:
    """The newest first."""
    statement = _ACTIVE_OF_MEETING if active_only else _OF_MEETING
    return connection.execute(statement, {"meeting_id": meeting_id}).mappings().all()


def insert_livestream(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(livestreams.insert(), values)


def update_livestream(
    connection: Connection, livestream_id: uuid.UUID, values: dict[str, Any]
) -> None:
    connection.execute(_UPDATE, {**values, "livestream_id": livestream_id})


def list_livestreams(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    exclude_meetings: bool,
    status: str | None,
    start_time: datetime | None,
    end_time: datetime | None,
    ascending: bool,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Any]], int]:
    where: list[ColumnElement[bool]] = [ls.app_id == app_id]
    if exclude_meetings:
        where.append(ls.meeting_id.is_(None))
    if status is not None:
        where.append(ls.status == status)
    if start_time is not None:
        where.append(ls.created_at >= start_time)
    if end_time is not None:
        where.append(ls.created_at <= end_time)
    order = (ls.created_at.asc(), ls.id.asc()) if ascending else (ls.created_at.desc(), ls.id)
    return fetch_page(
        connection,
        select(livestreams),
        key=ls.id,
        where=where,
        order_by=order,
        offset=offset,
        limit=limit,
    )


def get_session(
    connection: Connection, *, app_id: uuid.UUID, livestream_session_id: uuid.UUID
) -> RowMapping | None:
    params = {"livestream_session_id": livestream_session_id, "app_id": app_id}
    return connection.execute(_SESSION_BY_ID, params).mappings().first()


def open_session(connection: Connection, livestream_id: uuid.UUID) -> RowMapping | None:
    """The livestream's session under way, if it is LIVE."""
    return connection.execute(_OPEN_SESSION, {"livestream_id": livestream_id}).mappings().first()


def insert_session(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(livestream_sessions.insert(), values)


def update_session(
    connection: Connection, livestream_session_id: uuid.UUID, values: dict[str, Any]
) -> None:
    params = {**values, "livestream_session_id": livestream_session_id}
    connection.execute(_UPDATE_SESSION, params)


def list_sessions(
    connection: Connection,
    *,
    livestream_ids: Sequence[uuid.UUID] | None = None,
    session_id: uuid.UUID | None = None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Any]], int]:
    """A page of the sessions of some livestreams, or of those a meeting's session fed;
    the newest first."""
    where: list[ColumnElement[bool]] = []
    if livestream_ids is not None:
        where.append(lss.livestream_id.in_(livestream_ids))
    if session_id is not None:
        where.append(lss.session_id == session_id)
    return fetch_page(
        connection,
        select(livestream_sessions),
        key=lss.id,
        where=where,
        order_by=(lss.started_time.desc(), lss.id),
        offset=offset,
        limit=limit,
    )
