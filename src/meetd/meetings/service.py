"""Meetings: create, read, PATCH-merge, PUT-replace and list; storage credentials sealed."""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from meetd.crypto import SecretBox
from meetd.db.paging import fetch_page
from meetd.db.tables import App, Meeting, utcnow
from meetd.errors import NotFound
from meetd.meetings.schemas import SECRET_FIELDS, MeetingCreate, MeetingFilters, MeetingUpdate
from meetd.merge import patched

_SCALAR_FIELDS = (
    "title",
    "status",
    "record_on_start",
    "live_stream_on_start",
    "persist_chat",
    "summarize_on_end",
    "transcribe_on_end",
    "session_keep_alive_time_in_secs",
    "preferred_region",
)


_apps = cast(Table, App.__table__)
# A Core statement: the ORM's UPDATE would first look for the app among the session's objects.
_COUNT_MEETING = (
    update(_apps)
    .where(_apps.c.id == bindparam("app_id"))
    .values(meeting_count=_apps.c.meeting_count + 1)
)


def create_meeting(session: Session, *, app: App, data: MeetingCreate, box: SecretBox) -> Meeting:
    now = utcnow()
    meeting = Meeting(id=uuid.uuid4(), app_id=app.id, created_at=now, updated_at=now)
    _store(meeting, data, box)
    session.add(meeting)
    session.execute(_COUNT_MEETING, {"app_id": app.id})
    session.flush()
    return meeting


_BY_ID = select(Meeting).where(
    Meeting.id == bindparam("meeting_id"), Meeting.app_id == bindparam("app_id")
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()


def get_meeting(
    session: Session, *, app: App, meeting_id: uuid.UUID, for_update: bool = False
) -> Meeting:
    """The meeting, if it is one of the app's; `for_update` locks it until the transaction
    ends, so that concurrent changes apply one after the other and none is lost."""
    query = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    meeting = session.scalars(query, {"meeting_id": meeting_id, "app_id": app.id}).one_or_none()
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id}")
    return meeting


def update_meeting(
    session: Session, *, meeting: Meeting, data: MeetingUpdate, box: SecretBox
) -> Meeting:
    """PATCH: merge what was sent into the stored meeting, then check the result whole."""
    whole = patched(MeetingCreate, _document(meeting, box), data.model_dump(exclude_unset=True))
    _store(meeting, whole, box)
    meeting.updated_at = utcnow()
    return meeting


def replace_meeting(
    session: Session, *, meeting: Meeting, data: MeetingCreate, box: SecretBox
) -> Meeting:
    """PUT: the meeting becomes the body plus defaults; its status stays unless sent."""
    if "status" not in data.model_fields_set:
        data = data.model_copy(update={"status": meeting.status})
    _store(meeting, data, box)
    meeting.updated_at = utcnow()
    return meeting


def list_meetings(
    session: Session, *, app: App, filters: MeetingFilters, offset: int, limit: int
) -> tuple[list[Meeting], int]:
    """Newest first; `total` counts every match, not only this page."""
    # A search names the app itself, next to the meetings it found (see _matches).
    where = [_matches(session, app, filters.search) if filters.search else _in_app(app)]
    if filters.status is not None:
        where.append(Meeting.status == filters.status)
    if filters.start_time is not None:
        where.append(Meeting.created_at >= filters.start_time)
    if filters.end_time is not None:
        where.append(Meeting.created_at <= filters.end_time)
    # Unfiltered, the total is the app's count, not a count of a million rows.
    unfiltered = filters == MeetingFilters()
    total = session.scalar(_MEETING_COUNT, {"app_id": app.id}) if unfiltered else None
    order = (Meeting.created_at.desc(), Meeting.id.desc())
    return fetch_page(
        session,
        select(Meeting),
        where=where,
        order_by=order,
        offset=offset,
        limit=limit,
        total=total,
    )


def _in_app(app: App) -> ColumnElement[bool]:
    return Meeting.app_id == app.id


_MEETING_COUNT = select(App.meeting_count).where(App.id == bindparam("app_id"))
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


def _matches(session: Session, app: App, search: str) -> ColumnElement[bool]:
    """The app's meeting with this exact id, or its meetings with the term in their titles,
    in any case; `%`, `_` and `\\` match themselves."""
    in_title = _in_title(session, app, search)
    try:
        key = uuid.UUID(search)
    except ValueError:
        return in_title
    return or_(and_(Meeting.id == key, _in_app(app)), in_title)


def _in_title(session: Session, app: App, search: str) -> ColumnElement[bool]:
    if len(search) < _TRIGRAM or session.get_bind().dialect.name != "sqlite":
        # PostgreSQL's ILIKE reads its trigram index; a term too short for trigrams is a scan
        return and_(_in_app(app), Meeting.title.icontains(search, autoescape=True))
    # An FTS5 phrase of trigrams: exactly the titles that contain the term, in any case.
    phrase = '"' + search.replace('"', '""') + '"'
    return Meeting.id.in_(_TITLE_MATCHES.bindparams(phrase=phrase, app_id=app.id.hex))


def _store(meeting: Meeting, data: MeetingCreate, box: SecretBox) -> None:
    values = data.model_dump(include=set(_SCALAR_FIELDS))
    # null was accepted for these two, and means their default
    values["record_on_start"] = bool(values["record_on_start"])
    values["live_stream_on_start"] = bool(values["live_stream_on_start"])
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.ai_config = data.ai_config.model_dump(exclude_none=True) if data.ai_config else None
    recording = (
        data.recording_config.model_dump(exclude_none=True) if data.recording_config else None
    )
    storage = (recording or {}).get("storage_config") or {}
    credentials = {name: storage.pop(name) for name in SECRET_FIELDS if name in storage}
    meeting.recording_config = recording
    meeting.storage_credentials = (
        box.seal(json.dumps(credentials).encode(), context=meeting.id.bytes)
        if credentials
        else None
    )


def _document(meeting: Meeting, box: SecretBox) -> dict[str, Any]:
    """The stored meeting in the shape of a request body, credentials included."""
    document: dict[str, Any] = {name: getattr(meeting, name) for name in _SCALAR_FIELDS}
    document["ai_config"] = meeting.ai_config
    recording = json.loads(json.dumps(meeting.recording_config))  # a deep copy
    if recording and recording.get("storage_config") and meeting.storage_credentials:
        sealed = box.open(meeting.storage_credentials, context=meeting.id.bytes)
        recording["storage_config"].update(json.loads(sealed))
    document["recording_config"] = recording
    return document
