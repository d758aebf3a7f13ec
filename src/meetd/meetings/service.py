"""Meetings: create, read, PATCH-merge, PUT-replace and list; storage credentials sealed."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.crypto import SecretBox
from meetd.db.tables import Record
from meetd.errors import NotFound
from meetd.meetings import store
from meetd.meetings.schemas import SECRET_FIELDS, MeetingCreate, MeetingUpdate
from meetd.merge import patched
from meetd.schemas import iso_millis

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
_OPTIONAL = ("title", "preferred_region", "recording_config", "ai_config")


def view(row: Record, *, listed: bool = False) -> dict[str, Any]:
    """A meeting as answered: absent fields are left out; in lists, without `ai_config`."""
    keep_alive = row["session_keep_alive_time_in_secs"]
    out = {
        "id": row["id"],
        "title": row["title"],
        "status": row["status"],
        "record_on_start": row["record_on_start"],
        "live_stream_on_start": row["live_stream_on_start"],
        "persist_chat": row["persist_chat"],
        "summarize_on_end": row["summarize_on_end"],
        "transcribe_on_end": row["transcribe_on_end"],
        "session_keep_alive_time_in_secs": (
            int(keep_alive) if float(keep_alive).is_integer() else keep_alive
        ),
        "preferred_region": row["preferred_region"],
        "recording_config": row["recording_config"],
        "created_at": iso_millis(row["created_at"]),
        "updated_at": iso_millis(row["updated_at"]),
    }
    if not listed:
        out["ai_config"] = row["ai_config"]
    for name in _OPTIONAL:
        if name in out and out[name] is None:
            del out[name]
    return out


def create_meeting(
    connection: Connection, *, app_id: uuid.UUID, data: MeetingCreate, box: SecretBox
) -> dict[str, Any]:
    now = clock.app_now(connection, app_id)
    meeting_id = uuid.uuid4()
    values = {
        "id": meeting_id,
        "app_id": app_id,
        "created_at": now,
        "updated_at": now,
        **_columns(meeting_id, data, box),
    }
    store.insert_meeting(connection, values)
    return view(values)


def get_meeting(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, for_update: bool = False
) -> Record:
    """The meeting, if it is one of the app's; `for_update` locks it until the transaction
    ends, so that concurrent changes apply one after the other and none is lost."""
    row = store.get_meeting(connection, app_id=app_id, meeting_id=meeting_id, for_update=for_update)
    if row is None:
        raise NotFound(f"No meeting with id {meeting_id}")
    return row


def read_meeting(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID
) -> dict[str, Any]:
    return view(get_meeting(connection, app_id=app_id, meeting_id=meeting_id))


def update_meeting(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: MeetingUpdate,
    box: SecretBox,
) -> dict[str, Any]:
    """PATCH: merge what was sent into the stored meeting, then check the result whole."""
    meeting = get_meeting(connection, app_id=app_id, meeting_id=meeting_id, for_update=True)
    sent = data.model_dump(exclude_unset=True)
    whole = patched(MeetingCreate, _document(meeting, box), sent)
    return _store(connection, meeting, whole, box)


def replace_meeting(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: MeetingCreate,
    box: SecretBox,
) -> dict[str, Any]:
    """PUT: the meeting becomes the body plus defaults; its status stays unless sent."""
    meeting = get_meeting(connection, app_id=app_id, meeting_id=meeting_id, for_update=True)
    if "status" not in data.model_fields_set:
        data = data.model_copy(update={"status": meeting["status"]})
    return _store(connection, meeting, data, box)


def list_meetings(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    search: str | None,
    status: str | None,
    start_time: datetime | None,
    end_time: datetime | None,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """Newest first; `total` counts every match, not only this page."""
    rows, total = store.list_meetings(
        connection,
        app_id=app_id,
        search=search,
        status=status,
        start_time=start_time,
        end_time=end_time,
        offset=offset,
        limit=limit,
    )
    return [view(row._mapping, listed=True) for row in rows], total


def _store(
    connection: Connection, meeting: Record, data: MeetingCreate, box: SecretBox
) -> dict[str, Any]:
    values = {
        **_columns(meeting["id"], data, box),
        "updated_at": clock.app_now(connection, meeting["app_id"]),
    }
    store.update_meeting(connection, meeting["id"], values)
    return view({**meeting, **values})


def _columns(meeting_id: uuid.UUID, data: MeetingCreate, box: SecretBox) -> dict[str, Any]:
    values = data.model_dump(include=set(_SCALAR_FIELDS))
    # null was accepted for these two, and means their default
    values["record_on_start"] = bool(values["record_on_start"])
    values["live_stream_on_start"] = bool(values["live_stream_on_start"])
    values["ai_config"] = data.ai_config.model_dump(exclude_none=True) if data.ai_config else None
    recording = (
        data.recording_config.model_dump(exclude_none=True) if data.recording_config else None
    )
    storage = (recording or {}).get("storage_config") or {}
    values["storage_credentials"] = seal_credentials(storage, meeting_id=meeting_id, box=box)
    values["recording_config"] = recording
    return values


def seal_credentials(
    storage: dict[str, Any], *, meeting_id: uuid.UUID, box: SecretBox
) -> bytes | None:
    """Takes the write-only credentials out of a storage_config, and answers them sealed
    to the meeting (None if there were none): a meeting's own, or a recording's of it."""
    credentials = {name: storage.pop(name) for name in SECRET_FIELDS if name in storage}
    if not credentials:
        return None
    return box.seal(json.dumps(credentials).encode(), context=meeting_id.bytes)


def _document(meeting: Record, box: SecretBox) -> dict[str, Any]:
    """The stored meeting in the shape of a request body, credentials included."""
    document: dict[str, Any] = {name: meeting[name] for name in _SCALAR_FIELDS}
    document["ai_config"] = meeting["ai_config"]
    recording = json.loads(json.dumps(meeting["recording_config"]))  # a deep copy
    if recording and recording.get("storage_config") and meeting["storage_credentials"]:
        sealed = box.open(meeting["storage_credentials"], context=meeting["id"].bytes)
        recording["storage_config"].update(json.loads(sealed))
    document["recording_config"] = recording
    return document
