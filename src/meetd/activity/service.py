"""The activity API (contract A8): the door through which sessions happen (join, leave,
chat, speak), and the app clock (read, advance)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Connection

from meetd.activity.schemas import Join
from meetd.apps import store as app_store
from meetd.apps.store import AppRow
from meetd.clock import clock, to_millis
from meetd.crypto import SecretBox
from meetd.db.tables import Record
from meetd.errors import Conflict, Forbidden, Invalid, NotFound
from meetd.files.service import Downloads
from meetd.keys import SigningKeys
from meetd.meetings import service as meetings
from meetd.participants import store as participants
from meetd.participants import tokens
from meetd.schemas import iso_millis
from meetd.sessions import lifecycle
from meetd.sessions import store as sessions
from meetd.timers import service as timers

JOIN_REFUSED = 403  # the error code of a refused join: the API token was fine (A8)
WORDS_PER_MINUTE = 150  # a speaker's pace, when a speech gives no duration


def join(
    connection: Connection,
    *,
    app: AppRow,
    meeting_id: uuid.UUID,
    data: Join,
    keys: SigningKeys,
    downloads: Downloads,
) -> dict[str, Any]:
    meeting = meetings.get_meeting(
        connection, app_id=app.id, meeting_id=meeting_id, for_update=True
    )
    participant = _joining(connection, app_id=app.id, meeting_id=meeting_id, data=data, keys=keys)
    if meeting["status"] == "INACTIVE":
        raise Forbidden("The meeting is INACTIVE: nobody can join it", code=JOIN_REFUSED)
    moment = lifecycle.Moment(app, downloads, clock.app_now(connection, app.id))
    session, peer = lifecycle.join(
        connection, moment, meeting=meeting, participant=participant, metadata=data.metadata
    )
    return {
        "peer_id": peer["id"],
        "session_id": session["id"],
        "participant_id": participant["id"],
        "custom_participant_id": participant["custom_participant_id"],
        "joined_at": iso_millis(peer["joined_at"]),
    }


def _joining(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: Join,
    keys: SigningKeys,
) -> Record:
    """The participant a join names: by token (checked as tokens/verify checks it), by id,
    or by custom id; exactly one of them."""
    given = [
        name
        for name in ("token", "participant_id", "custom_participant_id")
        if getattr(data, name) is not None
    ]
    if len(given) != 1:
        raise Invalid(
            given[1] if len(given) > 1 else "participant_id",
            "give exactly one of token, participant_id or custom_participant_id",
        )
    if data.token is not None:
        verdict = tokens.verify_token(connection, token=data.token, keys=keys, app_id=app_id)
        if not verdict.valid or verdict.participant is None:
            raise Forbidden(
                f"The token is refused ({verdict.reason}): {verdict.message}", code=JOIN_REFUSED
            )
        if verdict.participant["meeting_id"] != meeting_id:
            raise Forbidden(
                "The token is refused (wrong_meeting): it is for another meeting", code=JOIN_REFUSED
            )
        return verdict.participant
    if data.participant_id is not None:
        row = participants.get_participant(
            connection, meeting_id=meeting_id, participant_id=data.participant_id
        )
        if row is None:
            raise NotFound(f"participant_id: no participant {data.participant_id} in this meeting")
        return row
    assert data.custom_participant_id is not None
    row = participants.get_by_custom_id(
        connection, meeting_id=meeting_id, custom_participant_id=data.custom_participant_id
    )
    if row is None:
        raise NotFound("custom_participant_id: no participant of this meeting has it")
    return row


def _peer(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, peer_id: uuid.UUID
) -> tuple[Record, Record, Record]:
    """The meeting (locked), the peer, and its session; a peer of another meeting is unknown."""
    meeting = meetings.get_meeting(
        connection, app_id=app_id, meeting_id=meeting_id, for_update=True
    )
    peer = sessions.get_peer(connection, peer_id)
    session = None if peer is None else sessions.find_session(connection, peer["session_id"])
    if peer is None or session is None or session["meeting_id"] != meeting_id:
        raise NotFound(f"peer_id: no peer {peer_id} in this meeting")
    return meeting, peer, session


def leave(
    connection: Connection,
    *,
    app: AppRow,
    meeting_id: uuid.UUID,
    peer_id: uuid.UUID,
    downloads: Downloads,
) -> dict[str, Any]:
    meeting, peer, session = _peer(
        connection, app_id=app.id, meeting_id=meeting_id, peer_id=peer_id
    )
    if peer["left_at"] is not None:
        raise NotFound(f"peer_id: the peer {peer_id} has already left")
    moment = lifecycle.Moment(app, downloads, clock.app_now(connection, app.id))
    lifecycle.leave(connection, moment, meeting=meeting, session=session, leaving=[peer])
    return {"peer_id": peer_id, "session_id": session["id"], "left_at": iso_millis(moment.now)}


def _present(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, peer_id: uuid.UUID
) -> Record:
    _, peer, session = _peer(connection, app_id=app_id, meeting_id=meeting_id, peer_id=peer_id)
    if peer["left_at"] is not None or session["status"] != "LIVE":
        raise Conflict(f"peer_id: the peer {peer_id} is not in the meeting's LIVE session")
    return peer


def chat(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    peer_id: uuid.UUID,
    message: str,
) -> dict[str, Any]:
    peer = _present(connection, app_id=app_id, meeting_id=meeting_id, peer_id=peer_id)
    now = clock.app_now(connection, app_id)
    row = {
        "id": uuid.uuid4(),
        "session_id": peer["session_id"],
        "peer_id": peer_id,
        "message": message,
        "created_at": now,
    }
    sessions.insert_chat_message(connection, row)
    return {
        "id": row["id"],
        "peer_id": peer_id,
        "session_id": peer["session_id"],
        "created_at": iso_millis(now),
    }


def speak(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    peer_id: uuid.UUID,
    text: str,
    duration_ms: int | None,
) -> dict[str, Any]:
    """What the peer says, from now, for `duration_ms` (by default, as long as saying its
    words at WORDS_PER_MINUTE takes)."""
    peer = _present(connection, app_id=app_id, meeting_id=meeting_id, peer_id=peer_id)
    now = clock.app_now(connection, app_id)
    if duration_ms is None:
        duration_ms = max(1, len(text.split())) * 60_000 // WORDS_PER_MINUTE
    values = {
        "session_id": peer["session_id"],
        "peer_id": peer_id,
        "text": text,
        "started_at": now,
        "duration_ms": duration_ms,
    }
    sessions.insert_utterance(connection, values)
    return {
        "peer_id": peer_id,
        "session_id": peer["session_id"],
        "started_at": iso_millis(now),
        "duration_ms": duration_ms,
    }


# -- the app clock ------------------------------------------------------------------------


def read_clock(connection: Connection, *, app_id: uuid.UUID) -> dict[str, Any]:
    offset = clock.app_offset_millis(connection, app_id)
    return {"now": iso_millis(clock.app_now(connection, app_id)), "offset_seconds": offset / 1000}


def advance_clock(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    seconds: float,
    downloads: Downloads,
    box: SecretBox,
) -> dict[str, Any]:
    """The app's clock moves forward; every timer it passes runs, in order, before the
    answer, so the next request sees their effects."""
    by_ms = round(seconds * 1000)
    app_store.advance_clock(connection, app_id=app_id, by_ms=by_ms)
    now = clock.app_now(connection, app_id)
    ran = timers.run_until(
        connection, app_id=app_id, until_ms=to_millis(now), downloads=downloads, box=box
    )
    return {**read_clock(connection, app_id=app_id), "timers_run": ran}
