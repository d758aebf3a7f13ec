"""Meetings: create, read, PATCH-merge, PUT-replace and list; storage credentials sealed."""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, update
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
    session.execute(update(App).where(App.id == app.id).values(meeting_count=App.meeting_count + 1))
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
    query = select(Meeting).where(Meeting.app_id == app.id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.start_time is not None:
        query = query.where(Meeting.created_at >= filters.start_time)
    if filters.end_time is not None:
        query = query.where(Meeting.created_at <= filters.end_time)
    if filters.search:
        query = query.where(_matches(filters.search))
    order = (Meeting.created_at.desc(), Meeting.id.desc())
    return fetch_page(session, query, order_by=order, offset=offset, limit=limit)


def _matches(search: str) -> ColumnElement[bool]:
    """The exact meeting id, or a case-insensitive part of the title; `%`, `_` and `\\`
    match themselves."""
    in_title = Meeting.title.icontains(search, autoescape=True)
    try:
        return or_(Meeting.id == uuid.UUID(search), in_title)
    except ValueError:
        return in_title


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
