"""The events sessions write (contract A10): one row per event, in the transaction of the
change, its body the exact JSON bytes of RealtimeKit's webhook payload (`beyond-core.md` 2b);
none for a change that failed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from meetd.deployment import Deployment
from tests.sessions.support import (
    PUBLIC_URL,
    URL_LIFETIME,
    Activity,
    Ended,
    event_types,
    events,
    path_of,
)
from tests.support import at, later

WHOLE_MEETING = [
    "meeting.started",
    "meeting.participantJoined",
    "meeting.participantJoined",
    "meeting.participantLeft",
    "meeting.participantLeft",
    "meeting.ended",
    "meeting.chatSynced",
    "meeting.transcript",
    "meeting.summary",
]


def expiry_of(issued: str) -> str:
    """The expiry of a URL issued at `issued`: 7 days on, written to the second."""
    moment = at(issued) + URL_LIFETIME
    return f"{moment:%Y-%m-%dT%H:%M:%S}.000Z"


class Expected:
    """The payloads of the ended meeting, field for field."""

    def __init__(self, activity: Activity, ended: Ended) -> None:
        session = activity.session(ended.session_id)
        self.ended_at = session["ended_at"]
        self.organized_by = {"id": activity.app_id, "name": "my-app"}
        self.meeting = {
            "id": ended.meeting_id,
            "sessionId": ended.session_id,
            "title": "Weekly sync",
            "roomName": ended.meeting_id,
            "status": "LIVE",
            "createdAt": session["created_at"],
            "startedAt": session["started_at"],
            "organizedBy": self.organized_by,
        }
        self.ended_meeting = {**self.meeting, "endedAt": self.ended_at}
        self.alice = {
            "peerId": ended.alice_peer,
            "userDisplayName": "Alice",
            "customParticipantId": "alice-1",
            "clientSpecificId": "alice-1",
            "joinedAt": ended.alice_joined["joined_at"],
        }
        self.bob = {
            "peerId": ended.bob_peer,
            "userDisplayName": "Bob",
            "customParticipantId": "bob-1",
            "clientSpecificId": "bob-1",
            "joinedAt": ended.bob_joined["joined_at"],
        }


class TestAWholeMeeting:
    def test_events_in_the_order_they_happened(
        self, activity: Activity, deployment: Deployment, ended: Ended
    ) -> None:
        rows = events(deployment, activity.app_id)

        assert [row["type"] for row in rows] == WHOLE_MEETING
        assert all(str(row["meeting_id"]) == ended.meeting_id for row in rows)
        assert [row["payload"]["event"] for row in rows] == WHOLE_MEETING
        times = [row["created_at"] for row in rows]
        assert times == sorted(times)
        assert at(ended.alice_joined["joined_at"]) == times[0] == times[1]
        assert times[5:] == [at(later(ended.bob_left["left_at"], 60))] * 4
        for row in rows:  # the exact bytes a delivery carries: compact JSON
            body = row["body"]
            assert isinstance(body, bytes)
            compact = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
            assert body == compact.encode()

    def test_start_joins_leaves_and_end(
        self, activity: Activity, deployment: Deployment, ended: Ended
    ) -> None:
        expected = Expected(activity, ended)

        payloads = [row["payload"] for row in events(deployment, activity.app_id)[:5]]

        assert payloads == [
            {"event": "meeting.started", "meeting": expected.meeting},
            {
                "event": "meeting.participantJoined",
                "meeting": expected.meeting,
                "participant": expected.alice,
            },
            {
                "event": "meeting.participantJoined",
                "meeting": expected.meeting,
                "participant": expected.bob,
            },
            {
                "event": "meeting.participantLeft",
                "meeting": expected.meeting,
                "participant": {**expected.alice, "leftAt": ended.alice_left["left_at"]},
            },
            {
                "event": "meeting.participantLeft",
                "meeting": expected.meeting,
                "participant": {**expected.bob, "leftAt": ended.bob_left["left_at"]},
            },
        ]
        assert expected.meeting["startedAt"] == ended.alice_joined["joined_at"]
        assert events(deployment, activity.app_id)[5]["payload"] == {
            "event": "meeting.ended",
            "meeting": expected.ended_meeting,
            "reason": "ALL_PARTICIPANTS_LEFT",
        }
        assert expected.ended_at == later(ended.bob_left["left_at"], 60)  # the keep-alive

    def test_the_files_when_they_are_made(
        self, activity: Activity, client: TestClient, deployment: Deployment, ended: Ended
    ) -> None:
        expected = Expected(activity, ended)
        expiry = expiry_of(expected.ended_at)

        chat, transcript, summary = (
            row["payload"] for row in events(deployment, activity.app_id)[6:]
        )

        files = f"{PUBLIC_URL}/files/{activity.app_id}/{ended.session_id}"
        assert chat == {
            "event": "meeting.chatSynced",
            "sessionId": ended.session_id,
            "meetingId": ended.meeting_id,
            "title": "Weekly sync",
            "chatDownloadUrl": chat["chatDownloadUrl"],
            "chatDownloadUrlExpiry": expiry,
            "createdAt": expected.meeting["createdAt"],
            "startedAt": expected.meeting["startedAt"],
            "endedAt": expected.ended_at,
            "organizedBy": expected.organized_by,
        }
        assert chat["chatDownloadUrl"].startswith(f"{files}/chat.csv?")
        assert transcript == {
            "event": "meeting.transcript",
            "meeting": expected.ended_meeting,
            "transcriptDownloadUrl": transcript["transcriptDownloadUrl"],
            "transcriptDownloadUrlExpiry": expiry,
        }
        assert transcript["transcriptDownloadUrl"].startswith(f"{files}/transcript.csv?")
        assert summary == {
            "event": "meeting.summary",
            "meeting": expected.ended_meeting,
            "summaryDownloadUrl": summary["summaryDownloadUrl"],
            "summaryDownloadUrlExpiry": expiry,
        }
        assert summary["summaryDownloadUrl"].startswith(f"{files}/summary.md?")
        downloaded = [
            client.get(path_of(url))
            for url in (
                chat["chatDownloadUrl"],
                transcript["transcriptDownloadUrl"],
                summary["summaryDownloadUrl"],
            )
        ]
        assert [response.status_code for response in downloaded] == [200] * 3
        assert downloaded[0].text.startswith("id,participantId,sessionId,")
        assert ended.speeches[0]["peer_id"] in downloaded[1].text
        assert downloaded[2].text.startswith("# Summary of Weekly sync")


class TestOtherEndings:
    def test_kick_all_ends_with_host_ended_meeting(
        self, activity: Activity, deployment: Deployment
    ) -> None:
        meeting = activity.meeting(title="Kicked")
        joined = activity.join(meeting, activity.participant(meeting, "a", "Ann"))
        activity.advance(30)

        activity.active(meeting, "kick-all")

        left, ended = (row["payload"] for row in events(deployment, activity.app_id)[-2:])
        session = activity.session(joined["session_id"])
        assert left["participant"]["leftAt"] == session["ended_at"]
        assert ended["reason"] == "HOST_ENDED_MEETING"
        assert ended["meeting"]["endedAt"] == session["ended_at"]
        assert ended["meeting"]["status"] == "LIVE"
        assert at(session["ended_at"]) - at(joined["joined_at"]) < timedelta(seconds=35)
        activity.advance(120)
        assert event_types(deployment, activity.app_id) == [
            "meeting.started",
            "meeting.participantJoined",
            "meeting.participantLeft",
            "meeting.ended",
        ]

    def test_a_session_continued_in_its_keep_alive_starts_and_ends_once(
        self, activity: Activity, deployment: Deployment
    ) -> None:
        meeting = activity.meeting(transcribe_on_end=True)
        participant = activity.participant(meeting, "a")
        first = activity.join(meeting, participant)
        activity.leave(meeting, first["peer_id"])
        activity.advance(30)
        second = activity.join(meeting, participant)
        activity.leave(meeting, second["peer_id"])
        activity.advance(61)

        assert event_types(deployment, activity.app_id) == [
            "meeting.started",
            "meeting.participantJoined",
            "meeting.participantLeft",
            "meeting.participantJoined",
            "meeting.participantLeft",
            "meeting.ended",  # nobody chatted or spoke: no files, no file events
        ]

    def test_a_summary_asked_for_is_announced(
        self, activity: Activity, deployment: Deployment
    ) -> None:
        meeting = activity.meeting(title="Asked", transcribe_on_end=True)
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.speak(meeting, joined["peer_id"], "hello")
        activity.leave(meeting, joined["peer_id"])
        activity.advance(61)
        asked_at = activity.advance(3600)

        activity.call("POST", f"/sessions/{joined['session_id']}/summary")

        row = events(deployment, activity.app_id)[-1]
        payload = row["payload"]
        assert payload["event"] == "meeting.summary"
        assert payload["meeting"]["sessionId"] == joined["session_id"]
        assert payload["meeting"]["endedAt"] == activity.session(joined["session_id"])["ended_at"]
        assert at(asked_at) <= row["created_at"] < at(asked_at) + timedelta(seconds=5)
        assert payload["summaryDownloadUrl"].startswith(
            f"{PUBLIC_URL}/files/{activity.app_id}/{joined['session_id']}/summary.md?"
        )


class TestFailedChanges:
    def test_write_no_event(self, activity: Activity, deployment: Deployment) -> None:
        meeting = activity.meeting()
        alice = activity.participant(meeting, "alice-1")
        carol = activity.participant(meeting, "carol-1")
        present = activity.join(meeting, alice)
        gone = activity.join(meeting, alice)
        activity.leave(meeting, gone["peer_id"])
        other = activity.meeting()
        stranger = activity.participant(other, "stranger-1")
        before = events(deployment, activity.app_id)
        app = f"/{activity.app_id}/meetings"
        failing: list[tuple[str, dict[str, Any], int]] = [
            (f"{app}/{meeting}/active-session/kick", {"participant_ids": [alice, stranger]}, 404),
            (f"{app}/{meeting}/active-session/kick", {"participant_ids": [carol]}, 404),
            (f"{app}/{meeting}/active-session/kick", {}, 400),
            (f"{app}/{meeting}/active-session/mute", {"participant_ids": [stranger]}, 404),
            (f"{app}/{meeting}/active-session/poll", {"question": "q", "options": ["a"]}, 400),
            (f"{app}/{other}/active-session/kick-all", {}, 404),
            (f"{app}/{meeting}/simulate/join", {"participant_id": stranger}, 404),
            (f"{app}/{meeting}/simulate/leave", {"peer_id": gone["peer_id"]}, 404),
            (f"{app}/{meeting}/simulate/chat", {"peer_id": gone["peer_id"], "message": "x"}, 409),
        ]

        for path, body, status in failing:
            response = activity.account.post(path, json=body)
            assert response.status_code == status, (path, response.text)

        assert events(deployment, activity.app_id) == before
        assert activity.session(present["session_id"])["live_participants"] == 1
