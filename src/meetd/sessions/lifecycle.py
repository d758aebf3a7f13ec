"""How sessions happen (contract A7): a join starts the meeting's session or continues it,
the last leave starts its keep-alive, and the keep-alive's end (a timer) or a kick-all ends
it, leaving its files. Each change writes its events in the same transaction (A10). A
session's start and end start and stop its recordings and livestreams (A11).

Every function here runs in a unit of work that holds the meeting's row lock
(meetings.service.get_meeting(for_update=True)), so the changes to one meeting's session
apply one after the other, and its counts add up, on every database and across processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from meetd.apps.store import AppRow
from meetd.clock import from_millis, to_millis
from meetd.crypto import SecretBox
from meetd.db.tables import Record
from meetd.events import payloads
from meetd.events.store import record_event
from meetd.files import store as files
from meetd.files.service import Downloads, Link
from meetd.livestreams import lifecycle as livestreams
from meetd.recordings import lifecycle as recordings
from meetd.sessions import documents, store
from meetd.timers import store as timers

SESSION_END = "session.end"  # the timer kind of a keep-alive's end


@dataclass(frozen=True, slots=True)
class Moment:
    """What a change to a session needs besides the connection: the app (its events name
    it), the signer of the URLs its events carry, and the app's time of the change; and,
    where a recording's files are made (a timer), the box its storage credentials open with."""

    app: AppRow
    downloads: Downloads
    now: datetime
    box: SecretBox | None = None

    def at(self, now: datetime) -> Moment:
        return Moment(self.app, self.downloads, now, self.box)

    def link(self, session_id: uuid.UUID, name: str) -> Link:
        return self.downloads.link(
            app_id=self.app.id, folder_id=session_id, name=name, now=self.now
        )


def _event(
    connection: Connection, moment: Moment, session: Record, payload: dict[str, Any]
) -> None:
    record_event(
        connection,
        app_id=moment.app.id,
        meeting_id=session["meeting_id"],
        payload=payload,
        at=moment.now,
    )


def join(
    connection: Connection,
    moment: Moment,
    *,
    meeting: Record,
    participant: Record,
    metadata: dict[str, str],
) -> tuple[Record, Record]:
    """A new peer of the participant in the meeting's LIVE session, started if need be."""
    now_ms = to_millis(moment.now)
    session = _session_to_join(connection, moment, meeting)
    live = session["live_participants"] + 1
    values = {
        "live_participants": live,
        "max_concurrent_participants": max(live, session["max_concurrent_participants"]),
        "live_joined_ms": session["live_joined_ms"] + now_ms,
        "ends_at_ms": None,  # a join within the keep-alive continues the session
        "updated_at": moment.now,
    }
    store.update_session(connection, session["id"], values)
    session = {**session, **values}
    peer = {
        "id": uuid.uuid4(),
        "session_id": session["id"],
        "participant_id": participant["id"],
        "custom_participant_id": participant["custom_participant_id"],
        "display_name": participant["name"],
        "picture": participant["picture"],
        "preset_name": participant["preset_name"],
        "joined_at": moment.now,
        "left_at": None,
        "seconds": None,
        "muted": False,
        "metadata": metadata,
        "created_at": moment.now,
        "updated_at": moment.now,
    }
    store.insert_peer(connection, peer)
    store.insert_peer_events(connection, [peer_event(peer, "PEER_JOINING", moment.now)])
    _event(
        connection,
        moment,
        session,
        payloads.participant_joined(session, peer, app_name=moment.app.name),
    )
    return session, peer


def _session_to_join(connection: Connection, moment: Moment, meeting: Record) -> Record:
    """The meeting's LIVE session; a new one if there is none, or if its keep-alive ran out
    before its timer ran (it ended then)."""
    session = store.live_session(connection, meeting["id"])
    if session is None:
        return _start(connection, moment, meeting)
    ends_at_ms = session["ends_at_ms"]
    if ends_at_ms is not None and ends_at_ms <= to_millis(moment.now):
        end_when_due(connection, moment, session=session, meeting=meeting)
        return _start(connection, moment, meeting)
    return session


def _start(connection: Connection, moment: Moment, meeting: Record) -> Record:
    session = {
        "id": uuid.uuid4(),
        "app_id": meeting["app_id"],
        "meeting_id": meeting["id"],
        "meeting_display_name": meeting["title"] or "",
        "status": "LIVE",
        "live_participants": 0,
        "max_concurrent_participants": 0,
        "seconds_consumed": 0,
        "live_joined_ms": 0,
        "started_at": moment.now,
        "ended_at": None,
        "end_reason": None,
        "ends_at_ms": None,
        "created_at": moment.now,
        "updated_at": moment.now,
    }
    store.insert_session(connection, session)
    _event(connection, moment, session, payloads.started(session, app_name=moment.app.name))
    recordings.on_session_start(connection, moment, meeting, session)
    livestreams.on_session_start(connection, moment, meeting, session)
    return session


def leave(
    connection: Connection,
    moment: Moment,
    *,
    meeting: Record,
    session: Record,
    leaving: Sequence[Record],
) -> Record:
    """The peers leave; when the last has left, the keep-alive starts: the session ends
    after the meeting's session_keep_alive_time_in_secs unless someone joins first."""
    session = _depart(connection, moment, session, leaving)
    if session["live_participants"] == 0:
        keep_alive_ms = round(meeting["session_keep_alive_time_in_secs"] * 1000)
        ends_at_ms = to_millis(moment.now) + keep_alive_ms
        store.update_session(connection, session["id"], {"ends_at_ms": ends_at_ms})
        session = {**session, "ends_at_ms": ends_at_ms}
        timers.schedule(
            connection,
            app_id=moment.app.id,
            kind=SESSION_END,
            subject_id=session["id"],
            due_ms=ends_at_ms,
        )
    return session


def _depart(
    connection: Connection, moment: Moment, session: Record, leaving: Sequence[Record]
) -> Record:
    now_ms = to_millis(moment.now)
    joined_ms = [to_millis(peer["joined_at"]) for peer in leaving]
    seconds = [round((now_ms - joined) / 1000) for joined in joined_ms]
    left = []
    for peer, peer_seconds in zip(leaving, seconds, strict=True):
        values = {"left_at": moment.now, "seconds": peer_seconds, "updated_at": moment.now}
        store.update_peer(connection, peer["id"], values)
        left.append({**peer, **values})
    store.insert_peer_events(
        connection, [peer_event(peer, "PEER_LEAVING", moment.now) for peer in left]
    )
    values = {
        "live_participants": session["live_participants"] - len(leaving),
        "seconds_consumed": session["seconds_consumed"] + sum(seconds),
        "live_joined_ms": session["live_joined_ms"] - sum(joined_ms),
        "updated_at": moment.now,
    }
    store.update_session(connection, session["id"], values)
    session = {**session, **values}
    for peer in left:
        _event(
            connection,
            moment,
            session,
            payloads.participant_left(session, peer, app_name=moment.app.name),
        )
    return session


def end(
    connection: Connection, moment: Moment, *, meeting: Record, session: Record, reason: str
) -> Record:
    """The session ends now: whoever is still in it leaves, and its files are made."""
    present = store.session_peers(connection, session["id"], live_only=True)
    if present:
        session = _depart(connection, moment, session, present)
    values = {
        "status": "ENDED",
        "ended_at": moment.now,
        "end_reason": reason,
        "ends_at_ms": None,
        "updated_at": moment.now,
    }
    store.update_session(connection, session["id"], values)
    session = {**session, **values}
    _event(connection, moment, session, payloads.ended(session, app_name=moment.app.name))
    recordings.on_session_end(connection, moment, session)
    livestreams.on_session_end(connection, moment, session)
    _leave_files(connection, moment, meeting, session)
    return session


def _leave_files(connection: Connection, moment: Moment, meeting: Record, session: Record) -> None:
    """The chat, transcript and summary, as the meeting asks for them, each announced."""
    peers = {peer["id"]: peer for peer in store.session_peers(connection, session["id"])}
    messages = store.chat_of(connection, session["id"])
    made: list[documents.Document] = []
    name = moment.app.name
    if messages:
        made.append(documents.chat_csv(session, messages, peers))
    said = store.utterances_of(connection, session["id"])
    transcribed = bool(said) and (meeting["transcribe_on_end"] or meeting["summarize_on_end"])
    if transcribed:
        made.extend(documents.transcripts(session, said, peers))
    summary = None
    if transcribed and meeting["summarize_on_end"]:
        summary = documents.summary(session, said, peers, meeting["ai_config"])
        made.append(summary)
    files.insert_files(connection, [document.row(session["id"]) for document in made])
    if messages:
        _event(
            connection,
            moment,
            session,
            payloads.chat_synced(session, moment.link(session["id"], "chat.csv"), app_name=name),
        )
    if transcribed:
        link = moment.link(session["id"], documents.transcript_name("CSV"))
        _event(connection, moment, session, payloads.transcript(session, link, app_name=name))
    if summary is not None:
        link = moment.link(session["id"], summary.name)
        _event(connection, moment, session, payloads.summary(session, link, app_name=name))


def summarize(connection: Connection, moment: Moment, *, meeting: Record, session: Record) -> None:
    """A summary of an ended session's transcript, made now (POST .../summary)."""
    peers = {peer["id"]: peer for peer in store.session_peers(connection, session["id"])}
    said = store.utterances_of(connection, session["id"])
    summary = documents.summary(session, said, peers, meeting["ai_config"])
    files.insert_files(connection, [summary.row(session["id"])])
    link = moment.link(session["id"], summary.name)
    _event(connection, moment, session, payloads.summary(session, link, app_name=moment.app.name))


def end_when_due(
    connection: Connection, moment: Moment, *, session: Record, meeting: Record
) -> None:
    """A keep-alive timer: the session ends if it is still empty and its end is due; a join
    since then has made the timer moot. The session ends at the keep-alive's end, however
    late the timer runs (a clock advance runs it after the fact)."""
    due = session["ends_at_ms"]
    if session["status"] != "LIVE" or session["live_participants"] or due is None:
        return
    if due > to_millis(moment.now):
        return
    end(
        connection,
        moment.at(from_millis(due)),
        meeting=meeting,
        session=session,
        reason="ALL_PARTICIPANTS_LEFT",
    )


def peer_event(peer: Record, name: str, at: datetime) -> dict[str, Any]:
    """A row of a peer's events (PEER_JOINING, PEER_LEAVING, AUDIO_MUTED)."""
    return {
        "id": uuid.uuid4(),
        "session_id": peer["session_id"],
        "peer_id": peer["id"],
        "event_name": name,
        "created_at": at,
    }
