"""Livestreams (contract A11): independent ones and a meeting's; their sessions; the
activity API's RTMP input. How they go is meetd.livestreams.lifecycle."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from meetd.apps.store import AppRow
from meetd.clock import clock
from meetd.db.tables import Record
from meetd.errors import Conflict, NotFound
from meetd.files.service import Downloads
from meetd.livestreams import lifecycle, store
from meetd.livestreams.schemas import InputChange, LivestreamCreate, MeetingLivestreamStart
from meetd.meetings import service as meetings
from meetd.sessions import store as sessions
from meetd.sessions.lifecycle import Moment

STOPPED = "Stopped live stream successfully"  # the reference's message


def create_livestream(
    connection: Connection, *, app: AppRow, data: LivestreamCreate, downloads: Downloads
) -> dict[str, Any]:
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    created = lifecycle.create(
        connection, moment, meeting_id=None, name=data.name, video_config=None
    )
    return lifecycle.view(created)


def start_meeting_livestream(
    connection: Connection,
    *,
    app: AppRow,
    meeting_id: uuid.UUID,
    data: MeetingLivestreamStart,
    downloads: Downloads,
) -> dict[str, Any]:
    meetings.get_meeting(connection, app_id=app.id, meeting_id=meeting_id, for_update=True)
    active = store.of_meeting(connection, meeting_id, active_only=True)
    if active:
        raise Conflict(
            f"The meeting {meeting_id} is already being livestreamed (livestream "
            f"{active[0]['id']}, {active[0]['status']}); stop it first"
        )
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    video = data.video_config.model_dump(exclude_none=True) if data.video_config else None
    created = lifecycle.create(
        connection, moment, meeting_id=meeting_id, name=data.name, video_config=video
    )
    return lifecycle.view(created)


def _get(connection: Connection, *, app_id: uuid.UUID, livestream_id: uuid.UUID) -> Record:
    found = store.get_livestream(connection, app_id=app_id, livestream_id=livestream_id)
    if found is None:
        raise NotFound(f"No livestream with id {livestream_id}")
    return found


def _active_of_meeting(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID
) -> Record:
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id)
    active = store.of_meeting(connection, meeting_id, active_only=True)
    if not active:
        raise NotFound(f"No active livestream found for the meeting {meeting_id}")
    return active[0]


def active_meeting_livestream(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID
) -> dict[str, Any]:
    return lifecycle.view(_active_of_meeting(connection, app_id=app_id, meeting_id=meeting_id))


def stop_meeting_livestream(
    connection: Connection, *, app: AppRow, meeting_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    meetings.get_meeting(connection, app_id=app.id, meeting_id=meeting_id, for_update=True)
    livestream = _active_of_meeting(connection, app_id=app.id, meeting_id=meeting_id)
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    lifecycle.go_idle(connection, moment, livestream)
    return {"message": STOPPED}


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
) -> tuple[list[dict[str, Any]], int]:
    rows, total = store.list_livestreams(
        connection,
        app_id=app_id,
        exclude_meetings=exclude_meetings,
        status=status,
        start_time=start_time,
        end_time=end_time,
        ascending=ascending,
        offset=offset,
        limit=limit,
    )
    return [lifecycle.view(row._mapping) for row in rows], total


def livestream_with_sessions(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    livestream_id: uuid.UUID,
    offset: int,
    limit: int,
) -> tuple[dict[str, Any], int]:
    """The livestream and a page of its sessions, the newest first; `session` is the newest
    (the reference's schema), `sessions` the page (its example)."""
    livestream = _get(connection, app_id=app_id, livestream_id=livestream_id)
    shown, total = _sessions(connection, app_id, offset, limit, livestream_ids=[livestream["id"]])
    out = {"livestream": lifecycle.view(livestream), "sessions": shown}
    if shown and offset == 0:
        out["session"] = shown[0]
    return out, total


def _sessions(
    connection: Connection,
    app_id: uuid.UUID,
    offset: int,
    limit: int,
    **of: Any,
) -> tuple[list[dict[str, Any]], int]:
    rows, total = store.list_sessions(connection, offset=offset, limit=limit, **of)
    now = clock.app_now(connection, app_id)
    return [lifecycle.session_view(row._mapping, now) for row in rows], total


def active_livestream_session(
    connection: Connection, *, app_id: uuid.UUID, livestream_id: uuid.UUID
) -> dict[str, Any]:
    livestream = _get(connection, app_id=app_id, livestream_id=livestream_id)
    running = store.open_session(connection, livestream_id)
    if running is None:
        raise NotFound(f"The livestream {livestream_id} is {livestream['status']}: no session")
    now = clock.app_now(connection, app_id)
    return {
        "livestream": lifecycle.view(livestream),
        "session": lifecycle.session_view(running, now),
    }


def read_livestream_session(
    connection: Connection, *, app_id: uuid.UUID, livestream_session_id: uuid.UUID
) -> dict[str, Any]:
    found = store.get_session(
        connection, app_id=app_id, livestream_session_id=livestream_session_id
    )
    if found is None:
        raise NotFound(f"No livestream session with id {livestream_session_id}")
    return lifecycle.session_view(found, clock.app_now(connection, app_id))


def meeting_livestreams(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, offset: int, limit: int
) -> tuple[dict[str, Any], int]:
    """Every livestream of the meeting (the newest as `livestream`), and a page of their
    sessions."""
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id)
    of_meeting = store.of_meeting(connection, meeting_id)
    ids = [livestream["id"] for livestream in of_meeting]
    shown, total = _sessions(connection, app_id, offset, limit, livestream_ids=ids)
    out: dict[str, Any] = {
        "livestreams": [lifecycle.view(livestream) for livestream in of_meeting],
        "sessions": shown,
    }
    if of_meeting:
        out["livestream"] = out["livestreams"][0]
    return out, total


def session_livestream_sessions(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The livestream sessions a meeting's session fed."""
    if sessions.get_session(connection, app_id=app_id, session_id=session_id) is None:
        raise NotFound(f"No session with id {session_id}")
    return _sessions(connection, app_id, offset, limit, session_id=session_id)


def change_input(
    connection: Connection, *, app: AppRow, data: InputChange, downloads: Downloads
) -> dict[str, Any]:
    """The activity API: an independent livestream's RTMP input starts or stops; viewers
    come and go on any LIVE livestream."""
    found = _get(connection, app_id=app.id, livestream_id=data.livestream_id)
    livestream: Record = store.lock_livestream(connection, found["id"])
    moment = Moment(app, downloads, clock.app_now(connection, app.id))
    if data.state is not None:
        if livestream["meeting_id"] is not None:
            raise Conflict(
                f"The livestream {livestream['id']} is its meeting's: its input is the "
                "meeting's session, not an RTMP source"
            )
        if data.state == "live" and livestream["status"] != "LIVE":
            livestream = lifecycle.go_live(connection, moment, livestream, None)
        elif data.state == "idle" and livestream["status"] == "LIVE":
            livestream = lifecycle.go_idle(connection, moment, livestream)
    if data.viewers is not None:
        if livestream["status"] != "LIVE":
            raise Conflict(
                f"The livestream {livestream['id']} is {livestream['status']}: "
                "only a LIVE livestream has viewers"
            )
        lifecycle.watch(connection, moment, livestream, data.viewers)
    running = store.open_session(connection, livestream["id"])
    out: dict[str, Any] = {"livestream": lifecycle.view(livestream)}
    if running is not None:
        out["session"] = lifecycle.session_view(running, moment.now)
    return out
