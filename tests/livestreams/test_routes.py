"""Livestreams (contract A11, beyond-core 1d and 5) over HTTP: independent livestreams and
their RTMP input (the activity API), a meeting's livestreams and how its sessions drive
them, the livestream sessions and the seconds they count on the app clock, the events they
leave, and every kind of bad input."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from meetd.deployment import Deployment
from tests.livestreams.support import (
    LIVESTREAM_FIELDS,
    NO_SUCH_ID,
    SESSION_FIELDS,
    STOPPED,
    Kit,
    Live,
    status_payloads,
    status_updates,
)
from tests.sessions.support import TIMESTAMP
from tests.support import Account, at, iso

STREAM_KEY = re.compile(r"[0-9a-f]{32,}")


def refused(response: Any, status: int, message: str) -> None:
    """The error body of contract A3, its message starting with `message`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == status
    assert body["error"]["message"].startswith(message), body["error"]["message"]


def conflict(response: Any) -> None:
    assert response.status_code == 409, response.text
    assert response.headers["x-should-retry"] == "false"
    assert response.json()["success"] is False


@pytest.fixture
def live(kit: Kit) -> Live:
    """A meeting whose session is LIVE: alice has joined it."""
    return kit.live(title="Town hall")


# -- independent livestreams --------------------------------------------------------------


class TestCreateLivestream:
    def test_is_invoked_with_an_ingest_server_a_key_and_a_playback_url(self, kit: Kit) -> None:
        response = kit.create({"name": "ok-name_1"})

        assert response.status_code == 201, response.text
        created = response.json()["data"]
        assert set(created) == LIVESTREAM_FIELDS | {"name"}  # no meeting: no meeting_id
        assert (created["name"], created["status"], created["disabled"]) == (
            "ok-name_1",
            "INVOKED",
            False,
        )
        assert created["ingest_server"].startswith("rtmps://")
        assert STREAM_KEY.fullmatch(created["stream_key"])
        assert created["playback_url"].startswith("https://")
        assert created["playback_url"].endswith(".m3u8")
        assert TIMESTAMP.fullmatch(created["created_at"])
        assert created["updated_at"] == created["created_at"]
        assert kit.livestream(created["id"]) == created

    def test_each_has_its_own_key_and_url(self, kit: Kit) -> None:
        first, second = kit.independent(name="a"), kit.independent(name="a")

        assert first["id"] != second["id"]
        assert first["stream_key"] != second["stream_key"]
        assert first["playback_url"] != second["playback_url"]

    @pytest.mark.parametrize("body", [{}, {"name": None}, {"name": ""}])
    def test_without_a_name(self, kit: Kit, body: Any) -> None:
        response = kit.create(body)

        assert response.status_code == 201, response.text
        created = response.json()["data"]
        assert created["status"] == "INVOKED"
        assert created.get("name") in (None, "")
        assert kit.ids() == [created["id"]]

    @pytest.mark.parametrize(
        "body",
        [{"name": "bad name!"}, {"name": "a/b"}, {"name": "x" * 256}, {"name": 5}, []],
    )
    def test_bad_bodies_are_refused_and_nothing_is_made(
        self, kit: Kit, deployment: Deployment, body: Any
    ) -> None:
        response = kit.create(body)

        assert response.status_code == 400, response.text
        if isinstance(body, dict):
            refused(response, 400, "name:")
        assert kit.ids() == []
        assert status_updates(deployment, kit.app_id) == []

    def test_a_body_is_required(self, kit: Kit) -> None:
        refused(kit.create(), 400, "body:")  # the reference marks it required
        assert kit.ids() == []

    def test_a_read_token_may_not(self, kit: Kit, account: Account) -> None:
        response = kit.create({"name": "x"}, token=account.read_token)

        assert response.status_code == 403, response.text
        assert kit.ids() == []


class TestListLivestreams:
    @pytest.fixture
    def made(self, kit: Kit) -> list[dict[str, Any]]:
        """Oldest first, a second apart: "alpha" (independent, INVOKED), "beta"
        (independent, LIVE) and "gamma" (a meeting's, INVOKED: its meeting has no session)."""
        alpha = kit.independent(name="alpha")
        kit.advance(1)
        beta = kit.independent(name="beta")
        beta = kit.fed(beta["id"], state="live")["livestream"]
        kit.advance(1)
        gamma = kit.started(kit.meeting(title="No one came"), name="gamma")
        return [alpha, beta, kit.livestream(gamma["id"])]

    def test_newest_first_with_top_level_paging(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        body = kit.whole("/livestreams")

        assert set(body) == {"success", "data", "paging"}
        assert body["paging"] == {"total_count": 3, "start_offset": 1, "end_offset": 3}
        assert body["data"] == made[::-1]
        assert [item["status"] for item in body["data"]] == ["INVOKED", "LIVE", "INVOKED"]
        assert "meeting_id" in body["data"][0]
        assert "meeting_id" not in body["data"][1]

    def test_only_the_apps_own(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        other = kit.account.create_app("other")

        response = kit.account.get(f"/{other}/livestreams")

        assert response.status_code == 200, response.text
        assert response.json()["data"] == []
        assert response.json()["paging"]["total_count"] == 0

    def test_filters(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        alpha, beta, gamma = (item["id"] for item in made)

        assert kit.ids(exclude_meetings="true") == [beta, alpha]
        assert kit.ids(exclude_meetings="false") == [gamma, beta, alpha]
        assert kit.ids(status="LIVE") == [beta]
        assert kit.ids(status="INVOKED") == [gamma, alpha]
        assert kit.ids(status="IDLE") == []
        assert kit.ids(status="INVOKED", exclude_meetings="true") == [alpha]

    def test_sort_orders(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        alpha, beta, gamma = (item["id"] for item in made)

        assert kit.ids(sort_order="ASC") == [alpha, beta, gamma]
        assert kit.ids(sort_order="DSC") == [gamma, beta, alpha]

    def test_pages(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        alpha, beta, gamma = (item["id"] for item in made)

        first = kit.whole("/livestreams", per_page=2, page_no=1)
        second = kit.whole("/livestreams", per_page=2, page_no=2)
        past = kit.whole("/livestreams", per_page=2, page_no=3)

        assert [item["id"] for item in first["data"]] == [gamma, beta]
        assert first["paging"] == {"total_count": 3, "start_offset": 1, "end_offset": 2}
        assert [item["id"] for item in second["data"]] == [alpha]
        assert second["paging"] == {"total_count": 3, "start_offset": 3, "end_offset": 3}
        assert past["data"] == []
        assert past["paging"] == {"total_count": 3, "start_offset": 5, "end_offset": 4}

    def test_a_time_range_of_creation(self, kit: Kit, made: list[dict[str, Any]]) -> None:
        alpha, beta, gamma = made
        ids = [alpha["id"], beta["id"], gamma["id"]]

        assert kit.ids(start_time=beta["created_at"]) == [ids[2], ids[1]]
        assert kit.ids(end_time=beta["created_at"]) == [ids[1], ids[0]]
        assert kit.ids(start_time=beta["created_at"], end_time=beta["created_at"]) == [ids[1]]
        later = iso(at(gamma["created_at"]) + timedelta(seconds=1))
        assert kit.ids(start_time=later) == []
        # an offset is honoured: beta's time written in UTC+02:00
        beta_plus_two = (at(beta["created_at"]) + timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M:%S.%f+02:00"
        )
        assert kit.ids(start_time=beta_plus_two) == [ids[2], ids[1]]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"status": "BAD"}, "status:"),
            ({"status": "live"}, "status:"),
            ({"sort_order": "UP"}, "sort_order:"),
            ({"exclude_meetings": "perhaps"}, "exclude_meetings:"),
            ({"start_time": "yesterday"}, "start_time:"),
            ({"end_time": "2026-13-01T00:00:00Z"}, "end_time:"),
            ({"per_page": -1}, "per_page:"),
            ({"page_no": "one"}, "page_no:"),
        ],
    )
    def test_bad_parameters_are_refused_naming_them(
        self, kit: Kit, params: dict[str, Any], field: str
    ) -> None:
        kit.independent(name="one")

        response = kit.account.get(f"/{kit.app_id}/livestreams", params=params)

        refused(response, 400, field)


class TestGetLivestream:
    def test_its_sessions_the_newest_first_with_paging_in_and_beside_data(self, kit: Kit) -> None:
        livestream = kit.independent(name="twice")
        first = kit.fed(livestream["id"], state="live")["session"]
        kit.advance(10)
        kit.fed(livestream["id"], state="idle")
        kit.advance(10)
        second = kit.fed(livestream["id"], state="live")["session"]
        kit.advance(5)

        body = kit.whole(f"/livestreams/{livestream['id']}")

        paging = {"total_count": 2, "start_offset": 1, "end_offset": 2}
        assert body["paging"] == paging
        data = body["data"]
        assert set(data) == {"livestream", "sessions", "session", "paging"}
        assert data["paging"] == paging
        assert data["livestream"]["id"] == livestream["id"]
        assert data["livestream"]["status"] == "LIVE"
        assert [item["id"] for item in data["sessions"]] == [second["id"], first["id"]]
        assert data["session"] == data["sessions"][0]
        newer, older = data["sessions"]
        assert (newer["ingest_seconds"], older["ingest_seconds"]) == (5, 10)
        assert "stopped_time" not in newer
        assert older["stopped_time"] > older["started_time"]

    def test_pages_of_sessions(self, kit: Kit) -> None:
        livestream = kit.independent()
        made = []
        for _ in range(3):
            made.append(kit.fed(livestream["id"], state="live")["session"]["id"])
            kit.advance(1)
            kit.fed(livestream["id"], state="idle")

        body = kit.whole(f"/livestreams/{livestream['id']}", per_page=2, page_no=2)

        assert [item["id"] for item in body["data"]["sessions"]] == [made[0]]
        assert body["paging"] == {"total_count": 3, "start_offset": 3, "end_offset": 3}

    def test_without_sessions(self, kit: Kit) -> None:
        livestream = kit.independent(name="fresh")

        data = kit.get(f"/livestreams/{livestream['id']}")

        assert data["livestream"] == livestream
        assert data["sessions"] == []
        assert data.get("session") is None
        assert data["paging"] == {"total_count": 0, "start_offset": 1, "end_offset": 0}

    def test_a_meetings_livestream_too(self, kit: Kit, live: Live) -> None:
        started = kit.started(live.meeting_id)

        found = kit.livestream(started["id"])

        assert found["meeting_id"] == live.meeting_id

    def test_unknown_or_another_apps_is_not_found(self, kit: Kit) -> None:
        other = Kit(kit.account, kit.account.create_app("other"))
        theirs = other.independent(name="theirs")

        for livestream_id in (NO_SUCH_ID, theirs["id"]):
            response = kit.account.get(f"/{kit.app_id}/livestreams/{livestream_id}")
            refused(response, 404, "No livestream")

    def test_an_id_that_is_not_a_uuid_is_refused(self, kit: Kit) -> None:
        response = kit.account.get(f"/{kit.app_id}/livestreams/not-a-uuid")

        assert 400 <= response.status_code < 500, response.text
        assert response.json()["success"] is False


class TestGetActiveLivestreamSession:
    def test_a_live_livestream_and_its_session(self, kit: Kit) -> None:
        livestream = kit.independent(name="on-air")
        fed = kit.fed(livestream["id"], state="live")
        kit.advance(30)

        data = kit.get(f"/livestreams/{livestream['id']}/active-livestream-session")

        assert set(data) == {"livestream", "session"}
        assert data["livestream"]["id"] == livestream["id"]
        assert data["livestream"]["status"] == "LIVE"
        assert set(data["session"]) == SESSION_FIELDS
        assert data["session"]["id"] == fed["session"]["id"]
        assert data["session"]["ingest_seconds"] == 30

    @pytest.mark.parametrize("state", ["INVOKED", "IDLE"])
    def test_none_unless_live(self, kit: Kit, state: str) -> None:
        livestream = kit.independent()
        if state == "IDLE":
            kit.fed(livestream["id"], state="live")
            kit.fed(livestream["id"], state="idle")
        assert kit.status(livestream["id"]) == state

        response = kit.account.get(
            f"/{kit.app_id}/livestreams/{livestream['id']}/active-livestream-session"
        )

        refused(response, 404, f"The livestream {livestream['id']} is {state}")

    def test_unknown_is_not_found(self, kit: Kit) -> None:
        response = kit.account.get(
            f"/{kit.app_id}/livestreams/{NO_SUCH_ID}/active-livestream-session"
        )

        refused(response, 404, "No livestream")


class TestGetLivestreamSession:
    def test_counts_ingest_and_viewer_seconds_on_the_app_clock(self, kit: Kit) -> None:
        livestream = kit.independent(name="counted")
        session = kit.fed(livestream["id"], state="live")["session"]
        kit.fed(livestream["id"], viewers=3)
        kit.advance(100)

        running = kit.stream_session(session["id"])

        assert set(running) == SESSION_FIELDS
        assert (running["ingest_seconds"], running["viewer_seconds"]) == (100, 300)
        assert running["livestream_id"] == livestream["id"]

        stopped = kit.fed(livestream["id"], state="idle")
        kit.advance(500)
        done = kit.stream_session(session["id"])

        assert stopped["livestream"]["status"] == "IDLE"
        assert "session" not in stopped
        assert (done["ingest_seconds"], done["viewer_seconds"]) == (100, 300)
        assert set(done) == SESSION_FIELDS | {"stopped_time"}
        assert (at(done["stopped_time"]) - at(done["started_time"])) == timedelta(seconds=100)

    def test_viewers_that_change_count_for_the_time_they_watched(self, kit: Kit) -> None:
        livestream = kit.independent()
        session = kit.fed(livestream["id"], state="live")["session"]
        kit.advance(10)  # nobody watches
        kit.fed(livestream["id"], viewers=3)
        kit.advance(100)
        kit.fed(livestream["id"], viewers=1)
        kit.advance(50)
        kit.fed(livestream["id"], viewers=0)
        kit.advance(40)

        counted = kit.stream_session(session["id"])

        assert (counted["ingest_seconds"], counted["viewer_seconds"]) == (200, 350)

    def test_a_meetings_livestream_session_names_the_meetings_session(
        self, kit: Kit, live: Live
    ) -> None:
        started = kit.started(live.meeting_id)
        kit.advance(2)
        [session] = kit.stream_sessions(started["id"])

        found = kit.stream_session(session["id"])

        assert found["session_id"] == live.session_id
        assert found["invoked_time"] == started["created_at"]
        assert at(found["started_time"]) - at(started["created_at"]) == timedelta(seconds=2)

    def test_unknown_or_another_apps_is_not_found(self, kit: Kit) -> None:
        other = Kit(kit.account, kit.account.create_app("other"))
        theirs = other.independent()
        session = other.fed(theirs["id"], state="live")["session"]

        for session_id in (NO_SUCH_ID, session["id"]):
            response = kit.account.get(f"/{kit.app_id}/livestreams/sessions/{session_id}")
            refused(response, 404, "No livestream session")


class TestSimulateLivestream:
    """POST .../simulate/livestream (a meetd extension): an independent livestream's input."""

    def test_live_then_idle(self, kit: Kit) -> None:
        livestream = kit.independent(name="obs")

        went_live = kit.fed(livestream["id"], state="live")
        again = kit.fed(livestream["id"], state="live")  # already LIVE: the same session
        went_idle = kit.fed(livestream["id"], state="idle")

        assert went_live["livestream"]["status"] == "LIVE"
        assert set(went_live["session"]) == SESSION_FIELDS
        assert again["session"]["id"] == went_live["session"]["id"]
        assert went_idle["livestream"]["status"] == "IDLE"
        assert len(kit.stream_sessions(livestream["id"])) == 1

    def test_each_time_live_is_a_new_session(self, kit: Kit) -> None:
        livestream = kit.independent()
        sessions = []
        for _ in range(2):
            sessions.append(kit.fed(livestream["id"], state="live")["session"]["id"])
            kit.advance(1)
            kit.fed(livestream["id"], state="idle")

        assert sessions[0] != sessions[1]
        assert [item["id"] for item in kit.stream_sessions(livestream["id"])] == sessions[::-1]

    def test_live_with_viewers_at_once(self, kit: Kit) -> None:
        livestream = kit.independent()

        session = kit.fed(livestream["id"], state="live", viewers=5)["session"]
        kit.advance(20)

        assert kit.stream_session(session["id"])["viewer_seconds"] == 100

    def test_viewers_only_while_live(self, kit: Kit) -> None:
        livestream = kit.independent()

        conflict(kit.feed(livestream["id"], viewers=3))
        kit.fed(livestream["id"], state="live")
        kit.fed(livestream["id"], state="idle")
        conflict(kit.feed(livestream["id"], viewers=3))
        assert kit.stream_sessions(livestream["id"])[0]["viewer_seconds"] == 0

    def test_viewers_watch_a_meetings_livestream_too(self, kit: Kit, live: Live) -> None:
        started = kit.started(live.meeting_id)
        kit.advance(2)

        kit.fed(started["id"], viewers=4)
        kit.advance(10)

        assert kit.stream_sessions(started["id"])[0]["viewer_seconds"] == 40

    @pytest.mark.parametrize("state", ["live", "idle"])
    def test_a_meetings_input_is_its_session(self, kit: Kit, live: Live, state: str) -> None:
        started = kit.started(live.meeting_id)

        conflict(kit.feed(started["id"], state=state))
        assert kit.status(started["id"]) == "INVOKED"

    def test_unknown_or_another_apps_is_not_found(self, kit: Kit) -> None:
        other = Kit(kit.account, kit.account.create_app("other"))
        theirs = other.independent()

        for livestream_id in (NO_SUCH_ID, theirs["id"]):
            refused(kit.feed(livestream_id, state="live"), 404, "No livestream")
        assert other.status(theirs["id"]) == "INVOKED"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"state": "on"}, "state:"),
            ({"viewers": -1}, "viewers:"),
            ({"livestream_id": "nope"}, "livestream_id:"),
        ],
    )
    def test_bad_bodies_are_refused(self, kit: Kit, body: dict[str, Any], field: str) -> None:
        livestream = kit.independent()

        response = kit.account.post(
            f"/{kit.app_id}/simulate/livestream", json={"livestream_id": livestream["id"], **body}
        )

        refused(response, 400, field)
        assert kit.status(livestream["id"]) == "INVOKED"


# -- a meeting's livestreams --------------------------------------------------------------


class TestStartMeetingLivestream:
    def test_invoked_then_live_two_seconds_later_while_a_session_runs(
        self, kit: Kit, live: Live
    ) -> None:
        response = kit.start(live.meeting_id, {"name": "town-hall"})

        assert response.status_code == 201, response.text
        started = response.json()["data"]
        assert set(started) == LIVESTREAM_FIELDS | {"name", "meeting_id"}
        assert (started["status"], started["meeting_id"], started["name"]) == (
            "INVOKED",
            live.meeting_id,
            "town-hall",
        )
        assert STREAM_KEY.fullmatch(started["stream_key"])
        kit.advance(1)
        assert kit.status(started["id"]) == "INVOKED"
        kit.advance(1)
        assert kit.status(started["id"]) == "LIVE"
        [session] = kit.stream_sessions(started["id"])
        assert session["session_id"] == live.session_id

    def test_without_a_session_it_waits_for_one(self, kit: Kit) -> None:
        meeting_id = kit.meeting(title="Later")
        alice = kit.participant(meeting_id, "alice")
        started = kit.started(meeting_id)
        kit.advance(30)
        assert kit.status(started["id"]) == "INVOKED"
        assert kit.stream_sessions(started["id"]) == []

        joined = kit.join(meeting_id, alice)

        assert kit.status(started["id"]) == "LIVE"
        [session] = kit.stream_sessions(started["id"])
        assert session["session_id"] == joined["session_id"]
        assert session["started_time"] == joined["joined_at"]

    def test_an_empty_body_and_a_video_config(self, kit: Kit, live: Live) -> None:
        plain = kit.start(live.meeting_id, {})
        assert plain.status_code == 201, plain.text
        assert "name" not in plain.json()["data"]
        assert kit.stop(live.meeting_id).status_code == 200

        sized = kit.start(
            live.meeting_id, {"name": None, "video_config": {"width": 1280, "height": 720}}
        )

        assert sized.status_code == 201, sized.text

    def test_a_second_while_one_is_active_conflicts(self, kit: Kit, live: Live) -> None:
        first = kit.started(live.meeting_id)

        conflict(kit.start(live.meeting_id, {}))
        kit.advance(2)
        conflict(kit.start(live.meeting_id, {}))

        listed = kit.get(f"/meetings/{live.meeting_id}/livestream")["livestreams"]
        assert [item["id"] for item in listed] == [first["id"]]
        assert kit.stop(live.meeting_id).status_code == 200
        second = kit.start(live.meeting_id, {})
        assert second.status_code == 201, second.text
        assert second.json()["data"]["id"] != first["id"]

    def test_an_unknown_meeting_is_not_found(self, kit: Kit) -> None:
        refused(kit.start(NO_SUCH_ID, {}), 404, "No meeting")
        assert kit.ids() == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": "bad name!"}, "name:"),
            ({"video_config": {"width": 0}}, "video_config.width:"),
            ({"video_config": {"height": 1921}}, "video_config.height:"),
            ({"video_config": "large"}, "video_config:"),
            (None, "body:"),  # the reference marks it required
        ],
    )
    def test_bad_bodies_are_refused_and_nothing_is_made(
        self,
        kit: Kit,
        live: Live,
        deployment: Deployment,
        body: dict[str, Any] | None,
        field: str,
    ) -> None:
        refused(kit.start(live.meeting_id, body), 400, field)

        assert kit.ids() == []
        assert status_updates(deployment, kit.app_id) == []
        refused(kit.active_livestream(live.meeting_id), 404, "No active livestream")


class TestGetMeetingActiveLivestream:
    def test_the_livestream_invoked_then_live(self, kit: Kit, live: Live) -> None:
        started = kit.started(live.meeting_id, name="now")

        invoked = kit.active_livestream(live.meeting_id)
        kit.advance(2)
        running = kit.active_livestream(live.meeting_id)

        assert invoked.status_code == running.status_code == 200
        assert invoked.json()["data"] == started
        assert running.json()["data"]["id"] == started["id"]
        assert running.json()["data"]["status"] == "LIVE"
        assert running.json()["data"]["meeting_id"] == live.meeting_id

    def test_none_is_not_found(self, kit: Kit, live: Live) -> None:
        refused(kit.active_livestream(live.meeting_id), 404, "No active livestream")
        kit.started(live.meeting_id)
        kit.stop(live.meeting_id)
        refused(kit.active_livestream(live.meeting_id), 404, "No active livestream")

    def test_an_unknown_meeting_is_not_found(self, kit: Kit) -> None:
        refused(kit.active_livestream(NO_SUCH_ID), 404, "No meeting")


class TestStopMeetingLivestream:
    def test_a_live_one_goes_idle_and_its_session_stops(self, kit: Kit, live: Live) -> None:
        started = kit.started(live.meeting_id)
        kit.advance(2)
        kit.advance(40)

        response = kit.stop(live.meeting_id)

        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"message": STOPPED}
        assert kit.status(started["id"]) == "IDLE"
        [session] = kit.stream_sessions(started["id"])
        assert session["ingest_seconds"] == 40
        assert at(session["stopped_time"]) == at(kit.now())
        kit.advance(100)
        assert kit.stream_sessions(started["id"]) == [session]

    def test_one_whose_session_ends_before_it_begins_never_goes_live(
        self, kit: Kit, live: Live
    ) -> None:
        started = kit.started(live.meeting_id)
        kit.advance(1)
        kit.kick_all(live.meeting_id)
        kit.join(live.meeting_id, kit.participant(live.meeting_id, "bob"))  # a new session

        kit.advance(5)

        assert kit.status(started["id"]) == "IDLE"
        assert kit.stream_sessions(started["id"]) == []

    def test_an_invoked_one_goes_idle_without_a_session(self, kit: Kit) -> None:
        meeting_id = kit.meeting()
        started = kit.started(meeting_id)

        assert kit.stop(meeting_id).status_code == 200

        assert kit.status(started["id"]) == "IDLE"
        kit.join(meeting_id, kit.participant(meeting_id, "alice"))
        kit.advance(5)
        assert kit.status(started["id"]) == "IDLE"  # a later session does not revive it
        assert kit.stream_sessions(started["id"]) == []

    def test_none_is_not_found(self, kit: Kit, live: Live) -> None:
        refused(kit.stop(live.meeting_id), 404, "No active livestream")
        kit.started(live.meeting_id)
        assert kit.stop(live.meeting_id).status_code == 200
        refused(kit.stop(live.meeting_id), 404, "No active livestream")
        refused(kit.stop(NO_SUCH_ID), 404, "No meeting")


class TestGetMeetingLivestreams:
    def test_its_livestreams_and_their_sessions_newest_first(self, kit: Kit, live: Live) -> None:
        first = kit.started(live.meeting_id)
        kit.advance(2)
        kit.stop(live.meeting_id)
        kit.advance(5)
        second = kit.started(live.meeting_id)
        kit.advance(2)
        kit.independent(name="not-the-meetings")

        body = kit.whole(f"/meetings/{live.meeting_id}/livestream")

        paging = {"total_count": 2, "start_offset": 1, "end_offset": 2}
        assert body["paging"] == paging
        data = body["data"]
        assert set(data) == {"livestreams", "livestream", "sessions", "paging"}
        assert data["paging"] == paging
        assert [item["id"] for item in data["livestreams"]] == [second["id"], first["id"]]
        assert data["livestream"] == data["livestreams"][0]
        assert [item["livestream_id"] for item in data["sessions"]] == [
            second["id"],
            first["id"],
        ]
        assert {item["session_id"] for item in data["sessions"]} == {live.session_id}

    def test_a_meeting_never_livestreamed(self, kit: Kit) -> None:
        meeting_id = kit.meeting()

        data = kit.get(f"/meetings/{meeting_id}/livestream")

        assert data["livestreams"] == data["sessions"] == []
        assert data.get("livestream") is None
        assert data["paging"]["total_count"] == 0

    def test_an_unknown_meeting_is_not_found(self, kit: Kit) -> None:
        response = kit.account.get(f"/{kit.app_id}/meetings/{NO_SUCH_ID}/livestream")

        refused(response, 404, "No meeting")


class TestGetSessionLivestreamSessions:
    def test_the_livestream_sessions_it_fed(self, kit: Kit, live: Live) -> None:
        first = kit.started(live.meeting_id)
        kit.advance(2)
        kit.stop(live.meeting_id)
        second = kit.started(live.meeting_id)
        kit.advance(2)
        other = kit.live(title="Elsewhere")
        kit.started(other.meeting_id)
        kit.advance(2)

        body = kit.whole(f"/sessions/{live.session_id}/livestream-sessions")

        paging = {"total_count": 2, "start_offset": 1, "end_offset": 2}
        assert body["paging"] == paging
        assert set(body["data"]) == {"data", "paging"}
        assert body["data"]["paging"] == paging
        fed = body["data"]["data"]
        assert [item["livestream_id"] for item in fed] == [second["id"], first["id"]]
        assert {item["session_id"] for item in fed} == {live.session_id}
        assert set(fed[0]) == SESSION_FIELDS | {"session_id", "invoked_time"}

    def test_pages(self, kit: Kit, live: Live) -> None:
        for _ in range(3):
            kit.started(live.meeting_id)
            kit.advance(2)
            kit.stop(live.meeting_id)

        body = kit.whole(f"/sessions/{live.session_id}/livestream-sessions", per_page=2)

        assert len(body["data"]["data"]) == 2
        assert body["paging"] == {"total_count": 3, "start_offset": 1, "end_offset": 2}

    def test_a_session_that_fed_none(self, kit: Kit, live: Live) -> None:
        data = kit.get(f"/sessions/{live.session_id}/livestream-sessions")

        assert data == {
            "data": [],
            "paging": {"total_count": 0, "start_offset": 1, "end_offset": 0},
        }

    def test_an_unknown_session_is_not_found(self, kit: Kit) -> None:
        response = kit.account.get(f"/{kit.app_id}/sessions/{NO_SUCH_ID}/livestream-sessions")

        refused(response, 404, "No session")


class TestLiveStreamOnStart:
    """`live_stream_on_start` on a meeting: its sessions start and stop a livestream."""

    @pytest.fixture
    def streamed(self, kit: Kit) -> Live:
        live = kit.live(title="Always on air", live_stream_on_start=True)
        kit.advance(2)
        return live

    def only_livestream(self, kit: Kit, meeting_id: str) -> dict[str, Any]:
        [livestream] = kit.get(f"/meetings/{meeting_id}/livestream")["livestreams"]
        found: dict[str, Any] = livestream
        return found

    def test_a_join_starts_one_live_two_seconds_later(self, kit: Kit, streamed: Live) -> None:
        livestream = self.only_livestream(kit, streamed.meeting_id)

        assert livestream["status"] == "LIVE"
        assert kit.active_livestream(streamed.meeting_id).json()["data"]["id"] == livestream["id"]
        [session] = kit.get(f"/sessions/{streamed.session_id}/livestream-sessions")["data"]
        assert session["livestream_id"] == livestream["id"]

    def test_the_session_ending_by_itself_makes_it_idle(self, kit: Kit, streamed: Live) -> None:
        kit.advance(100)
        kit.leave(streamed.meeting_id, streamed.peer_id)
        kit.advance(60)
        ended = kit.session(streamed.session_id)
        assert ended["status"] == "ENDED"

        livestream = self.only_livestream(kit, streamed.meeting_id)

        assert livestream["status"] == "IDLE"
        [session] = kit.stream_sessions(livestream["id"])
        assert session["stopped_time"] == ended["ended_at"]
        assert session["ingest_seconds"] == 160
        refused(kit.active_livestream(streamed.meeting_id), 404, "No active livestream")

    def test_kick_all_makes_it_idle_at_once(self, kit: Kit, streamed: Live) -> None:
        kit.advance(10)

        kit.kick_all(streamed.meeting_id)

        livestream = self.only_livestream(kit, streamed.meeting_id)
        assert livestream["status"] == "IDLE"
        [session] = kit.stream_sessions(livestream["id"])
        assert at(session["stopped_time"]) == at(kit.now())
        assert session["ingest_seconds"] == 10

    def test_each_session_starts_a_new_one(self, kit: Kit, streamed: Live) -> None:
        kit.kick_all(streamed.meeting_id)
        first = self.only_livestream(kit, streamed.meeting_id)

        joined = kit.join(streamed.meeting_id, kit.participant(streamed.meeting_id, "bob"))
        kit.advance(2)

        livestreams = kit.get(f"/meetings/{streamed.meeting_id}/livestream")["livestreams"]
        assert [item["status"] for item in livestreams] == ["LIVE", "IDLE"]
        assert livestreams[1]["id"] == first["id"]
        [session] = kit.get(f"/sessions/{joined['session_id']}/livestream-sessions")["data"]
        assert session["livestream_id"] == livestreams[0]["id"]

    def test_one_already_waiting_is_the_one_that_goes_live(self, kit: Kit) -> None:
        meeting_id = kit.meeting(live_stream_on_start=True)
        waiting = kit.started(meeting_id, name="waiting")
        kit.advance(5)

        kit.join(meeting_id, kit.participant(meeting_id, "alice"))

        livestreams = kit.get(f"/meetings/{meeting_id}/livestream")["livestreams"]
        assert [(item["id"], item["status"]) for item in livestreams] == [(waiting["id"], "LIVE")]

    def test_a_meeting_without_it_starts_none(self, kit: Kit, live: Live) -> None:
        kit.advance(5)

        assert kit.get(f"/meetings/{live.meeting_id}/livestream")["livestreams"] == []
        assert kit.ids() == []


class TestLivestreamEvents:
    """`livestreaming.statusUpdate` rows, written with each change of status."""

    def test_an_independent_livestream(self, kit: Kit, deployment: Deployment) -> None:
        livestream = kit.independent(name="rtmp")
        kit.fed(livestream["id"], state="live")
        kit.fed(livestream["id"], viewers=2)  # no change of status, no event
        kit.fed(livestream["id"], state="idle")

        assert status_updates(deployment, kit.app_id) == [
            (livestream["id"], "INVOKED"),
            (livestream["id"], "LIVE"),
            (livestream["id"], "IDLE"),
        ]
        payload = status_payloads(deployment, kit.app_id)[1]
        assert payload["event"] == "livestreaming.statusUpdate"
        assert payload["manualIngest"] is True
        assert payload["streamKey"] == livestream["stream_key"]
        assert payload["playbackUrl"] == livestream["playback_url"]
        assert "meeting" not in payload

    def test_a_meetings_livestream_through_its_session(
        self, kit: Kit, deployment: Deployment
    ) -> None:
        live = kit.live(live_stream_on_start=True)
        kit.advance(2)
        kit.kick_all(live.meeting_id)
        livestream_id = kit.get(f"/meetings/{live.meeting_id}/livestream")["livestream"]["id"]

        assert status_updates(deployment, kit.app_id) == [
            (livestream_id, "INVOKED"),
            (livestream_id, "LIVE"),
            (livestream_id, "IDLE"),
        ]
        payloads = status_payloads(deployment, kit.app_id)
        assert {payload["manualIngest"] for payload in payloads} == {False}
        assert {payload["meeting"]["sessionId"] for payload in payloads} == {live.session_id}

    def test_a_refused_change_leaves_none(self, kit: Kit, deployment: Deployment) -> None:
        livestream = kit.independent()
        kit.fed(livestream["id"], state="live")
        before = status_updates(deployment, kit.app_id)

        # it would go IDLE, and an IDLE livestream has no viewers: all of it is undone
        conflict(kit.feed(livestream["id"], state="idle", viewers=3))

        assert status_updates(deployment, kit.app_id) == before
        assert kit.status(livestream["id"]) == "LIVE"
        assert "stopped_time" not in kit.stream_sessions(livestream["id"])[0]
