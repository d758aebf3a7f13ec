"""What the sessions tests share: a driver of an app's meetings through the API (meetings,
participants, the activity API, the app clock), times as the API writes them, and the rows
a change leaves."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from meetd.db.tables import (
    chat_messages,
    peer_events,
    peers,
    polls,
    session_files,
    sessions,
    timers,
    utterances,
)
from meetd.deployment import Deployment
from meetd.events.store import events_of_app
from tests.support import Account, at

PUBLIC_URL = "http://127.0.0.1:8787"  # MEETD_PUBLIC_URL's default: where download URLs point
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
NO_ACTIVE_SESSION = "No active session found for the meeting"
SESSION_FIELDS = {
    "id",
    "associated_id",
    "meeting_display_name",
    "type",
    "status",
    "live_participants",
    "max_concurrent_participants",
    "minutes_consumed",
    "organization_id",
    "started_at",
    "created_at",
    "updated_at",
}
PEER_FIELDS = {
    "id",
    "user_id",
    "custom_participant_id",
    "display_name",
    "preset_name",
    "joined_at",
    "duration",
    "created_at",
    "updated_at",
}
URL_LIFETIME = timedelta(days=7)


def millis_between(start: str, end: str) -> int:
    return (at(end) - at(start)) // timedelta(milliseconds=1)


def path_of(url: str) -> str:
    """A download URL's path and query, to fetch it from the in-process client."""
    assert url.startswith(PUBLIC_URL + "/"), url
    return url.removeprefix(PUBLIC_URL)


class Activity:
    """An app's meetings driven through the API, each call checked for its status."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account = account
        self.app_id = app_id

    def call(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.account.request(method, f"/{self.app_id}{path}", **kwargs)
        assert response.status_code == status, response.text
        return response.json()["data"]

    def get(self, path: str, **params: Any) -> Any:
        return self.call("GET", path, params=params)

    def meeting(self, **body: Any) -> str:
        meeting: dict[str, Any] = self.call("POST", "/meetings", 201, json=body)
        return str(meeting["id"])

    def participant(self, meeting_id: str, custom_id: str, name: str | None = None) -> str:
        body = {"custom_participant_id": custom_id, "preset_name": "group_call_host", "name": name}
        participant = self.call("POST", f"/meetings/{meeting_id}/participants", 201, json=body)
        return str(participant["id"])

    def token(self, meeting_id: str, participant_id: str) -> str:
        path = f"/meetings/{meeting_id}/participants/{participant_id}/token"
        return str(self.call("POST", path, json={})["token"])

    def join(self, meeting_id: str, participant_id: str, **body: Any) -> dict[str, Any]:
        body = {"participant_id": participant_id, **body}
        joined: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/join", 201, json=body
        )
        return joined

    def leave(self, meeting_id: str, peer_id: str) -> dict[str, Any]:
        left: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/leave", json={"peer_id": peer_id}
        )
        return left

    def chat(self, meeting_id: str, peer_id: str, message: str) -> dict[str, Any]:
        body = {"peer_id": peer_id, "message": message}
        sent: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/chat", 201, json=body
        )
        return sent

    def speak(
        self, meeting_id: str, peer_id: str, text: str, duration_ms: int | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"peer_id": peer_id, "text": text}
        if duration_ms is not None:
            body["duration_ms"] = duration_ms
        said: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/speak", 201, json=body
        )
        return said

    def advance(self, seconds: float) -> str:
        """Moves the app's clock; its new time."""
        moved = self.call("POST", "/simulate/clock/advance", json={"seconds": seconds})
        return str(moved["now"])

    def now(self) -> str:
        return str(self.get("/simulate/clock")["now"])

    def session(self, session_id: str) -> dict[str, Any]:
        session: dict[str, Any] = self.get(f"/sessions/{session_id}")
        return session

    def active(self, meeting_id: str, action: str, status: int = 200, **body: Any) -> Any:
        path = f"/meetings/{meeting_id}/active-session/{action}"
        return self.call("POST", path, status, json=body)

    def session_of(self, meeting_id: str, *peers: str) -> str:
        """A session of the meeting: the participants join, stay 60 s, leave, and it ends."""
        joined = [self.join(meeting_id, participant) for participant in peers]
        self.advance(60)
        for peer in joined:
            self.leave(meeting_id, peer["peer_id"])
        self.advance(61)
        return str(joined[0]["session_id"])


@dataclass(frozen=True)
class Ended:
    """A meeting whose session has ended: Alice and Bob joined, chatted and spoke (Alice
    first), and left; then the keep-alive ran out."""

    meeting_id: str
    session_id: str
    alice: str
    bob: str
    alice_joined: dict[str, Any]
    bob_joined: dict[str, Any]
    messages: list[dict[str, Any]]
    speeches: list[dict[str, Any]]
    alice_left: dict[str, Any]
    bob_left: dict[str, Any]

    @property
    def alice_peer(self) -> str:
        return str(self.alice_joined["peer_id"])

    @property
    def bob_peer(self) -> str:
        return str(self.bob_joined["peer_id"])


MESSAGES = ("Hello, everyone", 'Bob says "hi", twice')
SPEECHES = ("Good morning everyone", "Morning Alice shall we start")


def end_a_meeting(activity: Activity, **meeting: Any) -> Ended:
    meeting_id = activity.meeting(**meeting)
    alice = activity.participant(meeting_id, "alice-1", "Alice")
    bob = activity.participant(meeting_id, "bob-1", "Bob")
    alice_joined = activity.join(meeting_id, alice, metadata={"browser": "Firefox", "os": "Linux"})
    activity.advance(5)
    bob_joined = activity.join(meeting_id, bob)
    alice_peer, bob_peer = alice_joined["peer_id"], bob_joined["peer_id"]
    activity.advance(5)
    messages = [
        activity.chat(meeting_id, alice_peer, MESSAGES[0]),
        activity.chat(meeting_id, bob_peer, MESSAGES[1]),
    ]
    speeches = [activity.speak(meeting_id, alice_peer, SPEECHES[0], duration_ms=2500)]
    activity.advance(10)
    speeches.append(activity.speak(meeting_id, bob_peer, SPEECHES[1]))
    activity.advance(600)
    alice_left = activity.leave(meeting_id, alice_peer)
    bob_left = activity.leave(meeting_id, bob_peer)
    activity.advance(61)
    return Ended(
        meeting_id=meeting_id,
        session_id=alice_joined["session_id"],
        alice=alice,
        bob=bob,
        alice_joined=alice_joined,
        bob_joined=bob_joined,
        messages=messages,
        speeches=speeches,
        alice_left=alice_left,
        bob_left=bob_left,
    )


def events(deployment: Deployment, app_id: str) -> list[dict[str, Any]]:
    """The app's event rows, in order, each with its payload read."""
    with deployment.database.engine.connect() as connection:
        rows = events_of_app(connection, uuid.UUID(app_id))
    return [{**row, "payload": json.loads(row["body"])} for row in rows]


def event_types(deployment: Deployment, app_id: str) -> list[str]:
    return [str(event["type"]) for event in events(deployment, app_id)]


_STATE_TABLES = (
    sessions,
    peers,
    peer_events,
    chat_messages,
    utterances,
    session_files,
    polls,
    timers,
)


def state(deployment: Deployment, app_id: str) -> dict[str, Any]:
    """Every row a session change may write, to show that a refused change wrote none."""
    with deployment.database.engine.connect() as connection:
        tables = {
            table.name: sorted(
                (tuple(str(value) for value in row) for row in connection.execute(select(table))),
            )
            for table in _STATE_TABLES
        }
    return {**tables, "events": [event["id"] for event in events(deployment, app_id)]}
