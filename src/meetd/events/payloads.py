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
