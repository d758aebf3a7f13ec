"""The activity API and the app clock over HTTP, in process (contract A7, A8): joins, leaves,
chat and speech; what each refusal leaves untouched; the clock and the timers an advance
runs; sessions' keep-alive."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from meetd.config import DEFAULT_TOKEN_LIFETIME
from meetd.deployment import Deployment
from tests.activity.support import NOTHING, Kit, Meeting, ended_sessions, event_types, rows
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account, at, later

TEN_YEARS = 315_576_000
DAY = 86_400
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"
Stored = Callable[[], dict[str, int]]  # rows each activity table has gained in the test
Types = Callable[[], list[str]]  # the app's event types, in order


@pytest.fixture
def kit(account: Account, app_id: str) -> Kit:
    return Kit(account, app_id)


@pytest.fixture
def meeting(kit: Kit) -> Meeting:
    return kit.meeting(title="Stand-up")


@pytest.fixture
def other_kit(account: Account) -> Kit:
    return Kit(account, account.create_app("other"))


@pytest.fixture(autouse=True)
def rows_before(deployment: Deployment) -> dict[str, int]:
    """How many rows each activity table held when the test began: those of the module's
    earlier tests, in apps of their own."""
    with deployment.database.engine.connect() as connection:
        return rows(connection)


@pytest.fixture
def stored(deployment: Deployment, rows_before: dict[str, int]) -> Stored:
    """How many rows each activity table has gained since the test began: what a fresh
    database would hold now."""

    def count() -> dict[str, int]:
        with deployment.database.engine.connect() as connection:
            now = rows(connection)
        return {table: now[table] - rows_before[table] for table in now}

    return count


@pytest.fixture
def types(deployment: Deployment, app_id: str) -> Types:
    """The app's event types, in order."""

    def read() -> list[str]:
        with deployment.database.engine.connect() as connection:
            return event_types(connection, app_id)

    return read


def error(response: Any, status: int, code: int | None = None) -> str:
    """The message of an error answer, once its status and code are checked."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == (code or status)
    message: str = body["error"]["message"]
    return message


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


class TestJoin:
    def test_by_participant_id(self, meeting: Meeting, kit: Kit, types: Types) -> None:
        joined = meeting.joined(participant_id=meeting.alice["id"])

        assert set(joined) == {
            "peer_id",
            "session_id",
            "participant_id",
            "custom_participant_id",
            "joined_at",
        }
        assert uuid.UUID(joined["peer_id"])
        assert joined["participant_id"] == meeting.alice["id"]
        assert joined["custom_participant_id"] == "alice"
        session = kit.session(joined["session_id"])
        assert session["status"] == "LIVE"
        assert session["associated_id"] == meeting.id
        assert session["meeting_display_name"] == "Stand-up"
        assert session["started_at"] == joined["joined_at"]
        assert session["live_participants"] == session["max_concurrent_participants"] == 1
        assert types() == ["meeting.started", "meeting.participantJoined"]

    def test_by_custom_participant_id(self, meeting: Meeting, kit: Kit) -> None:
        joined = meeting.joined(custom_participant_id="alice")

        assert joined["participant_id"] == meeting.alice["id"]
        assert [p["id"] for p in kit.peers(joined["session_id"])] == [joined["peer_id"]]

    def test_by_token_with_metadata(self, meeting: Meeting, kit: Kit) -> None:
        metadata = {"browser_name": "Firefox", "os_name": "Linux"}

        joined = meeting.joined(token=meeting.alice["token"], metadata=metadata)

        assert joined["participant_id"] == meeting.alice["id"]
        assert joined["custom_participant_id"] == "alice"
        report = kit.account.get(f"{kit.path}/sessions/peer-report/{joined['peer_id']}")
        assert report.status_code == 200, report.text
        assert "Firefox" in report.text
        assert "Linux" in report.text

    def test_32_metadata_keys_are_accepted(self, meeting: Meeting) -> None:
        metadata = {f"k{n}": "v" for n in range(32)}

        assert meeting.joined(custom_participant_id="alice", metadata=metadata)["peer_id"]

    def test_a_second_participant_joins_the_same_live_session(
        self, meeting: Meeting, kit: Kit
    ) -> None:
        meeting.add("bob")

        first = meeting.joined(custom_participant_id="alice")
        second = meeting.joined(custom_participant_id="bob")

        assert second["session_id"] == first["session_id"]
        assert len(kit.sessions()) == 1
        session = kit.session(first["session_id"])
        assert session["live_participants"] == session["max_concurrent_participants"] == 2

    def test_one_participant_may_be_several_peers_at_once(self, meeting: Meeting, kit: Kit) -> None:
        tab = meeting.joined(custom_participant_id="alice")
        phone = meeting.joined(participant_id=meeting.alice["id"])

        assert tab["peer_id"] != phone["peer_id"]
        assert tab["session_id"] == phone["session_id"]
        peers = kit.peers(tab["session_id"])
        assert {p["user_id"] for p in peers} == {meeting.alice["id"]}
        assert len(peers) == 2
        assert kit.session(tab["session_id"])["live_participants"] == 2


class TestJoinRefusals:
    """Each refusal answers its status with a message naming the field or the thing, and
    records nothing: no session, no peer, no event."""

    @pytest.mark.parametrize(
        ("body", "status", "named"),
        [
            pytest.param({}, 400, "participant_id:", id="no-participant"),
            pytest.param({"metadata": {"os": "x"}}, 400, "participant_id:", id="metadata-only"),
            pytest.param(
                {"participant_id": "{alice}", "custom_participant_id": "alice"},
                400,
                "custom_participant_id:",
                id="id-and-custom-id",
            ),
            pytest.param(
                {"token": "{token}", "participant_id": "{alice}"},
                400,
                "participant_id:",
                id="token-and-id",
            ),
            pytest.param({"participant_id": NO_SUCH_ID}, 404, "participant_id:", id="unknown-id"),
            pytest.param(
                {"custom_participant_id": "nobody"},
                404,
                "custom_participant_id:",
                id="unknown-custom-id",
            ),
            pytest.param({"participant_id": "alice"}, 400, "participant_id:", id="id-not-a-uuid"),
            pytest.param(
                {"custom_participant_id": "alice", "metadata": {f"k{n}": "v" for n in range(33)}},
                400,
                "metadata",
                id="33-metadata-keys",
            ),
            pytest.param(
                {"custom_participant_id": "alice", "metadata": {"os": 7}},
                400,
                "metadata",
                id="metadata-not-a-string",
            ),
        ],
    )
    def test_a_bad_body(
        self,
        meeting: Meeting,
        stored: Stored,
        body: dict[str, Any],
        status: int,
        named: str,
    ) -> None:
        values = {"{alice}": meeting.alice["id"], "{token}": meeting.alice["token"]}
        body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
        before = stored()

        message = error(meeting.join(**body), status)

        assert message.startswith(named), message
        assert stored() == before

    def test_a_meeting_id_that_is_not_a_uuid(self, kit: Kit, stored: Stored) -> None:
        response = kit.account.post(
            f"{kit.path}/meetings/not-a-uuid/simulate/join", json={"custom_participant_id": "a"}
        )

        assert error(response, 400).startswith("meeting_id:")
        assert stored() == NOTHING

    def test_an_unknown_meeting(self, kit: Kit, stored: Stored) -> None:
        response = kit.account.post(
            f"{kit.path}/meetings/{NO_SUCH_ID}/simulate/join", json={"custom_participant_id": "a"}
        )

        message = error(response, 404)
        assert "meeting" in message.lower()
        assert NO_SUCH_ID in message
        assert stored() == NOTHING

    def test_a_meeting_of_another_app(self, kit: Kit, other_kit: Kit, stored: Stored) -> None:
        theirs = other_kit.meeting()

        response = kit.account.post(
            f"{kit.path}/meetings/{theirs.id}/simulate/join",
            json={"participant_id": theirs.alice["id"]},
        )

        assert "meeting" in error(response, 404).lower()
        assert stored() == NOTHING

    @pytest.mark.parametrize("how", ["participant_id", "custom_participant_id", "token"])
    def test_an_inactive_meeting(self, meeting: Meeting, stored: Stored, how: str) -> None:
        meeting.patch(status="INACTIVE")
        way = {
            "participant_id": meeting.alice["id"],
            "custom_participant_id": "alice",
            "token": meeting.alice["token"],
        }

        message = error(meeting.join(**{how: way[how]}), 403)

        assert "INACTIVE" in message
        assert stored() == NOTHING

    def test_a_token_revoked_by_a_preset_change(self, meeting: Meeting, stored: Stored) -> None:
        meeting.add("alice", preset="webinar_viewer")

        message = error(meeting.join(token=meeting.alice["token"]), 403)

        assert "token_revoked" in message
        assert stored() == NOTHING

    def test_a_token_of_a_deleted_participant(self, meeting: Meeting, stored: Stored) -> None:
        deleted = meeting.account.delete(f"{meeting.path}/participants/{meeting.alice['id']}")
        assert deleted.status_code == 200, deleted.text

        message = error(meeting.join(token=meeting.alice["token"]), 403)

        assert "participant_not_found" in message
        assert stored() == NOTHING

    def test_a_token_of_another_app(self, meeting: Meeting, other_kit: Kit, stored: Stored) -> None:
        theirs = other_kit.meeting()

        message = error(meeting.join(token=theirs.alice["token"]), 403)

        assert "wrong_app" in message
        assert stored() == NOTHING

    def test_a_token_of_another_meeting(self, meeting: Meeting, kit: Kit, stored: Stored) -> None:
        elsewhere = kit.meeting()

        message = error(meeting.join(token=elsewhere.alice["token"]), 403)

        assert "wrong_meeting" in message
        assert stored() == NOTHING

    def test_a_token_that_is_not_a_jwt(self, meeting: Meeting, stored: Stored) -> None:
        message = error(meeting.join(token="not-a-jwt"), 403)

        assert "token_invalid" in message
        assert stored() == NOTHING

    def test_a_refused_join_changes_nothing_in_a_live_session(
        self, meeting: Meeting, kit: Kit, stored: Stored
    ) -> None:
        joined = meeting.joined()
        before, session = stored(), kit.session(joined["session_id"])

        error(meeting.join(custom_participant_id="nobody"), 404)
        error(meeting.join(participant_id=meeting.alice["id"], custom_participant_id="x"), 400)

        assert stored() == before
        assert kit.session(joined["session_id"])["live_participants"] == 1
        assert kit.session(joined["session_id"])["updated_at"] == session["updated_at"]

    def test_a_read_token_may_not_join(
        self, meeting: Meeting, account: Account, stored: Stored
    ) -> None:
        response = meeting.simulate(
            "join", {"custom_participant_id": "alice"}, token=account.read_token
        )

        error(response, 403, 10000)
        assert stored() == NOTHING


class TestLeave:
    def test_answers_the_peer_session_and_time(self, meeting: Meeting, kit: Kit) -> None:
        joined = meeting.joined()
        kit.advanced(90)

        left = meeting.left(joined["peer_id"])

        assert left["peer_id"] == joined["peer_id"]
        assert left["session_id"] == joined["session_id"]
        assert at(left["left_at"]) - at(joined["joined_at"]) >= timedelta(seconds=90)
        [peer] = kit.peers(joined["session_id"])
        assert peer["left_at"] == left["left_at"]
        session = kit.session(joined["session_id"])
        assert session["live_participants"] == 0
        assert session["status"] == "LIVE"  # the keep-alive has begun
        assert session["minutes_consumed"] == peer["duration"]
        assert abs(peer["duration"] - 1.5) <= 1 / 60

    def test_leaving_twice(self, meeting: Meeting, kit: Kit, stored: Stored, types: Types) -> None:
        joined = meeting.joined()
        left = meeting.left(joined["peer_id"])
        before, events = stored(), types()

        message = error(meeting.leave(joined["peer_id"]), 404)

        assert message.startswith("peer_id:")
        assert joined["peer_id"] in message
        assert stored() == before
        assert types() == events
        [peer] = kit.peers(joined["session_id"])
        assert peer["left_at"] == left["left_at"]

    def test_an_unknown_peer(self, meeting: Meeting, stored: Stored) -> None:
        meeting.joined()
        before = stored()

        message = error(meeting.leave(NO_SUCH_ID), 404)

        assert message.startswith("peer_id:")
        assert stored() == before

    def test_a_peer_id_that_is_not_a_uuid(self, meeting: Meeting, stored: Stored) -> None:
        meeting.joined()
        before = stored()

        assert error(meeting.leave("peer-1"), 400).startswith("peer_id:")
        assert stored() == before

    def test_a_peer_of_another_meeting(self, meeting: Meeting, kit: Kit, stored: Stored) -> None:
        elsewhere = kit.meeting()
        joined = elsewhere.joined()
        before = stored()

        assert error(meeting.leave(joined["peer_id"]), 404).startswith("peer_id:")
        assert stored() == before
        assert kit.session(joined["session_id"])["live_participants"] == 1

    def test_a_meeting_id_that_is_not_a_uuid(self, kit: Kit) -> None:
        response = kit.account.post(
            f"{kit.path}/meetings/not-a-uuid/simulate/leave", json={"peer_id": NO_SUCH_ID}
        )

        assert error(response, 400).startswith("meeting_id:")

    def test_a_read_token_may_not_leave(
        self, meeting: Meeting, account: Account, stored: Stored
    ) -> None:
        joined = meeting.joined()
        before = stored()

        response = meeting.simulate(
            "leave", {"peer_id": joined["peer_id"]}, token=account.read_token
        )

        error(response, 403, 10000)
        assert stored() == before


class Said:
    """Chat and speech alike: the action, its text field, and the table it writes to."""

    def __init__(self, action: str, field: str, table: str) -> None:
        self.action, self.field, self.table = action, field, table

    def body(self, peer_id: str, text: str) -> dict[str, Any]:
        return {"peer_id": peer_id, self.field: text}


SAYING = [
    pytest.param(Said("chat", "message", "chat_messages"), id="chat"),
    pytest.param(Said("speak", "text", "utterances"), id="speak"),
]


@pytest.mark.parametrize("said", SAYING)
class TestChatAndSpeak:
    def test_a_peer_in_the_live_session(self, meeting: Meeting, said: Said, stored: Stored) -> None:
        joined = meeting.joined()

        response = meeting.simulate(said.action, said.body(joined["peer_id"], "x" * 4000))

        assert response.status_code == 201, response.text
        data = response.json()["data"]
        assert data["peer_id"] == joined["peer_id"]
        assert data["session_id"] == joined["session_id"]
        assert stored()[said.table] == 1

    def test_a_peer_who_left(self, meeting: Meeting, said: Said, stored: Stored) -> None:
        meeting.add("bob")
        joined = meeting.joined()
        meeting.joined(custom_participant_id="bob")  # the session stays LIVE with bob in it
        meeting.left(joined["peer_id"])
        before = stored()

        response = meeting.simulate(said.action, said.body(joined["peer_id"], "hello"))

        assert error(response, 409).startswith("peer_id:")
        assert response.headers["x-should-retry"] == "false"
        assert stored() == before

    def test_a_peer_of_an_ended_session(
        self, meeting: Meeting, kit: Kit, said: Said, stored: Stored
    ) -> None:
        joined = meeting.joined()
        meeting.left(joined["peer_id"])
        kit.advanced(61)
        assert kit.session(joined["session_id"])["status"] == "ENDED"
        before = stored()

        response = meeting.simulate(said.action, said.body(joined["peer_id"], "hello"))

        error(response, 409)
        assert response.headers["x-should-retry"] == "false"
        assert stored() == before

    @pytest.mark.parametrize("length", [0, 4001, 10_000])
    def test_an_empty_or_too_long_text(
        self, meeting: Meeting, said: Said, stored: Stored, length: int
    ) -> None:
        joined = meeting.joined()
        before = stored()

        response = meeting.simulate(said.action, said.body(joined["peer_id"], "x" * length))

        assert error(response, 400).startswith(f"{said.field}:")
        assert stored() == before

    def test_an_unknown_peer(self, meeting: Meeting, said: Said, stored: Stored) -> None:
        meeting.joined()
        before = stored()

        response = meeting.simulate(said.action, said.body(NO_SUCH_ID, "hello"))

        assert error(response, 404).startswith("peer_id:")
        assert stored() == before

    def test_a_peer_id_that_is_not_a_uuid(
        self, meeting: Meeting, said: Said, stored: Stored
    ) -> None:
        meeting.joined()
        before = stored()

        response = meeting.simulate(said.action, said.body("peer-1", "hello"))

        assert error(response, 400).startswith("peer_id:")
        assert stored() == before

    def test_a_read_token_may_not(
        self, meeting: Meeting, account: Account, said: Said, stored: Stored
    ) -> None:
        joined = meeting.joined()
        before = stored()

        response = meeting.simulate(
            said.action, said.body(joined["peer_id"], "hello"), token=account.read_token
        )

        error(response, 403, 10000)
        assert stored() == before


class TestSpeak:
    def test_the_duration_defaults_from_the_word_count(self, meeting: Meeting) -> None:
        joined = meeting.joined()

        response = meeting.simulate("speak", {"peer_id": joined["peer_id"], "text": "a b c"})

        assert response.status_code == 201, response.text
        assert response.json()["data"]["duration_ms"] > 0

    def test_a_given_duration(self, meeting: Meeting) -> None:
        joined = meeting.joined()

        response = meeting.simulate(
            "speak", {"peer_id": joined["peer_id"], "text": "hi", "duration_ms": 2500}
        )

        assert response.status_code == 201, response.text
        assert response.json()["data"]["duration_ms"] == 2500

    @pytest.mark.parametrize("duration_ms", [0, -1, 3_600_001, 1.5, "100", True])
    def test_a_bad_duration(self, meeting: Meeting, stored: Stored, duration_ms: Any) -> None:
        joined = meeting.joined()
        before = stored()

        response = meeting.simulate(
            "speak", {"peer_id": joined["peer_id"], "text": "hi", "duration_ms": duration_ms}
        )

        assert error(response, 400).startswith("duration_ms:")
        assert stored() == before


class TestClockRead:
    def test_a_new_app_runs_on_the_real_clock(self, kit: Kit) -> None:
        now = kit.clock()

        assert now["offset_seconds"] == 0
        assert abs(at(now["now"]) - datetime.now(UTC)) < timedelta(seconds=5)

    def test_a_read_token_may_read_it(self, kit: Kit, account: Account) -> None:
        assert kit.clock(token=account.read_token)["offset_seconds"] == 0


class TestClockAdvance:
    def test_offsets_add_up_and_now_moves(self, kit: Kit) -> None:
        first = kit.advanced(1.5)
        second = kit.advanced(2.25)
        third = kit.advanced(3600)

        assert [first["offset_seconds"], second["offset_seconds"], third["offset_seconds"]] == [
            1.5,
            3.75,
            3603.75,
        ]
        now = kit.clock()
        assert now["offset_seconds"] == 3603.75
        real = datetime.now(UTC)
        ahead = at(now["now"]) - real
        assert timedelta(seconds=3603.75 - 5) < ahead <= timedelta(seconds=3603.75)
        assert at(first["now"]) < at(second["now"]) < at(third["now"]) <= at(now["now"])

    def test_the_most_one_advance_may_move_is_ten_years(self, kit: Kit) -> None:
        assert kit.advanced(TEN_YEARS)["offset_seconds"] == TEN_YEARS
        assert kit.advanced(0.001)["offset_seconds"] == TEN_YEARS + 0.001

    @pytest.mark.parametrize(
        "seconds",
        [
            pytest.param(0, id="zero"),
            pytest.param(-5, id="negative"),
            pytest.param(0.0004, id="under-a-millisecond"),
            pytest.param("ten", id="a-word"),
            pytest.param(True, id="true"),
            pytest.param("5", id="a-numeric-string"),
            pytest.param(None, id="null"),
            pytest.param([5], id="a-list"),
            pytest.param(TEN_YEARS + 1, id="over-ten-years"),
        ],
    )
    def test_a_bad_number_of_seconds(self, kit: Kit, seconds: Any, stored: Stored) -> None:
        kit.advanced(10)
        before = stored()

        message = error(kit.advance(seconds), 400)

        assert message.startswith("seconds:"), message
        assert kit.clock()["offset_seconds"] == 10
        assert stored() == before

    def test_seconds_are_required(self, kit: Kit) -> None:
        response = kit.account.post(f"{kit.path}/simulate/clock/advance", json={})

        assert error(response, 400).startswith("seconds:")
        assert kit.clock()["offset_seconds"] == 0

    def test_a_read_token_may_not_advance(self, kit: Kit, account: Account) -> None:
        response = kit.account.post(
            f"{kit.path}/simulate/clock/advance", json={"seconds": 5}, token=account.read_token
        )

        error(response, 403, 10000)
        assert kit.clock()["offset_seconds"] == 0

    def test_another_apps_clock_is_untouched(self, kit: Kit, other_kit: Kit) -> None:
        kit.advanced(101 * DAY)

        theirs = other_kit.clock()

        assert theirs["offset_seconds"] == 0
        assert abs(at(theirs["now"]) - datetime.now(UTC)) < timedelta(seconds=5)

    def test_another_apps_timers_do_not_run(self, kit: Kit, other_kit: Kit) -> None:
        theirs = other_kit.meeting()
        joined = theirs.joined()
        theirs.left(joined["peer_id"])

        kit.advanced(3600)

        assert other_kit.session(joined["session_id"])["status"] == "LIVE"
        other_kit.advanced(61)
        assert other_kit.session(joined["session_id"])["status"] == "ENDED"

    def test_new_objects_are_stamped_by_the_app_clock(self, kit: Kit) -> None:
        kit.advanced(10 * DAY)
        before = at(kit.clock()["now"])

        meeting = kit.meeting()
        joined = meeting.joined()
        patched = kit.account.patch(meeting.path, json={"title": "later"}).json()["data"]
        after = at(kit.clock()["now"])

        assert before >= datetime.now(UTC) + timedelta(days=10, seconds=-5)
        stamps = {
            "meeting created_at": at(meeting.data["created_at"]),
            "participant created_at": at(meeting.alice["created_at"]),
            "joined_at": at(joined["joined_at"]),
            "session started_at": at(kit.session(joined["session_id"])["started_at"]),
            "session created_at": at(kit.session(joined["session_id"])["created_at"]),
            "meeting updated_at": at(patched["updated_at"]),
        }
        for name, stamp in stamps.items():
            assert before <= stamp <= after, name
        claims = claims_of(meeting.alice["token"])
        assert int(before.timestamp()) <= claims["iat"] <= after.timestamp()
        assert claims["exp"] == claims["iat"] + DEFAULT_TOKEN_LIFETIME

    def test_101_days_expire_a_participant_token(
        self, meeting: Meeting, kit: Kit, other_kit: Kit, stored: Stored
    ) -> None:
        theirs = other_kit.meeting()
        assert kit.verify(meeting.alice["token"])["valid"] is True

        kit.advanced(101 * DAY)

        verdict = kit.verify(meeting.alice["token"])
        assert verdict["valid"] is False
        assert verdict["reason"] == "token_expired"
        assert "token_expired" in error(meeting.join(token=meeting.alice["token"]), 403)
        assert stored() == NOTHING
        # the other app's clock has not moved: its token is still good
        assert other_kit.verify(theirs.alice["token"])["valid"] is True
        assert theirs.joined(token=theirs.alice["token"])["participant_id"] == theirs.alice["id"]
        # a fresh token, issued on the app's clock, is good for another 100 days
        fresh = meeting.add("alice")
        assert kit.verify(fresh["token"])["valid"] is True
        assert meeting.joined(token=fresh["token"])["participant_id"] == meeting.alice["id"]

    def test_timers_passed_run_in_order_before_the_answer(
        self, kit: Kit, deployment: Deployment
    ) -> None:
        long, short = kit.meeting(session_keep_alive_time_in_secs=120), kit.meeting()
        first = long.joined()
        second = short.joined()
        long_left = long.left(first["peer_id"])
        short_left = short.left(second["peer_id"])

        kit.advanced(200)

        ended = kit.session(first["session_id"]), kit.session(second["session_id"])
        assert [s["status"] for s in ended] == ["ENDED", "ENDED"]
        assert ended[0]["ended_at"] == later(long_left["left_at"], 120)
        assert ended[1]["ended_at"] == later(short_left["left_at"], 60)
        # the short keep-alive ran out first, and its meeting.ended was recorded first
        with deployment.database.engine.connect() as connection:
            order = ended_sessions(connection, kit.app_id)
        assert order == [second["session_id"], first["session_id"]]


class TestKeepAlive:
    def test_a_join_within_the_keep_alive_continues_the_session(
        self, meeting: Meeting, kit: Kit, types: Types
    ) -> None:
        meeting.add("bob")
        first = meeting.joined(custom_participant_id="alice")
        meeting.left(first["peer_id"])

        kit.advanced(59)
        assert kit.session(first["session_id"])["status"] == "LIVE"
        assert meeting.active().json()["data"]["id"] == first["session_id"]
        again = meeting.joined(custom_participant_id="bob")
        last = meeting.left(again["peer_id"])

        assert again["session_id"] == first["session_id"]
        kit.advanced(59)
        assert kit.session(first["session_id"])["status"] == "LIVE"  # 59 s after bob left
        kit.advanced(2)
        session = kit.session(first["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(last["left_at"], 60)
        assert session["live_participants"] == 0
        assert session["max_concurrent_participants"] == 1
        assert error(meeting.active(), 404) == "No active session found for the meeting"
        assert types().count("meeting.ended") == 1
        assert types().count("meeting.started") == 1

    def test_a_join_after_the_end_starts_a_new_session(self, meeting: Meeting, kit: Kit) -> None:
        first = meeting.joined()
        meeting.left(first["peer_id"])
        kit.advanced(61)

        second = meeting.joined()

        assert second["session_id"] != first["session_id"]
        assert kit.session(first["session_id"])["status"] == "ENDED"
        assert kit.session(second["session_id"])["started_at"] == second["joined_at"]
        assert sorted(s["status"] for s in kit.sessions()) == ["ENDED", "LIVE"]
        assert meeting.active().json()["data"]["id"] == second["session_id"]

    def test_a_keep_alive_of_600_seconds(self, kit: Kit) -> None:
        meeting = kit.meeting(session_keep_alive_time_in_secs=600)
        joined = meeting.joined()
        left = meeting.left(joined["peer_id"])

        kit.advanced(599)
        assert kit.session(joined["session_id"])["status"] == "LIVE"
        kit.advanced(2)

        session = kit.session(joined["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 600)

    def test_the_keep_alive_is_the_meetings_when_the_last_peer_left(
        self, meeting: Meeting, kit: Kit
    ) -> None:
        joined = meeting.joined()
        left = meeting.left(joined["peer_id"])

        meeting.patch(session_keep_alive_time_in_secs=600)
        kit.advanced(61)

        session = kit.session(joined["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 60)

    def test_a_keep_alive_changed_while_peers_are_in_applies(
        self, meeting: Meeting, kit: Kit
    ) -> None:
        joined = meeting.joined()
        meeting.patch(session_keep_alive_time_in_secs=120)
        left = meeting.left(joined["peer_id"])

        kit.advanced(119)
        assert kit.session(joined["session_id"])["status"] == "LIVE"
        kit.advanced(2)

        assert kit.session(joined["session_id"])["ended_at"] == later(left["left_at"], 120)

    def test_a_session_with_peers_in_it_does_not_end(self, meeting: Meeting, kit: Kit) -> None:
        joined = meeting.joined()

        kit.advanced(30 * DAY)

        session = kit.session(joined["session_id"])
        assert session["status"] == "LIVE"
        assert session["live_participants"] == 1
        assert abs(session["minutes_consumed"] - 30 * 24 * 60) <= 1 / 60
