"""How a livestream goes (contract A11), on the app clock:

    INVOKED --its input starts--> LIVE --its input stops--> IDLE

A meeting's livestream takes its input from the meeting's session: it goes LIVE 2 s after
its start while the session runs (or when the next session starts), and IDLE when stopped
or when the session ends. An independent livestream's input is an RTMP source, which the
activity API starts and stops (POST .../simulate/livestream). Each time it is LIVE is a
livestream session that counts its ingest seconds and its viewer seconds. Each change
writes a `livestreaming.statusUpdate` event in its transaction; every function here runs
under the row lock of the livestream's meeting, or of the livestream itself.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from meetd.clock import to_millis
from meetd.db.tables import Record
from meetd.events import payloads
from meetd.events.store import record_event
from meetd.livestreams import store
from meetd.schemas import iso_millis
from meetd.sessions import store as sessions
from meetd.timers import store as timers

if TYPE_CHECKING:
    from meetd.sessions.lifecycle import Moment

BEGIN = "livestream.begin"
BEGIN_DELAY_MS = 2_000
# meetd has no media plane: these name no real server (.invalid never resolves, RFC 2606).
INGEST_SERVER = "rtmps://live.meetd.invalid:443/live/"
PLAYBACK_URL = "https://stream.meetd.invalid/{key}/manifest/video.m3u8"


def create(
    connection: Connection,
    moment: Moment,
    *,
    meeting_id: uuid.UUID | None,
    name: str | None,
    video_config: dict[str, Any] | None,
) -> dict[str, Any]:
    """A new livestream, INVOKED: a meeting's goes LIVE in BEGIN_DELAY_MS if its session
    runs; an independent one when its input starts."""
    livestream_id = uuid.uuid4()
    livestream: dict[str, Any] = {
        "id": livestream_id,
        "app_id": moment.app.id,
        "meeting_id": meeting_id,
        "name": name,
        "stream_key": secrets.token_hex(32),
        "status": "INVOKED",
        "disabled": False,
        "video_config": video_config,
        "created_at": moment.now,
        "updated_at": moment.now,
    }
    store.insert_livestream(connection, livestream)
    _announce(connection, moment, livestream, None)
    if meeting_id is not None:
        due_ms = to_millis(moment.now) + BEGIN_DELAY_MS
        timers.schedule(
            connection, app_id=moment.app.id, kind=BEGIN, subject_id=livestream_id, due_ms=due_ms
        )
    return livestream


def begin(connection: Connection, moment: Moment, livestream: Record) -> None:
    """A BEGIN timer: a meeting's livestream goes LIVE if the meeting's session runs."""
    if livestream["status"] != "INVOKED" or livestream["meeting_id"] is None:
        return
    session = sessions.live_session(connection, livestream["meeting_id"])
    if session is not None:
        go_live(connection, moment, livestream, session)


def go_live(
    connection: Connection, moment: Moment, livestream: Record, session: Record | None
) -> Record:
    millis = to_millis(moment.now)
    store.insert_session(
        connection,
        {
            "id": uuid.uuid4(),
            "app_id": livestream["app_id"],
            "livestream_id": livestream["id"],
            "session_id": session["id"] if session is not None else None,
            "invoked_time": livestream["created_at"] if session is not None else None,
            "started_time": moment.now,
            "stopped_time": None,
            "viewers": 0,
            "viewer_ms": 0,
            "viewers_since_ms": millis,
            "err_message": None,
            "created_at": moment.now,
            "updated_at": moment.now,
        },
    )
    return _change(connection, moment, livestream, "LIVE", session)


def go_idle(
    connection: Connection, moment: Moment, livestream: Record, session: Record | None = None
) -> Record:
    """Its input stops: the session under way (if any) ends, counted until now."""
    running = store.open_session(connection, livestream["id"])
    if running is not None:
        values = {
            "stopped_time": moment.now,
            "viewer_ms": viewer_ms(running, moment.now),
            "viewers": 0,
            "viewers_since_ms": to_millis(moment.now),
            "updated_at": moment.now,
        }
        store.update_session(connection, running["id"], values)
    return _change(connection, moment, livestream, "IDLE", session)


def watch(connection: Connection, moment: Moment, livestream: Record, viewers: int) -> None:
    """From now, `viewers` watch the LIVE livestream."""
    running = store.open_session(connection, livestream["id"])
    if running is not None:
        values = {
            "viewer_ms": viewer_ms(running, moment.now),
            "viewers": viewers,
            "viewers_since_ms": to_millis(moment.now),
            "updated_at": moment.now,
        }
        store.update_session(connection, running["id"], values)


def viewer_ms(running: Record, now: datetime) -> int:
    since = int(running["viewers_since_ms"])
    end = to_millis(running["stopped_time"] or now)
    return int(running["viewer_ms"]) + int(running["viewers"]) * max(0, end - since)


def on_session_start(
    connection: Connection, moment: Moment, meeting: Record, session: Record
) -> None:
    """The meeting's livestreams waiting for a session go LIVE; `live_stream_on_start`
    starts one (when none is under way)."""
    waiting = store.of_meeting(connection, meeting["id"], active_only=True)
    for livestream in waiting:
        if livestream["status"] == "INVOKED" and _begun(livestream, moment):
            go_live(connection, moment, livestream, session)
    if meeting["live_stream_on_start"] and not waiting:
        create(connection, moment, meeting_id=meeting["id"], name=None, video_config=None)


def _begun(livestream: Record, moment: Moment) -> bool:
    """Whether its start delay is over (else its BEGIN timer takes it LIVE)."""
    return to_millis(livestream["created_at"]) + BEGIN_DELAY_MS <= to_millis(moment.now)


def on_session_end(connection: Connection, moment: Moment, session: Record) -> None:
    """The meeting's livestreams stop with its session."""
    for livestream in store.of_meeting(connection, session["meeting_id"], active_only=True):
        go_idle(connection, moment, livestream, session)


def _change(
    connection: Connection,
    moment: Moment,
    livestream: Record,
    status: str,
    session: Record | None,
) -> Record:
    values = {"status": status, "updated_at": moment.now}
    store.update_livestream(connection, livestream["id"], values)
    livestream = {**livestream, **values}
    _announce(connection, moment, livestream, session)
    return livestream


def _announce(
    connection: Connection, moment: Moment, livestream: Record, session: Record | None
) -> None:
    if session is None and livestream["meeting_id"] is not None:
        session = sessions.live_session(connection, livestream["meeting_id"])
    record_event(
        connection,
        app_id=moment.app.id,
        meeting_id=livestream["meeting_id"],
        payload=payloads.livestream_status(view(livestream), session, app_name=moment.app.name),
        at=moment.now,
    )


def view(livestream: Record) -> dict[str, Any]:
    """The livestream as the API shows it; a field with no value is left out."""
    out: dict[str, Any] = {
        "id": livestream["id"],
        "ingest_server": INGEST_SERVER,
        "stream_key": livestream["stream_key"],
        "playback_url": PLAYBACK_URL.format(key=livestream["id"].hex),
        "status": livestream["status"],
        "disabled": livestream["disabled"],
        "created_at": iso_millis(livestream["created_at"]),
        "updated_at": iso_millis(livestream["updated_at"]),
    }
    if livestream["name"] is not None:
        out["name"] = livestream["name"]
    if livestream["meeting_id"] is not None:
        out["meeting_id"] = livestream["meeting_id"]
    return out


def session_view(running: Record, now: datetime) -> dict[str, Any]:
    """A livestream session, its seconds counted until it stopped, or until `now`."""
    end = to_millis(running["stopped_time"] or now)
    out: dict[str, Any] = {
        "id": running["id"],
        "livestream_id": running["livestream_id"],
        "started_time": iso_millis(running["started_time"]),
        "ingest_seconds": max(0, end - to_millis(running["started_time"])) // 1000,
        "viewer_seconds": viewer_ms(running, now) // 1000,
        "created_at": iso_millis(running["created_at"]),
        "updated_at": iso_millis(running["updated_at"]),
    }
    for name in ("session_id", "err_message"):
        if running[name] is not None:
            out[name] = running[name]
    for name in ("invoked_time", "stopped_time"):
        if running[name] is not None:
            out[name] = iso_millis(running[name])
    return out
