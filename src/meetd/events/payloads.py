"""The webhook payloads of meeting events, field for field as RealtimeKit sends them
(`beyond-core.md` 2b): camelCase, ISO times with milliseconds and Z, no envelope."""

from __future__ import annotations

from typing import Any

from meetd.db.tables import Record
from meetd.files.service import Link
from meetd.schemas import iso_millis


def meeting(session: Record, *, app_name: str, ended: bool = False) -> dict[str, Any]:
    """The `meeting` object every meeting event carries. Its `status` is LIVE in every
    event the real service documents, `meeting.ended` included."""
    out: dict[str, Any] = {
        "id": session["meeting_id"],
        "sessionId": session["id"],
        "title": session["meeting_display_name"],
        "roomName": session["meeting_id"],
        "status": "LIVE",
        "createdAt": iso_millis(session["created_at"]),
        "startedAt": iso_millis(session["started_at"]),
    }
    if ended:
        out["endedAt"] = iso_millis(session["ended_at"])
    out["organizedBy"] = {"id": session["app_id"], "name": app_name}
    return out


def started(session: Record, *, app_name: str) -> dict[str, Any]:
    return {"event": "meeting.started", "meeting": meeting(session, app_name=app_name)}


def ended(session: Record, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.ended",
        "meeting": meeting(session, app_name=app_name, ended=True),
        "reason": session["end_reason"],
    }


def participant(peer: Record) -> dict[str, Any]:
    out: dict[str, Any] = {
        "peerId": peer["id"],
        "userDisplayName": peer["display_name"] or "",
        "customParticipantId": peer["custom_participant_id"],
        # kept for integrations written against older payloads: the same value
        "clientSpecificId": peer["custom_participant_id"],
        "joinedAt": iso_millis(peer["joined_at"]),
    }
    if peer["left_at"] is not None:
        out["leftAt"] = iso_millis(peer["left_at"])
    return out


def participant_joined(session: Record, peer: Record, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.participantJoined",
        "meeting": meeting(session, app_name=app_name),
        "participant": participant(peer),
    }


def participant_left(session: Record, peer: Record, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.participantLeft",
        "meeting": meeting(session, app_name=app_name),
        "participant": participant(peer),
    }


def chat_synced(session: Record, link: Link, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.chatSynced",
        "sessionId": session["id"],
        "meetingId": session["meeting_id"],
        "title": session["meeting_display_name"],
        "chatDownloadUrl": link.url,
        "chatDownloadUrlExpiry": link.expiry,
        "createdAt": iso_millis(session["created_at"]),
        "startedAt": iso_millis(session["started_at"]),
        "endedAt": iso_millis(session["ended_at"]),
        "organizedBy": {"id": session["app_id"], "name": app_name},
    }


def transcript(session: Record, link: Link, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.transcript",
        "meeting": meeting(session, app_name=app_name, ended=True),
        "transcriptDownloadUrl": link.url,
        "transcriptDownloadUrlExpiry": link.expiry,
    }


def summary(session: Record, link: Link, *, app_name: str) -> dict[str, Any]:
    return {
        "event": "meeting.summary",
        "meeting": meeting(session, app_name=app_name, ended=True),
        "summaryDownloadUrl": link.url,
        "summaryDownloadUrlExpiry": link.expiry,
    }


def recording_status(
    session: Record, recording: dict[str, Any], *, app_name: str
) -> dict[str, Any]:
    """`recording.statusUpdate`, of every status (CF-WH's fields; `fileSize` a string as
    there). `recording` is the recording as the API shows it."""
    out: dict[str, Any] = {
        "id": recording["id"],
        "recordingId": recording["id"],
        "status": recording["status"],
        "outputFileName": recording["output_file_name"],
        "meetingId": session["meeting_id"],
        "roomUUID": session["id"],
        "organizationId": session["app_id"],
        "invokedTime": recording["invoked_time"],
        "startedTime": recording.get("started_time"),
        "stoppedTime": recording.get("stopped_time"),
        "recordingDuration": recording.get("recording_duration", 0),
    }
    if recording.get("file_size") is not None:
        out["fileSize"] = str(recording["file_size"])
    for key, name in (
        ("download_url", "downloadUrl"),
        ("audio_download_url", "audioDownloadUrl"),
        ("download_url_expiry", "downloadUrlExpiry"),
    ):
        if recording.get(key) is not None:
            out[name] = recording[key]
    if recording.get("stop_reason") is not None:
        out["stopReason"] = recording["stop_reason"]
    if recording.get("error") is not None:
        out["error"] = recording["error"]
    return {
        "event": "recording.statusUpdate",
        "recording": out,
        "meeting": meeting(session, app_name=app_name, ended=session["ended_at"] is not None),
    }


def livestream_status(
    livestream: dict[str, Any], session: Record | None, *, app_name: str
) -> dict[str, Any]:
    """`livestreaming.statusUpdate` (CF-WH); `meeting` only for a meeting's livestream."""
    out: dict[str, Any] = {
        "event": "livestreaming.statusUpdate",
        "streamId": livestream["id"],
        "status": livestream["status"],
        "manualIngest": livestream.get("meeting_id") is None,
        "playbackUrl": livestream["playback_url"],
        "ingestServer": livestream["ingest_server"],
        "streamKey": livestream["stream_key"],
    }
    if session is not None:
        out["meeting"] = meeting(session, app_name=app_name, ended=session["ended_at"] is not None)
    return out
