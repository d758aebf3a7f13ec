"""Sessions (contract A7): what meetings' activity left behind, read; and the commands on a
meeting's LIVE session (A9): kick, kick-all, mute, mute-all, poll."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from meetd.apps.store import AppRow
from meetd.clock import clock, to_millis
from meetd.db.tables import Record
from meetd.errors import Invalid, NotFound
from meetd.files import store as files
from meetd.files.service import Downloads, describe
from meetd.meetings import service as meetings
from meetd.participants import store as participants
from meetd.schemas import iso_millis
from meetd.sessions import documents, lifecycle, store
from meetd.sessions.schemas import ParticipantsChosen, PollCreate

NO_ACTIVE_SESSION = "No active session found for the meeting"


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 4)


def minutes_consumed(session: Record, now: datetime) -> float:
    """Its peers' minutes in it; a LIVE one's count its present peers up to `now`."""
    seconds = session["seconds_consumed"]
    if session["live_participants"]:
        present_ms = session["live_participants"] * to_millis(now) - session["live_joined_ms"]
        seconds += round(present_ms / 1000)
    return _minutes(seconds)


def view(session: Record, now: datetime) -> dict[str, Any]:
    """A session as answered."""
    out = {
        "id": session["id"],
        "associated_id": session["meeting_id"],
        "meeting_display_name": session["meeting_display_name"],
        "type": "meeting",
        "status": session["status"],
        "live_participants": session["live_participants"],
        "max_concurrent_participants": session["max_concurrent_participants"],
        "minutes_consumed": minutes_consumed(session, now),
        "organization_id": session["app_id"],
        "started_at": iso_millis(session["started_at"]),
        "created_at": iso_millis(session["created_at"]),
        "updated_at": iso_millis(session["updated_at"]),
    }
    if session["ended_at"] is not None:
        out["ended_at"] = iso_millis(session["ended_at"])
    return out


def get_session(connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID) -> Record:
    session = store.get_session(connection, app_id=app_id, session_id=session_id)
    if session is None:
        raise NotFound(f"No session with id {session_id}")
    return session


def list_sessions(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    status: str | None,
    meeting_id: uuid.UUID | None,
    start_time: datetime | None,
    end_time: datetime | None,
    search: str | None,
    sort_by: str,
    ascending: bool,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    now = clock.app_now(connection, app_id)
    rows, total = store.list_sessions(
        connection,
        app_id=app_id,
        status=status,
        meeting_id=meeting_id,
        start_time=start_time,
        end_time=end_time,
        search=search,
        sort_by=sort_by,
        ascending=ascending,
        now_ms=to_millis(now),
        offset=offset,
        limit=limit,
    )
    return [view(row._mapping, now) for row in rows], total


def read_session(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, breakout_rooms: bool
) -> dict[str, Any]:
    """The session's fields, and the same under `session`: SDK 5.9.0 reads the first, the
    current API reference documents the second (contract A7)."""
    session = view(
        get_session(connection, app_id=app_id, session_id=session_id),
        clock.app_now(connection, app_id),
    )
    if breakout_rooms:
        session["breakout_rooms"] = []
    return {**session, "session": session}


def active_session(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID
) -> dict[str, Any]:
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id)
    session = store.live_session(connection, meeting_id)
    if session is None:
        raise NotFound(NO_ACTIVE_SESSION)
    return view(session, clock.app_now(connection, app_id))


# -- the session's participants ----------------------------------------------------------


def _peer_view(peer: Record, now: datetime, events: Sequence[Record] | None) -> dict[str, Any]:
    seconds = peer["seconds"]
    if seconds is None:
        seconds = round((to_millis(now) - to_millis(peer["joined_at"])) / 1000)
    out = {
        "id": peer["id"],
        "user_id": peer["participant_id"],
        "custom_participant_id": peer["custom_participant_id"],
        "display_name": peer["display_name"],
        "preset_name": peer["preset_name"],
        "joined_at": iso_millis(peer["joined_at"]),
        "duration": _minutes(seconds),
        "created_at": iso_millis(peer["created_at"]),
        "updated_at": iso_millis(peer["updated_at"]),
    }
    if peer["left_at"] is not None:
        out["left_at"] = iso_millis(peer["left_at"])
    if events is not None:
        out["peer_events"] = [_event_view(event, peer) for event in events]
    return out


def _event_view(event: Record, peer: Record) -> dict[str, Any]:
    return {
        "id": event["id"],
        "peer_id": event["peer_id"],
        "participant_id": peer["participant_id"],
        "session_id": event["session_id"],
        "event_name": event["event_name"],
        "created_at": iso_millis(event["created_at"]),
        "updated_at": iso_millis(event["created_at"]),
    }


def _consolidated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per participant: its first join, its last leave (none while a peer of it is
    present), its minutes summed, its peers' events together."""
    by_user: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen = by_user.get(row["user_id"])
        if seen is None:
            by_user[row["user_id"]] = dict(row)
            continue
        seen["duration"] = round(seen["duration"] + row["duration"], 4)
        seen["updated_at"] = max(seen["updated_at"], row["updated_at"])
        if "left_at" not in seen or "left_at" not in row:
            seen.pop("left_at", None)
        else:
            seen["left_at"] = max(seen["left_at"], row["left_at"])
        if "peer_events" in row:
            seen["peer_events"] = seen["peer_events"] + row["peer_events"]
    return list(by_user.values())


def list_session_participants(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    session_id: uuid.UUID,
    search: str | None,
    sort_by: str,
    ascending: bool,
    consolidated: bool,
    peer_events: bool,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    """A session's peers (or, consolidated, its participants), sorted and paged. A session's
    peers are few enough to be read whole."""
    session = get_session(connection, app_id=app_id, session_id=session_id)
    now = clock.app_now(connection, app_id)
    events = _events_by_peer(connection, session["id"]) if peer_events else None
    rows = [
        _peer_view(peer, now, None if events is None else events.get(peer["id"], []))
        for peer in store.session_peers(connection, session["id"])
        if _peer_matches(peer, search)
    ]
    if consolidated:
        rows = _consolidated(rows)
    key = "joined_at" if sort_by == "joinedAt" else "duration"
    rows.sort(key=lambda row: (row[key], str(row["id"])), reverse=not ascending)
    return rows[offset : offset + limit], len(rows)


def _peer_matches(peer: Record, search: str | None) -> bool:
    if not search:
        return True
    term = search.lower()
    return (
        term in (str(peer["id"]), str(peer["participant_id"]))
        or peer["custom_participant_id"].lower() == term
        or term in (peer["display_name"] or "").lower()
    )


def _events_by_peer(connection: Connection, session_id: uuid.UUID) -> dict[Any, list[Record]]:
    events: dict[Any, list[Record]] = {}
    for event in store.session_peer_events(connection, session_id):
        events.setdefault(event["peer_id"], []).append(event)
    return events


def _peer_of_session(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, peer_id: uuid.UUID
) -> Record:
    get_session(connection, app_id=app_id, session_id=session_id)
    peer = store.get_peer(connection, peer_id)
    if peer is None or peer["session_id"] != session_id:
        raise NotFound(f"No participant (peer) with id {peer_id} in this session")
    return peer


def read_session_participant(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    session_id: uuid.UUID,
    peer_id: uuid.UUID,
    peer_events: bool,
) -> dict[str, Any]:
    peer = _peer_of_session(connection, app_id=app_id, session_id=session_id, peer_id=peer_id)
    events = _events_by_peer(connection, session_id).get(peer_id, []) if peer_events else None
    return {"participant": _peer_view(peer, clock.app_now(connection, app_id), events)}


# What a join's `metadata` carries, by the peer report section it belongs in.
_REPORT_SECTIONS = {
    "browser_metadata": ("browser", "browser_version", "engine", "user_agent", "webgl_support"),
    "device_info": ("cpus", "is_mobile", "os", "os_version"),
    "ip_information": ("city", "country", "ipv4", "org", "region", "timezone"),
}


def read_peer_report(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    peer_id: uuid.UUID,
    peer_events: bool,
    filters: Sequence[str],
) -> dict[str, Any]:
    """A peer's record with the metadata its join carried (contract A7); `filters` keeps
    only the sections named."""
    peer = store.get_peer_of_app(connection, app_id=app_id, peer_id=peer_id)
    if peer is None:
        raise NotFound(f"No peer with id {peer_id}")
    events = (
        _events_by_peer(connection, peer["session_id"]).get(peer_id, []) if peer_events else None
    )
    metadata: dict[str, Any] = {}
    given = dict(peer["metadata"])
    for section, keys in _REPORT_SECTIONS.items():
        found = {key: given.pop(key) for key in keys if key in given}
        if found:
            metadata[section] = found
    metadata.update(given)
    if filters:
        metadata = {key: value for key, value in metadata.items() if key in filters}
    view_ = _peer_view(peer, clock.app_now(connection, app_id), events)
    report = {"metadata": metadata, "quality": {}}
    return {
        "participant": {
            **view_,
            "role": peer["preset_name"],
            "session_id": peer["session_id"],
            "peer_report": report,
        }
    }


# -- the session's files -----------------------------------------------------------------


def _ended_session_file(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, name: str, what: str
) -> Record:
    session = get_session(connection, app_id=app_id, session_id=session_id)
    if session["status"] != "ENDED":
        raise NotFound(
            f"No {what} for session {session_id}: it is still LIVE; it is made when it ends"
        )
    if name not in files.file_names(connection, session_id):
        raise NotFound(f"No {what} for session {session_id}")
    return session


def chat_link(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    _ended_session_file(
        connection,
        app_id=app_id,
        session_id=session_id,
        name="chat.csv",
        what="chat (nobody chatted)",
    )
    link = downloads.link(
        app_id=app_id, folder_id=session_id, name="chat.csv", now=clock.app_now(connection, app_id)
    )
    return describe(link, "chat_download_url", "chat_download_url_expiry")


def transcript_link(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    session_id: uuid.UUID,
    format: str,
    downloads: Downloads,
) -> dict[str, Any]:
    name = documents.transcript_name(format)
    what = (
        "transcript (the meeting has neither transcribe_on_end nor summarize_on_end, "
        "or nobody spoke)"
    )
    _ended_session_file(connection, app_id=app_id, session_id=session_id, name=name, what=what)
    link = downloads.link(
        app_id=app_id, folder_id=session_id, name=name, now=clock.app_now(connection, app_id)
    )
    return {
        "sessionId": session_id,
        **describe(link, "transcript_download_url", "transcript_download_url_expiry"),
    }


def _summary_name(connection: Connection, session_id: uuid.UUID) -> str | None:
    names = files.file_names(connection, session_id)
    return next((name for name, _ in documents.SUMMARY_FORMATS.values() if name in names), None)


def summary_link(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    get_session(connection, app_id=app_id, session_id=session_id)
    name = _summary_name(connection, session_id)
    if name is None:
        raise NotFound(
            f"No summary for session {session_id}: the meeting has no summarize_on_end, "
            "and none was asked for (POST .../summary)"
        )
    link = downloads.link(
        app_id=app_id, folder_id=session_id, name=name, now=clock.app_now(connection, app_id)
    )
    return {
        "sessionId": session_id,
        **describe(link, "summaryDownloadUrl", "summaryDownloadUrlExpiry"),
    }


def generate_summary(
    connection: Connection, *, app: AppRow, session_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    """A summary of the session's transcript; one that exists already stays as it is."""
    session = get_session(connection, app_id=app.id, session_id=session_id)
    meeting = meetings.get_meeting(
        connection, app_id=app.id, meeting_id=session["meeting_id"], for_update=True
    )
    if _summary_name(connection, session_id) is None:
        _ended_session_file(
            connection,
            app_id=app.id,
            session_id=session_id,
            name=documents.transcript_name("CSV"),
            what="transcript to summarize",
        )
        moment = lifecycle.Moment(app, downloads, clock.app_now(connection, app.id))
        lifecycle.summarize(connection, moment, meeting=meeting, session=session)
    return {"session_id": session_id, "status": "COMPLETED"}


# -- the active session ------------------------------------------------------------------


def _live(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID
) -> tuple[Record, Record]:
    meeting = meetings.get_meeting(
        connection, app_id=app_id, meeting_id=meeting_id, for_update=True
    )
    session = store.live_session(connection, meeting_id)
    if session is None:
        raise NotFound(NO_ACTIVE_SESSION)
    return meeting, session


def _chosen(
    connection: Connection,
    *,
    meeting_id: uuid.UUID,
    session_id: uuid.UUID,
    data: ParticipantsChosen,
) -> tuple[list[Record], list[Record]]:
    """The participants a kick or mute names, each of the meeting and present in its
    session, and their present peers. Any other id is refused, and nothing changes."""
    if not data.participant_ids and not data.custom_participant_ids:
        raise Invalid(
            "participant_ids",
            "give participant_ids, custom_participant_ids, or both, with at least one id",
        )
    chosen: dict[Any, Record] = {}
    for index, participant_id in enumerate(data.participant_ids or ()):
        row = participants.get_participant(
            connection, meeting_id=meeting_id, participant_id=participant_id
        )
        if row is None:
            raise NotFound(
                f"Participant not found: participant_ids[{index}] is no participant of this meeting"
            )
        chosen[row["id"]] = row
    for index, custom_id in enumerate(data.custom_participant_ids or ()):
        row = participants.find_by_custom_id(
            connection, meeting_id=meeting_id, custom_participant_id=custom_id
        )
        if row is None:
            raise NotFound(
                f"Participant not found: custom_participant_ids[{index}] "
                "is no participant of this meeting"
            )
        chosen[row["id"]] = row
    peers = store.live_peers_of(connection, session_id, list(chosen))
    present = {peer["participant_id"] for peer in peers}
    absent = [str(key) for key in chosen if key not in present]
    if absent:
        raise NotFound(
            f"Participant not found: {', '.join(absent)} is not in the meeting's active session"
        )
    return list(chosen.values()), list(peers)


def _acted(action: str, chosen: list[Record]) -> dict[str, Any]:
    listed = []
    for row in chosen:
        item: dict[str, Any] = {"id": row["id"]}
        if row["name"] is not None:
            item["name"] = row["name"]
        if row["picture"] is not None:
            item["picture"] = row["picture"]
        item["created_at"] = iso_millis(row["created_at"])
        item["updated_at"] = iso_millis(row["updated_at"])
        listed.append(item)
    return {"action": action, "participants": listed}


def kick(
    connection: Connection,
    *,
    app: AppRow,
    meeting_id: uuid.UUID,
    data: ParticipantsChosen,
    downloads: Downloads,
) -> dict[str, Any]:
    """Every present peer of the participants leaves. Their tokens stay valid (a delete
    revokes them)."""
    meeting, session = _live(connection, app_id=app.id, meeting_id=meeting_id)
    chosen, peers = _chosen(connection, meeting_id=meeting_id, session_id=session["id"], data=data)
    moment = lifecycle.Moment(app, downloads, clock.app_now(connection, app.id))
    lifecycle.leave(connection, moment, meeting=meeting, session=session, leaving=peers)
    return _acted("kick", chosen)


def kick_all(
    connection: Connection, *, app: AppRow, meeting_id: uuid.UUID, downloads: Downloads
) -> dict[str, Any]:
    """Everyone leaves, and the session ends at once, with no keep-alive."""
    meeting, session = _live(connection, app_id=app.id, meeting_id=meeting_id)
    count = session["live_participants"]
    moment = lifecycle.Moment(app, downloads, clock.app_now(connection, app.id))
    lifecycle.end(connection, moment, meeting=meeting, session=session, reason="HOST_ENDED_MEETING")
    return {"action": "kick_all", "kicked_participants_count": count}


def _mute(connection: Connection, app_id: uuid.UUID, peers: Sequence[Record]) -> None:
    now = clock.app_now(connection, app_id)
    for peer in peers:
        store.update_peer(connection, peer["id"], {"muted": True, "updated_at": now})
    store.insert_peer_events(
        connection, [lifecycle.peer_event(peer, "AUDIO_MUTED", now) for peer in peers]
    )


def mute(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, data: ParticipantsChosen
) -> dict[str, Any]:
    _, session = _live(connection, app_id=app_id, meeting_id=meeting_id)
    chosen, peers = _chosen(connection, meeting_id=meeting_id, session_id=session["id"], data=data)
    _mute(connection, app_id, peers)
    return _acted("mute", chosen)


def mute_all(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, allow_unmute: bool
) -> dict[str, Any]:
    _, session = _live(connection, app_id=app_id, meeting_id=meeting_id)
    peers = store.session_peers(connection, session["id"], live_only=True)
    _mute(connection, app_id, peers)
    return {"action": "mute_all", "muted_participants_count": len(peers)}


def create_poll(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, data: PollCreate
) -> dict[str, Any]:
    _, session = _live(connection, app_id=app_id, meeting_id=meeting_id)
    poll = {
        "id": uuid.uuid4(),
        "session_id": session["id"],
        "question": data.question,
        "options": data.options,
        "anonymous": data.anonymous,
        "hide_votes": data.hide_votes,
        "created_at": clock.app_now(connection, app_id),
    }
    store.insert_poll(connection, poll)
    return {
        "action": "create_poll",
        "poll": {
            "id": poll["id"],
            "question": data.question,
            "options": [{"text": text, "count": 0, "votes": []} for text in data.options],
            "anonymous": data.anonymous,
            "hide_votes": data.hide_votes,
            # Made through the API, not by a peer in the meeting.
            "created_by": "api",
            "voted": [],
        },
    }
