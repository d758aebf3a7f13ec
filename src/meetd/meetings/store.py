"""The meetings' SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    RowMapping,
    and_,
    bindparam,
    column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import apps, meetings

m = meetings.c
_BY_ID = select(meetings).where(m.id == bindparam("meeting_id"), m.app_id == bindparam("app_id"))
# Locks the meeting until the transaction ends, so that concurrent changes to it, or to its
# participants, apply one after the other and none is lost.
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()
_BY_ANY_ID = select(meetings).where(m.id == bindparam("meeting_id"))
_COUNT_MEETING = (
    update(apps)
    .where(apps.c.id == bindparam("app_id"))
    .values(meeting_count=apps.c.meeting_count + 1)
)
_MEETING_COUNT = select(apps.c.meeting_count).where(apps.c.id == bindparam("app_id"))
# The columns an UPDATE sets are the keys of the values it is run with.
_UPDATE = update(meetings).where(m.id == bindparam("meeting_id"))
_INSERT = meetings.insert()
# SQLite's index of titles (migration 0005): the app's meetings whose titles hold a phrase.
# CROSS JOIN fixes the order SQLite joins in: from what the index found, never from every
# meeting of the app.
_TITLE_MATCHES = text(
    "SELECT t.meeting_id FROM meeting_titles_fts"
    " CROSS JOIN meeting_titles AS t ON t.rid = meeting_titles_fts.rowid"
    " CROSS JOIN meetings AS m ON m.id = t.meeting_id"
    " WHERE meeting_titles_fts MATCH :phrase AND m.app_id = :app_id"
).columns(column("meeting_id"))
_TRIGRAM = 3
_LISTED = [c for c in meetings.c if c.name not in ("app_id", "ai_config", "storage_credentials")]


def get_meeting(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, for_update: bool = False
) -> RowMapping | None:
    query = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    params = {"meeting_id": meeting_id, "app_id": app_id}
    return connection.execute(query, params).mappings().first()


def find_meeting(connection: Connection, meeting_id: uuid.UUID) -> RowMapping | None:
    """A meeting of any app (a token names it)."""
    return connection.execute(_BY_ANY_ID, {"meeting_id": meeting_id}).mappings().first()


def insert_meeting(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(_INSERT, values)
    connection.execute(_COUNT_MEETING, {"app_id": values["app_id"]})


def update_meeting(connection: Connection, meeting_id: uuid.UUID, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE, {**values, "meeting_id": meeting_id})


def list_meetings(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    search: str | None,
    status: str | None,
    start_time: Any,
    end_time: Any,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Any]], int]:
    """Newest first; `total` counts every match, not only this page."""
    # A search names the app itself, next to the meetings it found (see _matches).
    where = [_matches(connection, app_id, search) if search else m.app_id == app_id]
    if status is not None:
        where.append(m.status == status)
    if start_time is not None:
        where.append(m.created_at >= start_time)
    if end_time is not None:
        where.append(m.created_at <= end_time)
    # Unfiltered, the total is the app's count, not a count of a million rows.
    unfiltered = len(where) == 1 and not search
    total = connection.scalar(_MEETING_COUNT, {"app_id": app_id}) if unfiltered else None
    return fetch_page(
        connection,
        select(*_LISTED),
        key=m.id,
        where=where,
        order_by=(m.created_at.desc(), m.id.desc()),
        offset=offset,
        limit=limit,
        total=total,
    )


def _matches(connection: Connection, app_id: uuid.UUID, search: str) -> ColumnElement[bool]:
    """The app's meeting with this exact id, or its meetings with the term in their titles,
    in any case; `%`, `_` and `\\` match themselves."""
    in_title = _in_title(connection, app_id, search)
    try:
        key = uuid.UUID(search)
    except ValueError:
        return in_title
    return or_(and_(m.id == key, m.app_id == app_id), in_title)


def _in_title(connection: Connection, app_id: uuid.UUID, search: str) -> ColumnElement[bool]:
    if len(search) < _TRIGRAM or connection.dialect.name != "sqlite":
        # PostgreSQL's ILIKE reads its trigram index; a term too short for trigrams is a scan
        return and_(m.app_id == app_id, m.title.icontains(search, autoescape=True))
    # An FTS5 phrase of trigrams: exactly the titles that contain the term, in any case.
    phrase = '"' + search.replace('"', '""') + '"'
    return m.id.in_(_TITLE_MATCHES.bindparams(phrase=phrase, app_id=app_id.hex))
