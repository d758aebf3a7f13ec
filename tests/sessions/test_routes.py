"""Sessions (contract A7) and the active session (A9) over HTTP: the 15 operations, their
shapes, filters, sorting and paging, and every kind of bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from meetd.deployment import Deployment
from tests.sessions.support import (
    NO_ACTIVE_SESSION,
    PEER_FIELDS,
    PUBLIC_URL,
    SESSION_FIELDS,
    TIMESTAMP,
    URL_LIFETIME,
    Activity,
    Ended,
    event_types,
    events,
    state,
)
from tests.support import Account, at, later

MISSING = "00000000-0000-4000-8000-000000000000"


def refused(response: Any, status: int, message: str) -> None:
    """The error body of contract A3, its message starting with `message`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == status
    assert body["error"]["message"].startswith(message), body["error"]["message"]


def flat(session: dict[str, Any]) -> dict[str, Any]:
    """A session as GET .../sessions/{id} answers it, without its `session` copy."""
    return {key: value for key, value in session.items() if key != "session"}


def seconds_present(joined: dict[str, Any], left: dict[str, Any]) -> int:
    """A peer's time in a session, to the second (contract A7)."""
    return round((at(left["left_at"]) - at(joined["joined_at"])).total_seconds())


# -- sessions ----------------------------------------------------------------------------


class TestListSessions:
    @pytest.fixture
    def listed(self, activity: Activity) -> list[dict[str, Any]]:
        """Three sessions, oldest first: "Alpha standup" (ENDED, 3 minutes), "Beta review"
        (ENDED, 10 minutes) and "alpha retro" (LIVE, just started)."""
        made = []
        for title, seconds in (("Alpha standup", 180), ("Beta review", 600)):
            meeting = activity.meeting(title=title)
            joined = activity.join(meeting, activity.participant(meeting, "p"))
            activity.advance(seconds)
            activity.leave(meeting, joined["peer_id"])
            activity.advance(61)
            made.append(joined["session_id"])
        retro = activity.meeting(title="alpha retro")
        made.append(activity.join(retro, activity.participant(retro, "p"))["session_id"])
        return [flat(activity.session(session)) for session in made]

    def ids(self, activity: Activity, **params: Any) -> list[str]:
        page = activity.account.get(f"/{activity.app_id}/sessions", params=params)
        assert page.status_code == 200, page.text
        return [session["id"] for session in page.json()["data"]["sessions"]]

    def test_newest_first_with_top_level_paging(
        self, activity: Activity, listed: list[dict[str, Any]]
    ) -> None:
        alpha, beta, retro = listed

        response = activity.account.get(f"/{activity.app_id}/sessions")

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"success", "data", "paging"}
        assert body["paging"] == {"total_count": 3, "start_offset": 1, "end_offset": 3}
        assert set(body["data"]) == {"sessions"}
        items = body["data"]["sessions"]
        assert [item["id"] for item in items] == [retro["id"], beta["id"], alpha["id"]]
        assert items[1:] == [beta, alpha]
        assert set(items[0]) == SESSION_FIELDS
        assert set(beta) == SESSION_FIELDS | {"ended_at"}
        assert (beta["status"], beta["minutes_consumed"]) == ("ENDED", 10.0)
        assert (alpha["status"], alpha["minutes_consumed"]) == ("ENDED", 3.0)
        assert (items[0]["status"], items[0]["live_participants"]) == ("LIVE", 1)
        other = activity.account.get(f"/{activity.account.create_app('other')}/sessions")
        assert other.json()["data"] == {"sessions": []}  # only the app's sessions

    def test_sorts(self, activity: Activity, listed: list[dict[str, Any]]) -> None:
        orders = {
            ("createdAt", "DESC"): [2, 1, 0],
            ("createdAt", "ASC"): [0, 1, 2],
            ("minutesConsumed", "DESC"): [1, 0, 2],
            ("minutesConsumed", "ASC"): [2, 0, 1],
        }

        for (sort_by, sort_order), order in orders.items():
            ids = self.ids(activity, sort_by=sort_by, sort_order=sort_order)
            assert ids == [listed[n]["id"] for n in order], (sort_by, sort_order)

    def test_sort_by_minutes_counts_the_minutes_of_live_sessions(self, activity: Activity) -> None:
        short = activity.meeting(title="short, ended")
        joined = activity.join(short, activity.participant(short, "p"))
        activity.advance(300)
        activity.leave(short, joined["peer_id"])
        activity.advance(61)
        long = activity.meeting(title="long, still live")
        activity.join(long, activity.participant(long, "p"))
        activity.advance(600)

        page = activity.get("/sessions", sort_by="minutesConsumed", sort_order="DESC")

        # the LIVE session has 10 minutes so far, the ENDED one 5
        titles = [session["meeting_display_name"] for session in page["sessions"]]
        minutes = [session["minutes_consumed"] for session in page["sessions"]]
        assert minutes == sorted(minutes, reverse=True)
        assert titles == ["long, still live", "short, ended"]

    def test_pages_have_one_based_inclusive_offsets(
        self, activity: Activity, listed: list[dict[str, Any]]
    ) -> None:
        pages = {1: ([2, 1], 1, 2), 2: ([0], 3, 3), 3: ([], 5, 4)}

        for page_no, (order, first, last) in pages.items():
            page = activity.account.get(
                f"/{activity.app_id}/sessions", params={"page_no": page_no, "per_page": "2.0"}
            ).json()
            ids = [session["id"] for session in page["data"]["sessions"]]
            assert ids == [listed[n]["id"] for n in order], page_no
            assert page["paging"] == {"total_count": 3, "start_offset": first, "end_offset": last}

    def test_status_and_associated_id_filter_exactly(
        self, activity: Activity, listed: list[dict[str, Any]]
    ) -> None:
        alpha, beta, retro = listed

        assert self.ids(activity, status="LIVE") == [retro["id"]]
        assert self.ids(activity, status="ENDED") == [beta["id"], alpha["id"]]
        assert self.ids(activity, associated_id=alpha["associated_id"]) == [alpha["id"]]
        assert self.ids(activity, associated_id=MISSING) == []

    def test_search_finds_a_session_id_a_meeting_id_or_part_of_a_title(
        self, activity: Activity, listed: list[dict[str, Any]]
    ) -> None:
        alpha, beta, retro = listed

        assert self.ids(activity, search=beta["id"]) == [beta["id"]]
        assert self.ids(activity, search=alpha["associated_id"]) == [alpha["id"]]
        assert self.ids(activity, search="ALPHA") == [retro["id"], alpha["id"]]
        assert self.ids(activity, search="view") == [beta["id"]]
        assert self.ids(activity, search="%") == []

    def test_time_window_bounds_started_at_inclusively(
        self, activity: Activity, listed: list[dict[str, Any]]
    ) -> None:
        alpha, beta, retro = listed
        started = beta["started_at"]

        assert self.ids(activity, start_time=started, end_time=started) == [beta["id"]]
        assert self.ids(activity, start_time=started) == [retro["id"], beta["id"]]
        assert self.ids(activity, end_time=started) == [beta["id"], alpha["id"]]
        assert self.ids(
            activity, start_time=later(started, 0.001), end_time=retro["started_at"]
        ) == [retro["id"]]
        assert self.ids(activity, end_time=later(started, -0.001)) == [alpha["id"]]

    def test_bad_parameters_are_refused_naming_them(
        self, activity: Activity, deployment: Deployment, listed: list[dict[str, Any]]
    ) -> None:
        before = state(deployment, activity.app_id)

        for params, message in [
            ({"per_page": 101}, "per_page: must be less than or equal to 100"),
            ({"sort_by": "startedAt"}, "sort_by: must be 'createdAt' or 'minutesConsumed'"),
            ({"sort_order": "UP"}, "sort_order: must be 'ASC' or 'DESC'"),
            ({"status": "OPEN"}, "status: must be 'LIVE' or 'ENDED'"),
            ({"associated_id": "not-a-uuid"}, "associated_id: must be a valid UUID"),
            ({"start_time": "yesterday"}, "start_time: must be an ISO 8601 date-time"),
        ]:
            response = activity.account.get(f"/{activity.app_id}/sessions", params=params)
            refused(response, 400, message)

        assert state(deployment, activity.app_id) == before

    def test_a_search_with_a_nul_character_is_refused(self, activity: Activity) -> None:
        meeting = activity.meeting(title="a")
        activity.join(meeting, activity.participant(meeting, "p"))

        response = activity.account.get(f"/{activity.app_id}/sessions", params={"search": "a\x00"})

        # as every other search of meetd's (tests/web/test_hostile.py); PostgreSQL cannot
        # compare text with a NUL in it
        refused(response, 400, "search: must not contain NUL characters")


class TestGetSession:
    def test_a_live_session(self, activity: Activity, app_id: str) -> None:
        meeting = activity.meeting(title="Standup")
        first = activity.join(meeting, activity.participant(meeting, "a"))
        second = activity.join(meeting, activity.participant(meeting, "b"))

        session = activity.session(first["session_id"])

        assert second["session_id"] == first["session_id"]
        assert set(session) == SESSION_FIELDS | {"session"}
        assert session["session"] == flat(session)
        assert {key: session[key] for key in SESSION_FIELDS - {"minutes_consumed"}} == {
            "id": first["session_id"],
            "associated_id": meeting,
            "meeting_display_name": "Standup",
            "type": "meeting",
            "status": "LIVE",
            "live_participants": 2,
            "max_concurrent_participants": 2,
            "organization_id": app_id,
            "started_at": first["joined_at"],
            "created_at": first["joined_at"],
            "updated_at": second["joined_at"],
        }
        assert session["minutes_consumed"] < 0.1
        untitled = activity.meeting()
        joined = activity.join(untitled, activity.participant(untitled, "a"))
        assert activity.session(joined["session_id"])["meeting_display_name"] == ""

    def test_counts_and_minutes_add_up(self, activity: Activity) -> None:
        meeting = activity.meeting()
        a, b, c = (activity.participant(meeting, name) for name in "abc")
        peer_a = activity.join(meeting, a)
        peer_b = activity.join(meeting, b)
        session_id = peer_a["session_id"]
        activity.advance(600)

        live = activity.session(session_id)
        assert (live["live_participants"], live["max_concurrent_participants"]) == (2, 2)
        assert live["minutes_consumed"] == pytest.approx(20.0, abs=1 / 60)  # up to now

        left_a = activity.leave(meeting, peer_a["peer_id"])
        left_b = activity.leave(meeting, peer_b["peer_id"])
        emptied = activity.session(session_id)
        assert (emptied["status"], emptied["live_participants"]) == ("LIVE", 0)
        seconds = seconds_present(peer_a, left_a) + seconds_present(peer_b, left_b)
        assert seconds == 1200
        assert emptied["minutes_consumed"] == 20.0

        activity.advance(30)
        peer_c = activity.join(meeting, c)
        assert peer_c["session_id"] == session_id
        activity.advance(90)
        activity.leave(meeting, peer_c["peer_id"])
        activity.advance(61)

        ended = activity.session(session_id)
        assert ended["status"] == "ENDED"
        assert (ended["live_participants"], ended["max_concurrent_participants"]) == (0, 2)
        assert ended["minutes_consumed"] == 21.5

    def test_an_ended_session(self, activity: Activity, ended: Ended) -> None:
        session = activity.session(ended.session_id)

        assert set(session) == SESSION_FIELDS | {"ended_at", "session"}
        assert session["session"] == flat(session)
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(ended.bob_left["left_at"], 60)
        assert session["updated_at"] == session["ended_at"]
        assert (session["live_participants"], session["max_concurrent_participants"]) == (0, 2)
        seconds = seconds_present(ended.alice_joined, ended.alice_left) + seconds_present(
            ended.bob_joined, ended.bob_left
        )
        assert session["minutes_consumed"] == round(seconds / 60, 4)
        assert all(TIMESTAMP.fullmatch(session[key]) for key in ("started_at", "ended_at"))

    def test_the_keep_alive_is_the_meetings_then_a_join_starts_anew(
        self, activity: Activity
    ) -> None:
        meeting = activity.meeting(session_keep_alive_time_in_secs=120)
        participant = activity.participant(meeting, "a")
        joined = activity.join(meeting, participant)
        left = activity.leave(meeting, joined["peer_id"])

        activity.advance(119)
        assert activity.session(joined["session_id"])["status"] == "LIVE"

        activity.advance(2)
        session = activity.session(joined["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 120)

        again = activity.join(meeting, participant)
        assert again["session_id"] != joined["session_id"]
        assert activity.session(again["session_id"])["status"] == "LIVE"

    def test_breakout_rooms_only_when_asked(self, activity: Activity, ended: Ended) -> None:
        path = f"/sessions/{ended.session_id}"

        asked = activity.get(path, include_breakout_rooms="true")
        default = activity.get(path, include_breakout_rooms="false")

        assert asked["breakout_rooms"] == asked["session"]["breakout_rooms"] == []
        assert "breakout_rooms" not in default
        assert "breakout_rooms" not in default["session"]

    def test_unknown_or_another_apps_session_is_not_found(self, activity: Activity) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        other = activity.account.create_app("other")

        missing = activity.account.get(f"/{activity.app_id}/sessions/{MISSING}")
        elsewhere = activity.account.get(f"/{other}/sessions/{joined['session_id']}")

        refused(missing, 404, f"No session with id {MISSING}")
        refused(elsewhere, 404, f"No session with id {joined['session_id']}")


class TestListSessionParticipants:
    def rows(self, activity: Activity, session_id: str, **params: Any) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = activity.get(
            f"/sessions/{session_id}/participants", **params
        )["participants"]
        return listed

    def test_one_row_per_peer(self, activity: Activity, ended: Ended) -> None:
        response = activity.account.get(
            f"/{activity.app_id}/sessions/{ended.session_id}/participants"
        )

        body = response.json()
        assert set(body) == {"success", "data", "paging"}
        assert body["paging"] == {"total_count": 2, "start_offset": 1, "end_offset": 2}
        alice, bob = body["data"]["participants"]
        assert alice == {
            "id": ended.alice_peer,
            "user_id": ended.alice,
            "custom_participant_id": "alice-1",
            "display_name": "Alice",
            "preset_name": "group_call_host",
            "joined_at": ended.alice_joined["joined_at"],
            "left_at": ended.alice_left["left_at"],
            "duration": round(seconds_present(ended.alice_joined, ended.alice_left) / 60, 4),
            "created_at": ended.alice_joined["joined_at"],
            "updated_at": ended.alice_left["left_at"],
        }
        assert (bob["id"], bob["user_id"], bob["left_at"]) == (
            ended.bob_peer,
            ended.bob,
            ended.bob_left["left_at"],
        )

    def test_a_present_peer_has_no_left_at_and_counts_up_to_now(self, activity: Activity) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.advance(90)

        (row,) = self.rows(activity, joined["session_id"])

        assert set(row) == PEER_FIELDS
        assert row["duration"] == 1.5
        assert row["display_name"] is None

    def test_consolidated_is_one_row_per_participant(self, activity: Activity) -> None:
        meeting = activity.meeting()
        alice, bob = activity.participant(meeting, "a", "Alice"), activity.participant(meeting, "b")
        tab = activity.join(meeting, alice)
        activity.advance(60)
        phone = activity.join(meeting, alice)
        activity.join(meeting, bob)
        activity.advance(60)
        left = activity.leave(meeting, tab["peer_id"])
        activity.advance(60)
        session_id = tab["session_id"]

        first, second = self.rows(activity, session_id, view="consolidated")

        assert first["user_id"] == alice
        assert first["joined_at"] == tab["joined_at"]
        assert first["duration"] == 4.0  # 2 minutes on each peer
        assert "left_at" not in first  # the phone is still there
        assert (second["user_id"], second["duration"]) == (bob, 2.0)
        assert len(self.rows(activity, session_id)) == 3

        gone = activity.leave(meeting, phone["peer_id"])
        first = self.rows(activity, session_id, view="consolidated")[0]
        assert first["left_at"] == gone["left_at"] != left["left_at"]

    def test_peer_events_only_when_asked(self, activity: Activity, ended: Ended) -> None:
        plain = self.rows(activity, ended.session_id)
        alice, bob = self.rows(activity, ended.session_id, include_peer_events="true")

        assert all("peer_events" not in row for row in plain)
        assert [
            (e["event_name"], e["peer_id"], e["session_id"], e["created_at"])
            for e in alice["peer_events"]
        ] == [
            ("PEER_JOINING", ended.alice_peer, ended.session_id, ended.alice_joined["joined_at"]),
            ("PEER_LEAVING", ended.alice_peer, ended.session_id, ended.alice_left["left_at"]),
        ]
        assert [e["event_name"] for e in bob["peer_events"]] == ["PEER_JOINING", "PEER_LEAVING"]

    def test_sorts_and_pages(self, activity: Activity, ended: Ended) -> None:
        alice, bob = ended.alice_peer, ended.bob_peer  # Bob came 5 s later, left just after
        orders: list[tuple[dict[str, str], list[str]]] = [
            ({}, [alice, bob]),
            ({"sort_order": "DESC"}, [bob, alice]),
            ({"sort_by": "duration"}, [bob, alice]),
            ({"sort_by": "duration", "sort_order": "DESC"}, [alice, bob]),
        ]

        for params, order in orders:
            rows = self.rows(activity, ended.session_id, **params)
            assert [row["id"] for row in rows] == order, params
        page = activity.account.get(
            f"/{activity.app_id}/sessions/{ended.session_id}/participants",
            params={"page_no": 2, "per_page": 1},
        ).json()
        assert [row["id"] for row in page["data"]["participants"]] == [bob]
        assert page["paging"] == {"total_count": 2, "start_offset": 2, "end_offset": 2}

    def test_search_finds_a_peer_a_participant_a_custom_id_or_part_of_a_name(
        self, activity: Activity, ended: Ended
    ) -> None:
        alice, bob = ended.alice_peer, ended.bob_peer
        found = {
            "LIC": [alice],
            "BOB-1": [bob],
            "bob": [bob],
            ended.alice_peer: [alice],
            ended.bob: [bob],
            ended.session_id: [],
            "nobody": [],
        }

        for term, peers in found.items():
            rows = self.rows(activity, ended.session_id, search=term)
            assert [row["id"] for row in rows] == peers, term

    def test_bad_parameters_are_refused_naming_them(
        self, activity: Activity, deployment: Deployment, ended: Ended
    ) -> None:
        before = state(deployment, activity.app_id)

        for params, message in [
            ({"per_page": 101}, "per_page: must be less than or equal to 100"),
            ({"sort_by": "name"}, "sort_by: must be 'joinedAt' or 'duration'"),
            ({"sort_order": "up"}, "sort_order: must be 'ASC' or 'DESC'"),
            ({"view": "flat"}, "view: must be 'raw' or 'consolidated'"),
            ({"include_peer_events": "maybe"}, "include_peer_events: must be"),
        ]:
            response = activity.account.get(
                f"/{activity.app_id}/sessions/{ended.session_id}/participants", params=params
            )
            refused(response, 400, message)

        assert state(deployment, activity.app_id) == before

    def test_unknown_session_is_not_found(self, account: Account, app_id: str) -> None:
        response = account.get(f"/{app_id}/sessions/{MISSING}/participants")

        refused(response, 404, f"No session with id {MISSING}")

    def test_a_search_with_a_nul_character_is_refused(self, activity: Activity) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))

        response = activity.account.get(
            f"/{activity.app_id}/sessions/{joined['session_id']}/participants",
            params={"search": "a\x00"},
        )

        refused(response, 400, "search: must not contain NUL characters")


class TestGetSessionParticipant:
    def test_answers_the_peer_as_listed(self, activity: Activity, ended: Ended) -> None:
        listed = activity.get(f"/sessions/{ended.session_id}/participants")["participants"]
        path = f"/sessions/{ended.session_id}/participants/{ended.bob_peer}"

        answer = activity.get(path)
        asked = activity.get(path, include_peer_events="true")["participant"]

        assert answer == {"participant": listed[1]}
        assert "peer_events" not in listed[1]
        assert [event["event_name"] for event in asked["peer_events"]] == [
            "PEER_JOINING",
            "PEER_LEAVING",
        ]

    def test_a_peer_of_another_session_or_none_is_not_found(self, activity: Activity) -> None:
        meeting = activity.meeting()
        participant = activity.participant(meeting, "a")
        first = activity.join(meeting, participant)
        activity.leave(meeting, first["peer_id"])
        activity.advance(61)
        second = activity.join(meeting, participant)
        path = f"/{activity.app_id}/sessions/{first['session_id']}/participants"

        for peer in (second["peer_id"], MISSING):
            response = activity.account.get(f"{path}/{peer}")
            refused(response, 404, f"No participant (peer) with id {peer}")


def check_link(activity: Activity, url: str, expiry: str, before: str) -> None:
    """An absolute URL of meetd's, valid 7 days on the app clock from when it was issued
    (after `before`); the expiry is written to the second."""
    assert url.startswith(f"{PUBLIC_URL}/files/{activity.app_id}/")
    assert "signature=" in url
    assert TIMESTAMP.fullmatch(expiry)
    earliest = at(before).replace(microsecond=0) + URL_LIFETIME
    assert earliest <= at(expiry) <= at(activity.now()) + URL_LIFETIME


class TestGetSessionChat:
    def test_answers_a_download_url(self, activity: Activity, ended: Ended) -> None:
        before = activity.now()

        chat = activity.get(f"/sessions/{ended.session_id}/chat")

        assert set(chat) == {"chat_download_url", "chat_download_url_expiry"}
        check_link(activity, chat["chat_download_url"], chat["chat_download_url_expiry"], before)
        assert "/chat.csv?" in chat["chat_download_url"]

    def test_none_before_the_end_nor_when_nobody_chatted(self, activity: Activity) -> None:
        meeting = activity.meeting()
        participant = activity.participant(meeting, "a")
        silent = activity.session_of(meeting, participant)
        joined = activity.join(meeting, participant)
        activity.chat(meeting, joined["peer_id"], "hi")
        path = f"/{activity.app_id}/sessions"

        live = activity.account.get(f"{path}/{joined['session_id']}/chat")
        nobody = activity.account.get(f"{path}/{silent}/chat")
        unknown = activity.account.get(f"{path}/{MISSING}/chat")

        refused(live, 404, "No chat")
        assert "still LIVE" in live.json()["error"]["message"]
        refused(nobody, 404, f"No chat (nobody chatted) for session {silent}")
        refused(unknown, 404, f"No session with id {MISSING}")


class TestGetSessionTranscript:
    def test_answers_a_download_url_per_format(self, activity: Activity, ended: Ended) -> None:
        path = f"/sessions/{ended.session_id}/transcript"
        default = activity.get(path)["transcript_download_url"]

        for format in ("CSV", "JSON", "SRT", "VTT"):
            before = activity.now()
            transcript = activity.get(path, format=format)
            assert set(transcript) == {
                "sessionId",
                "transcript_download_url",
                "transcript_download_url_expiry",
            }
            assert transcript["sessionId"] == ended.session_id
            url = transcript["transcript_download_url"]
            check_link(activity, url, transcript["transcript_download_url_expiry"], before)
            assert f"/transcript.{format.lower()}?" in url
        assert "/transcript.csv?" in default

    def test_an_unknown_format_is_refused(
        self, activity: Activity, deployment: Deployment, ended: Ended
    ) -> None:
        before = state(deployment, activity.app_id)

        for format in ("TXT", "csv", ""):
            response = activity.account.get(
                f"/{activity.app_id}/sessions/{ended.session_id}/transcript",
                params={"format": format},
            )
            refused(response, 400, "format: must be 'CSV', 'JSON', 'SRT' or 'VTT'")

        assert state(deployment, activity.app_id) == before

    def test_none_before_the_end_nor_when_not_made(self, activity: Activity) -> None:
        made = []
        for meeting, speaks in [({}, True), ({"transcribe_on_end": True}, False)]:
            meeting_id = activity.meeting(**meeting)
            joined = activity.join(meeting_id, activity.participant(meeting_id, "a"))
            if speaks:
                activity.speak(meeting_id, joined["peer_id"], "hello")
            activity.leave(meeting_id, joined["peer_id"])
            made.append(joined["session_id"])
        live_meeting = activity.meeting(transcribe_on_end=True)
        live = activity.join(live_meeting, activity.participant(live_meeting, "a"))
        activity.speak(live_meeting, live["peer_id"], "hello")
        activity.advance(61)
        path = f"/{activity.app_id}/sessions"

        for session_id in made:  # not transcribed, or nobody spoke
            response = activity.account.get(f"{path}/{session_id}/transcript")
            refused(response, 404, "No transcript")
        response = activity.account.get(f"{path}/{live['session_id']}/transcript")
        refused(response, 404, "No transcript")
        assert "still LIVE" in response.json()["error"]["message"]
        refused(activity.account.get(f"{path}/{MISSING}/transcript"), 404, "No session")

    def test_summarize_on_end_alone_makes_one(self, activity: Activity) -> None:
        meeting = activity.meeting(summarize_on_end=True)
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.speak(meeting, joined["peer_id"], "hello")
        activity.leave(meeting, joined["peer_id"])
        activity.advance(61)

        transcript = activity.get(f"/sessions/{joined['session_id']}/transcript")

        assert transcript["sessionId"] == joined["session_id"]


class TestGetSessionSummary:
    def test_answers_a_download_url(self, activity: Activity, ended: Ended) -> None:
        before = activity.now()

        summary = activity.get(f"/sessions/{ended.session_id}/summary")

        assert set(summary) == {"sessionId", "summaryDownloadUrl", "summaryDownloadUrlExpiry"}
        assert summary["sessionId"] == ended.session_id
        check_link(
            activity, summary["summaryDownloadUrl"], summary["summaryDownloadUrlExpiry"], before
        )

    def test_none_before_the_end_nor_without_summarize_on_end(self, activity: Activity) -> None:
        transcribed = activity.meeting(transcribe_on_end=True)
        joined = activity.join(transcribed, activity.participant(transcribed, "a"))
        activity.speak(transcribed, joined["peer_id"], "hello")
        activity.leave(transcribed, joined["peer_id"])
        activity.advance(61)
        summarized = activity.meeting(summarize_on_end=True)
        live = activity.join(summarized, activity.participant(summarized, "a"))
        activity.speak(summarized, live["peer_id"], "hello")
        path = f"/{activity.app_id}/sessions"

        for session_id in (joined["session_id"], live["session_id"]):
            response = activity.account.get(f"{path}/{session_id}/summary")
            refused(response, 404, f"No summary for session {session_id}")
        refused(activity.account.get(f"{path}/{MISSING}/summary"), 404, "No session")


class TestGenerateSummary:
    def transcribed(self, activity: Activity) -> str:
        meeting = activity.meeting(transcribe_on_end=True)
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.speak(meeting, joined["peer_id"], "hello there")
        activity.leave(meeting, joined["peer_id"])
        activity.advance(61)
        return str(joined["session_id"])

    def test_summarizes_the_transcript(self, activity: Activity, deployment: Deployment) -> None:
        session_id = self.transcribed(activity)
        assert "meeting.summary" not in event_types(deployment, activity.app_id)

        started = activity.call("POST", f"/sessions/{session_id}/summary")

        assert started == {"session_id": session_id, "status": "COMPLETED"}
        summary = activity.get(f"/sessions/{session_id}/summary")
        assert summary["sessionId"] == session_id
        assert event_types(deployment, activity.app_id)[-1] == "meeting.summary"

    def test_a_summary_that_exists_stays(
        self, activity: Activity, deployment: Deployment, ended: Ended
    ) -> None:
        before = state(deployment, activity.app_id)

        started = activity.call("POST", f"/sessions/{ended.session_id}/summary")

        assert started == {"session_id": ended.session_id, "status": "COMPLETED"}
        assert state(deployment, activity.app_id) == before

    def test_needs_the_transcript_of_an_ended_session(
        self, activity: Activity, deployment: Deployment
    ) -> None:
        untranscribed = activity.meeting()
        ended = activity.join(untranscribed, activity.participant(untranscribed, "a"))
        activity.speak(untranscribed, ended["peer_id"], "not transcribed")
        activity.leave(untranscribed, ended["peer_id"])
        activity.advance(61)
        transcribed = activity.meeting(transcribe_on_end=True)
        live = activity.join(transcribed, activity.participant(transcribed, "a"))
        activity.speak(transcribed, live["peer_id"], "hello")
        path = f"/{activity.app_id}/sessions"
        before = state(deployment, activity.app_id)

        not_transcribed = activity.account.post(f"{path}/{ended['session_id']}/summary")
        still_live = activity.account.post(f"{path}/{live['session_id']}/summary")
        unknown = activity.account.post(f"{path}/{MISSING}/summary")

        refused(not_transcribed, 404, "No transcript to summarize")
        refused(still_live, 404, "No transcript to summarize")
        assert "still LIVE" in still_live.json()["error"]["message"]
        refused(unknown, 404, f"No session with id {MISSING}")
        assert state(deployment, activity.app_id) == before


class TestGetPeerReport:
    def test_the_peer_with_its_role_and_what_its_join_reported(
        self, activity: Activity, ended: Ended
    ) -> None:
        listed = activity.get(f"/sessions/{ended.session_id}/participants")["participants"][0]

        report = activity.get(f"/sessions/peer-report/{ended.alice_peer}")

        assert report == {
            "participant": {
                **listed,
                "role": "group_call_host",
                "session_id": ended.session_id,
                "peer_report": {
                    "metadata": {
                        "browser_metadata": {"browser": "Firefox"},
                        "device_info": {"os": "Linux"},
                    },
                    "quality": {},
                },
            }
        }

    def test_metadata_sections_and_other_keys(self, activity: Activity) -> None:
        meeting = activity.meeting()
        metadata = {"browser_version": "120", "os_version": "14", "city": "Lyon", "sdk": "web"}
        joined = activity.join(meeting, activity.participant(meeting, "a"), metadata=metadata)

        report = activity.get(f"/sessions/peer-report/{joined['peer_id']}")["participant"]

        assert report["peer_report"]["metadata"] == {
            "browser_metadata": {"browser_version": "120"},
            "device_info": {"os_version": "14"},
            "ip_information": {"city": "Lyon"},
            "sdk": "web",
        }
        assert "left_at" not in report

    def test_filters_and_peer_events(self, activity: Activity, ended: Ended) -> None:
        path = f"/sessions/peer-report/{ended.alice_peer}"

        filtered = activity.get(path, filters="device_info")["participant"]
        asked = activity.get(path, include_peer_events="true")["participant"]

        assert filtered["peer_report"]["metadata"] == {"device_info": {"os": "Linux"}}
        assert [event["event_name"] for event in asked["peer_events"]] == [
            "PEER_JOINING",
            "PEER_LEAVING",
        ]

    def test_a_peer_of_another_app_or_none_is_not_found(
        self, account: Account, activity: Activity
    ) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        other = account.create_app("other")

        elsewhere = account.get(f"/{other}/sessions/peer-report/{joined['peer_id']}")
        missing = account.get(f"/{activity.app_id}/sessions/peer-report/{MISSING}")

        refused(elsewhere, 404, f"No peer with id {joined['peer_id']}")
        refused(missing, 404, f"No peer with id {MISSING}")


# -- the active session ------------------------------------------------------------------


class Meeting:
    """A meeting with a LIVE session: Alice twice (two tabs), Bob once; Carol, a participant
    of the meeting, is not in it."""

    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.id = activity.meeting(title="Live one")
        self.alice = activity.participant(self.id, "alice-1", "Alice")
        self.bob = activity.participant(self.id, "bob-1", "Bob")
        self.carol = activity.participant(self.id, "carol-1", "Carol")
        self.alice_tabs = [activity.join(self.id, self.alice) for _ in range(2)]
        self.bob_peer = activity.join(self.id, self.bob)
        self.session_id = str(self.bob_peer["session_id"])

    def peers(self, **params: Any) -> dict[str, dict[str, Any]]:
        """The session's peers, by id."""
        rows = self.activity.get(f"/sessions/{self.session_id}/participants", **params)
        return {row["id"]: row for row in rows["participants"]}

    def participant(self, participant_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.activity.get(
            f"/meetings/{self.id}/participants/{participant_id}"
        )
        return found

    def post(self, action: str, body: Any = None) -> Any:
        return self.activity.account.post(
            f"/{self.activity.app_id}/meetings/{self.id}/active-session/{action}", json=body
        )


@pytest.fixture
def meeting(activity: Activity) -> Meeting:
    return Meeting(activity)


def listed_participant(meeting: Meeting, participant_id: str) -> dict[str, Any]:
    """A participant as kick and mute list it."""
    found = meeting.participant(participant_id)
    return {key: found[key] for key in ("id", "name", "created_at", "updated_at")}


class TestGetActiveSession:
    def test_answers_the_live_session_flat(self, activity: Activity, meeting: Meeting) -> None:
        active = activity.get(f"/meetings/{meeting.id}/active-session")

        assert active == flat(activity.session(meeting.session_id))
        assert (active["status"], active["live_participants"]) == ("LIVE", 3)

    def test_answers_during_the_keep_alive(self, activity: Activity) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.leave(meeting, joined["peer_id"])

        active = activity.get(f"/meetings/{meeting}/active-session")

        assert (active["id"], active["live_participants"]) == (joined["session_id"], 0)


NEITHER_LIST: list[dict[str, Any]] = [
    {},
    {"participant_ids": []},
    {"participant_ids": [], "custom_participant_ids": []},
    {"participant_ids": None, "custom_participant_ids": None},
]


class TestKickParticipants:
    def test_every_peer_of_the_participant_leaves(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        kicked = meeting.post("kick", {"participant_ids": [meeting.alice]})

        assert kicked.status_code == 200, kicked.text
        assert kicked.json()["data"] == {
            "action": "kick",
            "participants": [listed_participant(meeting, meeting.alice)],
        }
        peers = meeting.peers()
        assert all("left_at" in peers[tab["peer_id"]] for tab in meeting.alice_tabs)
        assert "left_at" not in peers[meeting.bob_peer["peer_id"]]
        session = activity.session(meeting.session_id)
        assert (session["status"], session["live_participants"]) == ("LIVE", 1)
        left = [e for e in events(deployment, activity.app_id) if e["type"].endswith("Left")]
        assert sorted(e["payload"]["participant"]["peerId"] for e in left) == sorted(
            tab["peer_id"] for tab in meeting.alice_tabs
        )

    def test_by_custom_participant_ids(self, activity: Activity, meeting: Meeting) -> None:
        kicked = meeting.post("kick", {"custom_participant_ids": ["bob-1"]})

        assert kicked.status_code == 200, kicked.text
        assert kicked.json()["data"]["participants"] == [listed_participant(meeting, meeting.bob)]
        assert activity.session(meeting.session_id)["live_participants"] == 2

    def test_kicking_everyone_leaves_the_keep_alive_to_end_it(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        kicked = meeting.post(
            "kick", {"participant_ids": [meeting.alice], "custom_participant_ids": ["bob-1"]}
        )

        assert [p["id"] for p in kicked.json()["data"]["participants"]] == [
            meeting.alice,
            meeting.bob,
        ]
        assert activity.session(meeting.session_id)["status"] == "LIVE"
        activity.advance(61)
        assert activity.session(meeting.session_id)["status"] == "ENDED"
        assert events(deployment, activity.app_id)[-1]["payload"]["reason"] == (
            "ALL_PARTICIPANTS_LEFT"
        )

    def test_a_kicked_participants_token_still_joins(
        self, activity: Activity, meeting: Meeting
    ) -> None:
        token = activity.token(meeting.id, meeting.bob)
        meeting.post("kick", {"participant_ids": [meeting.bob]})

        rejoined = activity.call(
            "POST", f"/meetings/{meeting.id}/simulate/join", 201, json={"token": token}
        )

        assert rejoined["session_id"] == meeting.session_id

    def test_neither_list_is_refused_naming_participant_ids(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        before = state(deployment, activity.app_id)

        for body in NEITHER_LIST:
            refused(meeting.post("kick", body), 400, "participant_ids: ")

        assert state(deployment, activity.app_id) == before

    def test_participants_not_in_the_session_are_not_found(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        other = activity.meeting()
        stranger = activity.participant(other, "stranger-1")
        activity.join(other, stranger)
        before = state(deployment, activity.app_id)

        for body in [
            {"participant_ids": [stranger]},
            {"custom_participant_ids": ["stranger-1"]},
            {"participant_ids": [meeting.alice, stranger]},
            {"participant_ids": [meeting.alice], "custom_participant_ids": ["stranger-1"]},
            {"participant_ids": [meeting.alice, meeting.carol]},  # Carol is not in it
            {"custom_participant_ids": ["nobody"]},
        ]:
            refused(meeting.post("kick", body), 404, "Participant not found")
        refused(meeting.post("kick", {"participant_ids": ["alice"]}), 400, "participant_ids")

        assert state(deployment, activity.app_id) == before


class TestKickAllParticipants:
    def test_ends_the_session_at_once(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        before = activity.now()

        kicked = meeting.post("kick-all")

        assert kicked.status_code == 200, kicked.text
        assert kicked.json()["data"] == {"action": "kick_all", "kicked_participants_count": 3}
        session = activity.session(meeting.session_id)
        assert (session["status"], session["live_participants"]) == ("ENDED", 0)
        assert before <= session["ended_at"] <= activity.now()
        assert all("left_at" in peer for peer in meeting.peers().values())
        rows = events(deployment, activity.app_id)
        assert [row["type"] for row in rows[-4:]] == [
            *["meeting.participantLeft"] * 3,
            "meeting.ended",
        ]
        ended = rows[-1]["payload"]
        assert ended["reason"] == "HOST_ENDED_MEETING"
        assert ended["meeting"]["endedAt"] == session["ended_at"]
        response = activity.account.get(f"/{activity.app_id}/meetings/{meeting.id}/active-session")
        refused(response, 404, NO_ACTIVE_SESSION)

        activity.advance(600)  # no keep-alive is left to end it again
        assert len(events(deployment, activity.app_id)) == len(rows)

    def test_ends_an_empty_session_in_its_keep_alive(self, activity: Activity) -> None:
        meeting = activity.meeting()
        joined = activity.join(meeting, activity.participant(meeting, "a"))
        activity.leave(meeting, joined["peer_id"])

        kicked = activity.active(meeting, "kick-all")

        assert kicked == {"action": "kick_all", "kicked_participants_count": 0}
        assert activity.session(joined["session_id"])["status"] == "ENDED"

    def test_a_join_afterwards_starts_a_new_session(
        self, activity: Activity, meeting: Meeting
    ) -> None:
        meeting.post("kick-all")

        joined = activity.join(meeting.id, meeting.carol)

        assert joined["session_id"] != meeting.session_id


class TestMuteParticipants:
    def muted(self, meeting: Meeting) -> dict[str, int]:
        """How many AUDIO_MUTED events each peer has."""
        return {
            peer_id: [e["event_name"] for e in peer["peer_events"]].count("AUDIO_MUTED")
            for peer_id, peer in meeting.peers(include_peer_events="true").items()
        }

    def test_adds_audio_muted_peer_events(self, activity: Activity, meeting: Meeting) -> None:
        muted = meeting.post("mute", {"participant_ids": [meeting.alice]})

        assert muted.status_code == 200, muted.text
        assert muted.json()["data"] == {
            "action": "mute",
            "participants": [listed_participant(meeting, meeting.alice)],
        }
        assert self.muted(meeting) == {
            meeting.alice_tabs[0]["peer_id"]: 1,
            meeting.alice_tabs[1]["peer_id"]: 1,
            meeting.bob_peer["peer_id"]: 0,
        }
        session = activity.session(meeting.session_id)
        assert (session["status"], session["live_participants"]) == ("LIVE", 3)

        by_custom_id = meeting.post("mute", {"custom_participant_ids": ["bob-1"]})
        assert by_custom_id.json()["data"]["participants"] == [
            listed_participant(meeting, meeting.bob)
        ]
        assert self.muted(meeting)[meeting.bob_peer["peer_id"]] == 1

    def test_neither_list_is_refused_naming_participant_ids(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        before = state(deployment, activity.app_id)

        for body in NEITHER_LIST:
            refused(meeting.post("mute", body), 400, "participant_ids: ")

        assert state(deployment, activity.app_id) == before

    def test_participants_of_another_meeting_are_not_found(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        other = activity.meeting()
        stranger = activity.participant(other, "stranger-1")
        activity.join(other, stranger)
        before = state(deployment, activity.app_id)

        response = meeting.post("mute", {"participant_ids": [meeting.alice, stranger]})

        refused(response, 404, "Participant not found")
        assert state(deployment, activity.app_id) == before


class TestMuteAllParticipants:
    def test_mutes_every_present_peer(self, activity: Activity, meeting: Meeting) -> None:
        carol = activity.join(meeting.id, meeting.carol)
        activity.leave(meeting.id, carol["peer_id"])

        muted = meeting.post("mute-all")

        assert muted.status_code == 200, muted.text
        assert muted.json()["data"] == {"action": "mute_all", "muted_participants_count": 3}
        mutes = {
            peer_id: [e["event_name"] for e in peer["peer_events"]]
            for peer_id, peer in meeting.peers(include_peer_events="true").items()
        }
        assert mutes.pop(carol["peer_id"]) == ["PEER_JOINING", "PEER_LEAVING"]
        assert all(names == ["PEER_JOINING", "AUDIO_MUTED"] for names in mutes.values())
        again = meeting.post("mute-all", {"allow_unmute": False})
        assert again.json()["data"] == {"action": "mute_all", "muted_participants_count": 3}

    def test_a_bad_allow_unmute_is_refused(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        before = state(deployment, activity.app_id)

        refused(meeting.post("mute-all", {"allow_unmute": "nope"}), 400, "allow_unmute: ")
        assert state(deployment, activity.app_id) == before


class TestCreatePoll:
    def test_creates_a_poll(self, meeting: Meeting) -> None:
        body = {"question": "Lunch?", "options": ["Pizza", "Sushi"], "anonymous": True}

        created = meeting.post("poll", body)

        assert created.status_code == 201, created.text
        data = created.json()["data"]
        assert data["action"] == "create_poll"
        poll = data["poll"]
        assert uuid.UUID(poll["id"])
        assert {key: value for key, value in poll.items() if key != "id"} == {
            "question": "Lunch?",
            "options": [
                {"text": "Pizza", "count": 0, "votes": []},
                {"text": "Sushi", "count": 0, "votes": []},
            ],
            "anonymous": True,
            "hide_votes": False,
            "created_by": "api",
            "voted": [],
        }

    def test_bad_polls_are_refused_naming_the_field(
        self, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        before = state(deployment, activity.app_id)

        for body, message in [
            ({"question": "q", "options": ["only"]}, "options: must have at least 2 items"),
            (
                {"question": "q", "options": [f"o{n}" for n in range(11)]},
                "options: must have at most 10 items",
            ),
            ({"options": ["a", "b"]}, "question: "),
            ({"question": "q", "options": ["a", ""]}, "options[1]: "),
        ]:
            refused(meeting.post("poll", body), 400, message)

        assert state(deployment, activity.app_id) == before


ACTIVE_OPERATIONS = [
    ("GET", "", None),
    ("POST", "/kick", {"custom_participant_ids": ["a"]}),
    ("POST", "/kick-all", None),
    ("POST", "/mute", {"custom_participant_ids": ["a"]}),
    ("POST", "/mute-all", None),
    ("POST", "/poll", {"question": "q", "options": ["a", "b"]}),
]


class TestWithoutALiveSession:
    @pytest.mark.parametrize("history", ["never-met", "ended"])
    def test_every_operation_is_not_found(
        self, activity: Activity, deployment: Deployment, history: str
    ) -> None:
        meeting = activity.meeting()
        participant = activity.participant(meeting, "a")
        if history == "ended":
            activity.session_of(meeting, participant)
        before = state(deployment, activity.app_id)

        for method, action, body in ACTIVE_OPERATIONS:
            response = activity.account.request(
                method, f"/{activity.app_id}/meetings/{meeting}/active-session{action}", json=body
            )
            assert response.status_code == 404, action
            assert response.json()["error"] == {"code": 404, "message": NO_ACTIVE_SESSION}

        assert state(deployment, activity.app_id) == before

    def test_an_unknown_meeting_is_not_found(
        self, activity: Activity, deployment: Deployment
    ) -> None:
        before = state(deployment, activity.app_id)

        for method, action, body in ACTIVE_OPERATIONS:
            response = activity.account.request(
                method, f"/{activity.app_id}/meetings/{MISSING}/active-session{action}", json=body
            )
            refused(response, 404, f"No meeting with id {MISSING}")

        assert state(deployment, activity.app_id) == before


class TestReadTokens:
    def test_read_but_change_nothing(
        self, account: Account, activity: Activity, deployment: Deployment, meeting: Meeting
    ) -> None:
        app = f"/{activity.app_id}"
        active = f"{app}/meetings/{meeting.id}/active-session"
        before = state(deployment, activity.app_id)

        for path in (f"{app}/sessions", f"{app}/sessions/{meeting.session_id}", active):
            assert account.get(path, token=account.read_token).status_code == 200, path
        for action, body in [
            ("/kick", {"participant_ids": [meeting.alice]}),
            ("/kick-all", None),
            ("/mute", {"participant_ids": [meeting.alice]}),
            ("/mute-all", None),
            ("/poll", {"question": "q", "options": ["a", "b"]}),
        ]:
            response = account.post(active + action, json=body, token=account.read_token)
            assert response.status_code == 403, action
            assert response.json()["error"]["code"] == 10000
        summary = account.post(
            f"{app}/sessions/{meeting.session_id}/summary", token=account.read_token
        )
        assert summary.status_code == 403

        assert state(deployment, activity.app_id) == before


# -- ids that are not UUIDs --------------------------------------------------------------

NOT_UUID = "not-a-uuid"
ROUTES = [
    ("GET", f"/sessions/{NOT_UUID}", "session_id", None),
    ("GET", f"/sessions/{NOT_UUID}/participants", "session_id", None),
    ("GET", f"/sessions/{NOT_UUID}/participants/{MISSING}", "session_id", None),
    ("GET", f"/sessions/{MISSING}/participants/{NOT_UUID}", "participant_id", None),
    ("GET", f"/sessions/{NOT_UUID}/chat", "session_id", None),
    ("GET", f"/sessions/{NOT_UUID}/transcript", "session_id", None),
    ("GET", f"/sessions/{NOT_UUID}/summary", "session_id", None),
    ("POST", f"/sessions/{NOT_UUID}/summary", "session_id", None),
    ("GET", f"/sessions/peer-report/{NOT_UUID}", "peer_id", None),
    *(
        (method, f"/meetings/{NOT_UUID}/active-session{action}", "meeting_id", body)
        for method, action, body in ACTIVE_OPERATIONS
    ),
]


class TestIdsThatAreNotUuids:
    def test_are_refused_naming_the_parameter(self, account: Account, app_id: str) -> None:
        for method, path, name, body in ROUTES:
            response = account.request(method, f"/{app_id}{path}", json=body)
            refused(response, 400, f"{name}: must be a valid UUID")
