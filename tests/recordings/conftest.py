"""The recordings tests' fixtures, and their driver of an app through the API: meetings,
participants, the activity API, the app clock and the recordings themselves.

A database and an application serve a whole module (tests/module_scope.py); each test works
in an app of its own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from meetd.db.tables import recording_files, recordings, timers
from meetd.deployment import Deployment
from meetd.events.store import events_of_app
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account

PUBLIC_URL = "http://127.0.0.1:8787"  # MEETD_PUBLIC_URL's default: where download URLs point
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def kit(account: Account, app_id: str) -> Kit:
    return Kit(account, app_id)


@pytest.fixture
def live(kit: Kit) -> Live:
    """A meeting whose session is LIVE: alice has joined it."""
    return kit.live()


def about(seconds: float, expected: float) -> None:
    """`expected` seconds of app time, or up to a second more: the app's clock runs on with
    the real one between requests (only a timer's step happens at an exact time)."""
    assert expected <= seconds <= expected + 1, (seconds, expected)


def path_of(url: str) -> str:
    """A download URL's path and query, to fetch it from the in-process client."""
    assert url.startswith(PUBLIC_URL + "/"), url
    return url.removeprefix(PUBLIC_URL)


@dataclass(frozen=True)
class Live:
    """A meeting with a LIVE session, and the peer that joined it."""

    meeting_id: str
    session_id: str
    peer_id: str


class Kit:
    """An app's meetings and recordings driven through the API, each call checked for its
    status (the answer's `data`), or answered as it came (the methods named for the call)."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account = account
        self.app_id = app_id
        self.path = f"/{app_id}"

    def call(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.account.request(method, f"{self.path}{path}", **kwargs)
        assert response.status_code == status, response.text
        return response.json()["data"]

    # -- meetings and the activity API ---------------------------------------------------

    def meeting(self, **body: Any) -> str:
        meeting: dict[str, Any] = self.call("POST", "/meetings", 201, json=body)
        return str(meeting["id"])

    def participant(self, meeting_id: str, custom_id: str) -> str:
        body = {"custom_participant_id": custom_id, "preset_name": "group_call_host"}
        added = self.call("POST", f"/meetings/{meeting_id}/participants", 201, json=body)
        return str(added["id"])

    def join(self, meeting_id: str, custom_id: str) -> dict[str, Any]:
        """`custom_id`, a participant of the meeting, joins it."""
        body = {"custom_participant_id": custom_id}
        joined: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/join", 201, json=body
        )
        return joined

    def leave(self, meeting_id: str, peer_id: str) -> dict[str, Any]:
        left: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/simulate/leave", json={"peer_id": peer_id}
        )
        return left

    def live(self, **meeting: Any) -> Live:
        """A new meeting, which alice joins."""
        meeting_id = self.meeting(**meeting)
        self.participant(meeting_id, "alice")
        joined = self.join(meeting_id, "alice")
        return Live(meeting_id, str(joined["session_id"]), str(joined["peer_id"]))

    def advance(self, seconds: float) -> str:
        """Moves the app's clock (running the timers due); its new time."""
        moved = self.call("POST", "/simulate/clock/advance", json={"seconds": seconds})
        return str(moved["now"])

    def session(self, session_id: str) -> dict[str, Any]:
        session: dict[str, Any] = self.call("GET", f"/sessions/{session_id}")
        return session

    # -- recordings ----------------------------------------------------------------------

    def start_recording(self, meeting_id: str, **body: Any) -> Any:
        return self.account.post(f"{self.path}/recordings", json={"meeting_id": meeting_id, **body})

    def start(self, meeting_id: str, **body: Any) -> dict[str, Any]:
        started: dict[str, Any] = self.call(
            "POST", "/recordings", json={"meeting_id": meeting_id, **body}
        )
        return started

    def act_on(self, recording_id: str, action: str) -> Any:
        return self.account.put(f"{self.path}/recordings/{recording_id}", json={"action": action})

    def act(self, recording_id: str, action: str) -> dict[str, Any]:
        changed: dict[str, Any] = self.call(
            "PUT", f"/recordings/{recording_id}", json={"action": action}
        )
        return changed

    def get(self, recording_id: str) -> dict[str, Any]:
        recording: dict[str, Any] = self.call("GET", f"/recordings/{recording_id}")
        return recording

    def listing(self, **params: Any) -> dict[str, Any]:
        """The whole answer of the list: `data` and `paging`."""
        response = self.account.get(f"{self.path}/recordings", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def ids(self, **params: Any) -> list[str]:
        return [str(recording["id"]) for recording in self.listing(**params)["data"]]

    def uploaded(self, meeting_id: str, seconds: float = 10, **body: Any) -> dict[str, Any]:
        """A recording of the meeting's LIVE session: started, `seconds` recorded, stopped,
        and UPLOADED."""
        started = self.start(meeting_id, **body)
        self.advance(2 + seconds)
        self.act(started["id"], "stop")
        self.advance(5)
        recording = self.get(started["id"])
        assert recording["status"] == "UPLOADED", recording
        return recording

    def download(self, url: str) -> bytes:
        """The file at a download URL, fetched without an API token."""
        response = self.account.client.get(path_of(url))
        assert response.status_code == 200, response.text
        return bytes(response.content)

    def stored(self, deployment: Deployment) -> dict[str, int]:
        """How many rows of the app's recordings, their timers and its events there are."""
        app_id = uuid.UUID(self.app_id)
        with deployment.database.engine.connect() as connection:
            of_app = select(recordings.c.id).where(recordings.c.app_id == app_id)
            files = select(func.count()).where(recording_files.c.recording_id.in_(of_app))
            counts = {
                "recordings": select(func.count()).where(recordings.c.app_id == app_id),
                "recording_files": files,
                "timers": select(func.count()).where(timers.c.app_id == app_id),
            }
            stored = {name: connection.scalar(query) or 0 for name, query in counts.items()}
            stored["events"] = len(events_of_app(connection, app_id))
        return stored
