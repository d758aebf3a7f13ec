"""Recordings (contract A11): start one of a meeting's LIVE session, composite or track;
read and list them; pause, resume and stop them. How they go is meetd.recordings.lifecycle."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from meetd.apps.store import AppRow
from meetd.clock import clock, to_millis
from meetd.crypto import SecretBox
from meetd.db.tables import Record
from meetd.errors import Conflict, Invalid, NotFound
from meetd.files.service import URL_LIFETIME, Downloads
from meetd.meetings import service as meetings
from meetd.recordings import lifecycle, store
from meetd.recordings.schemas import Layer, RecordingStart, TrackRecordingStart
from meetd.sessions import store as sessions
from meetd.sessions.lifecycle import Moment


def start_recording(
    connection: Connection,
    *,
    app: AppRow,
    data: RecordingStart,
    box: SecretBox,
    downloads: Downloads,
) -> dict[str, Any]:
    meeting = meetings.get_meeting(
        connection, app_id=app.id, meeting_id=data.meeting_id, for_update=True
    )
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    session = _live_session(connection, moment, meeting)
    if not data.allow_multiple_recordings:
        _only_one(connection, meeting, "COMPOSITE")
    config = dict(meeting["recording_config"] or {})
    config.pop("storage_config", None)
    config.update(
        data.model_dump(
            exclude_none=True,
            exclude={"meeting_id", "allow_multiple_recordings", "storage_config"},
        )
    )
    storage_config, sealed = _storage(meeting, data, box)
    recording = lifecycle.start(
        connection,
        moment,
        meeting=meeting,
        session=session,
        kind="COMPOSITE",
        config=config,
        storage_config=storage_config,
        sealed_credentials=sealed,
        start_reason=api_call(app),
    )
    return lifecycle.view(connection, recording, downloads, moment.now)


def api_call(app: AppRow) -> dict[str, Any]:
    """A start_reason or stop_reason of a request: the app (the organization) asked."""
    return {"reason": "API_CALL", "caller": {"type": "ORGANIZATION", "name": app.name}}


def _storage(
    meeting: Record, data: RecordingStart, box: SecretBox
) -> tuple[dict[str, Any] | None, bytes | None]:
    """The readable storage_config, and its credentials sealed (to the meeting, as the
    meeting's own are): the request's, else the meeting's."""
    if data.storage_config is None:
        stored = (meeting["recording_config"] or {}).get("storage_config")
        return stored, meeting["storage_credentials"] if stored else None
    readable = data.storage_config.model_dump(exclude_none=True)
    return readable, meetings.seal_credentials(readable, meeting_id=meeting["id"], box=box)


def start_track_recording(
    connection: Connection,
    *,
    app: AppRow,
    data: TrackRecordingStart,
    downloads: Downloads,
) -> dict[str, Any]:
    meeting = meetings.get_meeting(
        connection, app_id=app.id, meeting_id=data.meeting_id, for_update=True
    )
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    session = _live_session(connection, moment, meeting)
    _only_one(connection, meeting, "TRACK")
    layers = {
        name: layer.model_dump(exclude_none=True)
        for name, layer in (data.layers or {"default": Layer()}).items()
    }
    config = {
        "layers": layers,
        "user_ids": data.user_ids or [],
    }
    recording = lifecycle.start(
        connection,
        moment,
        meeting=meeting,
        session=session,
        kind="TRACK",
        config=config,
        storage_config=None,
        sealed_credentials=None,
        start_reason=api_call(app),
    )
    return {"recording": track_view(connection, recording, downloads, moment.now)}


def track_view(
    connection: Connection, recording: Record, downloads: Downloads, now: datetime
) -> dict[str, Any]:
    """A track recording as CF-TRACK shows it: every field, null while it has no value."""
    shown = lifecycle.view(connection, recording, downloads, now)
    out: dict[str, Any] = {
        name: shown.get(name)
        for name in (
            "id",
            "session_id",
            "status",
            "output_file_name",
            "invoked_time",
            "started_time",
            "stopped_time",
            "recording_duration",
            "file_size",
            "download_url",
            "download_url_expiry",
            "audio_download_url",
        )
    }
    return {**out, "meeting_id": recording["meeting_id"], "type": "TRACK"}


def _live_session(connection: Connection, moment: Moment, meeting: Record) -> Record:
    session = sessions.live_session(connection, meeting["id"])
    ends_at_ms = session["ends_at_ms"] if session is not None else None
    if session is None or (ends_at_ms is not None and ends_at_ms <= to_millis(moment.now)):
        raise Invalid(
            "meeting_id",
            f"the meeting {meeting['id']} has no LIVE session: recording starts once a "
            "participant has joined it",
        )
    return session


def _only_one(connection: Connection, meeting: Record, kind: str) -> None:
    for recording in store.active_of_meeting(connection, meeting["id"]):
        if recording["type"] == kind:
            raise Conflict(
                f"The meeting {meeting['id']} is already being recorded (recording "
                f"{recording['id']}, {recording['status']}); set allow_multiple_recordings "
                "to start another"
                if kind == "COMPOSITE"
                else f"The meeting {meeting['id']} already has a track recording "
                f"({recording['id']}, {recording['status']})"
            )


def read_recording(
    connection: Connection, *, app_id: uuid.UUID, recording_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    recording = _get(connection, app_id=app_id, recording_id=recording_id)
    return _shown(connection, recording, downloads, clock.app_now(connection, app_id))


def _shown(
    connection: Connection, recording: Record, downloads: Downloads, now: datetime
) -> dict[str, Any]:
    shown = lifecycle.view(connection, recording, downloads, now)
    if recording["type"] == "TRACK":
        shown.update(meeting_id=recording["meeting_id"], type="TRACK")
    return shown


def _get(connection: Connection, *, app_id: uuid.UUID, recording_id: uuid.UUID) -> Record:
    recording = store.get_recording(connection, app_id=app_id, recording_id=recording_id)
    if recording is None:
        raise NotFound(f"No recording with id {recording_id}")
    return recording


def active_recording(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id)
    active = store.active_of_meeting(connection, meeting_id)
    composite = [recording for recording in active if recording["type"] == "COMPOSITE"]
    if not composite:
        raise NotFound(f"No active recording found for the meeting {meeting_id}")
    return _shown(connection, composite[0], downloads, clock.app_now(connection, app_id))


def act_on_recording(
    connection: Connection,
    *,
    app: AppRow,
    recording_id: uuid.UUID,
    action: str,
    downloads: Downloads,
) -> dict[str, Any]:
    """pause (RECORDING), resume (PAUSED) or stop (INVOKED, RECORDING or PAUSED)."""
    found = _get(connection, app_id=app.id, recording_id=recording_id)
    meetings.get_meeting(connection, app_id=app.id, meeting_id=found["meeting_id"], for_update=True)
    recording = _get(connection, app_id=app.id, recording_id=recording_id)  # under the lock
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    status = recording["status"]
    if action == "pause" and status == "RECORDING":
        recording = lifecycle.pause(connection, moment, recording)
    elif action == "resume" and status == "PAUSED":
        recording = lifecycle.resume(connection, moment, recording)
    elif action == "stop" and status in store.ACTIVE:
        recording = lifecycle.stop(connection, moment, recording, reason="API_CALL")
    else:
        raise Conflict(f"The recording {recording_id} is {status}: {_CANNOT[action]}")
    return _shown(connection, recording, downloads, moment.now)


_CANNOT = {
    "pause": "only a RECORDING recording can be paused",
    "resume": "only a PAUSED recording can be resumed",
    "stop": "it has already stopped",
}


def list_recordings(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID | None,
    statuses: Sequence[str],
    expired: bool | None,
    start_time: datetime | None,
    end_time: datetime | None,
    search: str | None,
    ascending: bool,
    offset: int,
    limit: int,
    downloads: Downloads,
) -> tuple[list[dict[str, Any]], int]:
    """`expired`: whether its files are past the 7 days they are kept."""
    now = clock.app_now(connection, app_id)
    kept_since = now - URL_LIFETIME
    rows, total = store.list_recordings(
        connection,
        app_id=app_id,
        meeting_id=meeting_id,
        statuses=statuses,
        expired_before=kept_since if expired else None,
        fresh_since=kept_since if expired is False else None,
        start_time=start_time,
        end_time=end_time,
        search=search,
        ascending=ascending,
        offset=offset,
        limit=limit,
    )
    listed = []
    for row in rows:
        values = row._mapping
        shown = _shown(connection, values, downloads, now)
        shown["meeting"] = _meeting(values)
        listed.append(shown)
    return listed, total


def _meeting(values: Record) -> dict[str, Any]:
    """The listed recording's meeting, as the meeting list shows it."""
    prefix = store.MEETING_PREFIX
    row = {
        name.removeprefix(prefix): value
        for name, value in values.items()
        if name.startswith(prefix)
    }
    return meetings.view(row, listed=True)
