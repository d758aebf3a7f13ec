"""What the livestreams (and analytics) tests share: a driver of an app's meetings,
livestreams and recordings through the API, and the livestream events it leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetd.deployment import Deployment
from tests.sessions.support import Activity, events

LIVESTREAM_FIELDS = {
    "id",
    "ingest_server",
    "stream_key",
    "playback_url",
    "status",
    "disabled",
    "created_at",
    "updated_at",
}
SESSION_FIELDS = {
    "id",
    "livestream_id",
    "started_time",
    "ingest_seconds",
    "viewer_seconds",
    "created_at",
    "updated_at",
}
STOPPED = "Stopped live stream successfully"
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Live:
    """A meeting with a LIVE session, and the peer that joined it."""

    meeting_id: str
    session_id: str
    peer_id: str


class Kit(Activity):
    """An app driven through the API, each call checked for its status (the answer's `data`),
    or answered as it came (the methods named for the request rather than its outcome)."""

    # -- meetings ----------------------------------------------------------------------

    def live(self, **meeting: Any) -> Live:
        """A new meeting, which alice joins."""
        meeting_id = self.meeting(**meeting)
        joined = self.join(meeting_id, self.participant(meeting_id, "alice"))
        return Live(meeting_id, str(joined["session_id"]), str(joined["peer_id"]))

    def met(self, seconds: float, *people: str) -> dict[str, Any]:
        """A new meeting's session: `people` join, stay `seconds`, leave, and the session
        ends (the keep-alive, 60 s, runs out); the ended session."""
        meeting_id = self.meeting(title="Met")
        joined = [self.join(meeting_id, self.participant(meeting_id, who)) for who in people]
        self.advance(seconds)
        for peer in joined:
            self.leave(meeting_id, peer["peer_id"])
        self.advance(61)
        session = self.session(joined[0]["session_id"])
        assert session["status"] == "ENDED"
        return session

    def kick_all(self, meeting_id: str) -> None:
        self.active(meeting_id, "kick-all")

    # -- independent livestreams and their input ------------------------------------------

    def create(self, body: Any = None, **kwargs: Any) -> Any:
        return self.account.post(f"/{self.app_id}/livestreams", json=body, **kwargs)

    def independent(self, **body: Any) -> dict[str, Any]:
        created: dict[str, Any] = self.call("POST", "/livestreams", 201, json=body)
        return created

    def feed(self, livestream_id: str, **body: Any) -> Any:
        """POST .../simulate/livestream: the input starts or stops, or viewers change."""
        return self.account.post(
            f"/{self.app_id}/simulate/livestream", json={"livestream_id": livestream_id, **body}
        )

    def fed(self, livestream_id: str, **body: Any) -> dict[str, Any]:
        response = self.feed(livestream_id, **body)
        assert response.status_code == 200, response.text
        changed: dict[str, Any] = response.json()["data"]
        return changed

    def streamed(self, seconds: float, viewers: int = 0, **body: Any) -> dict[str, Any]:
        """An independent livestream, LIVE for `seconds` with `viewers`, then IDLE; its
        livestream session."""
        livestream = self.independent(**body)
        session = self.fed(livestream["id"], state="live")["session"]
        if viewers:
            self.fed(livestream["id"], viewers=viewers)
        self.advance(seconds)
        self.fed(livestream["id"], state="idle")
        return self.stream_session(session["id"])

    # -- a meeting's livestreams ---------------------------------------------------------

    def start(self, meeting_id: str, body: Any = None, **kwargs: Any) -> Any:
        return self.account.post(
            f"/{self.app_id}/meetings/{meeting_id}/livestreams", json=body, **kwargs
        )

    def started(self, meeting_id: str, **body: Any) -> dict[str, Any]:
        started: dict[str, Any] = self.call(
            "POST", f"/meetings/{meeting_id}/livestreams", 201, json=body
        )
        return started

    def stop(self, meeting_id: str) -> Any:
        return self.account.post(f"/{self.app_id}/meetings/{meeting_id}/active-livestream/stop")

    def active_livestream(self, meeting_id: str) -> Any:
        return self.account.get(f"/{self.app_id}/meetings/{meeting_id}/active-livestream")

    # -- reads ---------------------------------------------------------------------------

    def whole(self, path: str, **params: Any) -> dict[str, Any]:
        """The whole answer of a read: `data`, and `paging` where there is one."""
        response = self.account.get(f"/{self.app_id}{path}", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def livestream(self, livestream_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/livestreams/{livestream_id}")["livestream"]
        return found

    def status(self, livestream_id: str) -> str:
        return str(self.livestream(livestream_id)["status"])

    def ids(self, **params: Any) -> list[str]:
        """The ids of GET .../livestreams."""
        return [str(item["id"]) for item in self.whole("/livestreams", **params)["data"]]

    def stream_session(self, livestream_session_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/livestreams/sessions/{livestream_session_id}")
        return found

    def stream_sessions(self, livestream_id: str) -> list[dict[str, Any]]:
        """The livestream's sessions, the newest first."""
        found: list[dict[str, Any]] = self.get(f"/livestreams/{livestream_id}")["sessions"]
        return found

    # -- recordings ----------------------------------------------------------------------

    def recorded(self, meeting_id: str, seconds: float) -> dict[str, Any]:
        """A recording of the meeting's LIVE session, `seconds` recorded, then stopped."""
        started = self.call("POST", "/recordings", json={"meeting_id": meeting_id})
        self.advance(2)
        assert self.get(f"/recordings/{started['id']}")["status"] == "RECORDING"
        self.advance(seconds)
        stopped: dict[str, Any] = self.call(
            "PUT", f"/recordings/{started['id']}", json={"action": "stop"}
        )
        return stopped


def status_updates(deployment: Deployment, app_id: str) -> list[tuple[str, str]]:
    """The app's `livestreaming.statusUpdate` events, in order: (streamId, status)."""
    return [
        (str(event["payload"]["streamId"]), str(event["payload"]["status"]))
        for event in events(deployment, app_id)
        if event["type"] == "livestreaming.statusUpdate"
    ]


def status_payloads(deployment: Deployment, app_id: str) -> list[dict[str, Any]]:
    return [
        event["payload"]
        for event in events(deployment, app_id)
        if event["type"] == "livestreaming.statusUpdate"
    ]
