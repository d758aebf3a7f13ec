"""What the activity tests share: an app and its meetings driven through the API, and the
rows the API leaves."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from meetd.db.tables import (
    chat_messages,
    events,
    peer_events,
    peers,
    session_files,
    sessions,
    timers,
    utterances,
)
from meetd.events.store import events_of_app
from tests.support import Account

# Every table an activity request may write to.
ACTIVITY_TABLES: tuple[Table, ...] = (
    sessions,
    peers,
    peer_events,
    chat_messages,
    utterances,
    session_files,
    timers,
    events,
)
NOTHING = {table.name: 0 for table in ACTIVITY_TABLES}


def rows(connection: Connection) -> dict[str, int]:
    """How many rows each activity table holds."""
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in ACTIVITY_TABLES
    }


def event_types(connection: Connection, app_id: str) -> list[str]:
    """The types of the app's event rows, in the order they happened."""
    return [str(row["type"]) for row in events_of_app(connection, uuid.UUID(app_id))]


def ended_sessions(connection: Connection, app_id: str) -> list[str]:
    """The session ids of the app's meeting.ended rows, in the order they happened."""
    bodies: list[dict[str, Any]] = [
        json.loads(row["body"])
        for row in events_of_app(connection, uuid.UUID(app_id))
        if row["type"] == "meeting.ended"
    ]
    return [str(body["meeting"]["sessionId"]) for body in bodies]


class Kit:
    """An app of the account, and the calls these tests make in it."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account = account
        self.app_id = app_id
        self.path = f"/{app_id}"

    def meeting(self, **body: Any) -> Meeting:
        return Meeting(self, **body)

    def clock(self, *, token: str | None = None) -> dict[str, Any]:
        response = self.account.get(f"{self.path}/simulate/clock", token=token)
        assert response.status_code == 200, response.text
        now: dict[str, Any] = response.json()["data"]
        return now

    def advance(self, seconds: Any) -> Any:
        return self.account.post(f"{self.path}/simulate/clock/advance", json={"seconds": seconds})

    def advanced(self, seconds: float) -> dict[str, Any]:
        response = self.advance(seconds)
        assert response.status_code == 200, response.text
        moved: dict[str, Any] = response.json()["data"]
        return moved

    def session(self, session_id: str) -> dict[str, Any]:
        response = self.account.get(f"{self.path}/sessions/{session_id}")
        assert response.status_code == 200, response.text
        session: dict[str, Any] = response.json()["data"]["session"]
        return session

    def sessions(self) -> list[dict[str, Any]]:
        response = self.account.get(f"{self.path}/sessions", params={"per_page": 100})
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["data"]["sessions"]
        return found

    def peers(self, session_id: str) -> list[dict[str, Any]]:
        response = self.account.get(f"{self.path}/sessions/{session_id}/participants")
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["data"]["participants"]
        return found

    def verify(self, token: str) -> dict[str, Any]:
        response = self.account.post(f"{self.path}/tokens/verify", json={"token": token})
        assert response.status_code == 200, response.text
        verdict: dict[str, Any] = response.json()["data"]
        return verdict


class Meeting:
    """A meeting of the app with one participant, alice."""

    def __init__(self, kit: Kit, **body: Any) -> None:
        self.kit = kit
        self.account = kit.account
        response = self.account.post(f"{kit.path}/meetings", json=body)
        assert response.status_code == 201, response.text
        self.data: dict[str, Any] = response.json()["data"]
        self.id: str = self.data["id"]
        self.path = f"{kit.path}/meetings/{self.id}"
        self.alice = self.add("alice")

    def add(self, who: str, preset: str = "group_call_host") -> dict[str, Any]:
        response = self.account.post(
            f"{self.path}/participants",
            json={"custom_participant_id": who, "preset_name": preset},
        )
        assert response.status_code == 201, response.text
        participant: dict[str, Any] = response.json()["data"]
        return participant

    def simulate(self, action: str, body: Any, *, token: str | None = None) -> Any:
        return self.account.post(f"{self.path}/simulate/{action}", json=body, token=token)

    def join(self, **body: Any) -> Any:
        return self.simulate("join", body)

    def joined(self, **body: Any) -> dict[str, Any]:
        response = self.join(**(body or {"custom_participant_id": "alice"}))
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def leave(self, peer_id: str) -> Any:
        return self.simulate("leave", {"peer_id": peer_id})

    def left(self, peer_id: str) -> dict[str, Any]:
        response = self.leave(peer_id)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def active(self) -> Any:
        return self.account.get(f"{self.path}/active-session")

    def patch(self, **body: Any) -> None:
        response = self.account.patch(self.path, json=body)
        assert response.status_code == 200, response.text
