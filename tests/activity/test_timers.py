"""Sessions on real `meetd serve` processes (contract A7, A8): counts that add up under
concurrent joins and leaves, keep-alives that survive a restart, and timers that run once
across processes. Real time passes here only where the timer loop is the subject (it runs
every half second in each process); everything else moves the app clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Connection, Engine

from meetd.config import normalize_database_url
from meetd.db.tables import timers
from tests.activity.support import ended_sessions, event_types
from tests.support import Call, Databases, ServeProcess, at, later, together

PEERS = 40


def until(done: Callable[[], bool], *, seconds: float) -> bool:
    """Whether `done` comes true within `seconds` of real time (for the timer loops)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.1)
    return done()


class Api:
    """An account's requests in one app, sent to one `meetd serve` process."""

    def __init__(self, node: ServeProcess, account_id: str, token: str, app_id: str = "") -> None:
        self.node = node
        self.account_id = account_id
        self.token = token
        self.app_id = app_id
        self.kit = f"{node.base_url}/accounts/{account_id}/realtime/kit"
        self.headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    def first(cls, *nodes: ServeProcess) -> Api:
        """The account made by the first start among `nodes`, in a new app, through the
        first node."""
        made = next(n for n in nodes if any(line.startswith("export ") for line in n.stdout))
        env = made.exported()
        api = cls(nodes[0], env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"])
        app_id: str = api.send("POST", "/apps", {"name": "timers"})["data"]["app"]["id"]
        return api.on(nodes[0], app_id)

    def on(self, node: ServeProcess, app_id: str | None = None) -> Api:
        """The same account and app, through another process."""
        return Api(node, self.account_id, self.token, self.app_id if app_id is None else app_id)

    def url(self, path: str) -> str:
        """`path` below the app (or below the kit when it starts with /apps)."""
        return (
            f"{self.kit}{path}" if path.startswith("/apps") else f"{self.kit}/{self.app_id}{path}"
        )

    def call(self, method: str, path: str, body: Any = None) -> Call:
        url = self.url(path)
        return lambda client: client.request(method, url, json=body, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None) -> Any:
        with httpx.Client(timeout=60) as client:
            response = self.call(method, path, body)(client)
        assert response.status_code < 300, response.text
        return response.json()

    def meeting(self, **body: Any) -> str:
        meeting_id: str = self.send("POST", "/meetings", body)["data"]["id"]
        return meeting_id

    def add(self, meeting_id: str, who: str) -> None:
        body = {"custom_participant_id": who, "preset_name": "group_call_participant"}
        self.send("POST", f"/meetings/{meeting_id}/participants", body)

    def join(self, meeting_id: str, who: str) -> dict[str, Any]:
        body = {"custom_participant_id": who}
        joined: dict[str, Any] = self.send("POST", f"/meetings/{meeting_id}/simulate/join", body)[
            "data"
        ]
        return joined

    def leave(self, meeting_id: str, peer_id: str) -> dict[str, Any]:
        body = {"peer_id": peer_id}
        left: dict[str, Any] = self.send("POST", f"/meetings/{meeting_id}/simulate/leave", body)[
            "data"
        ]
        return left

    def session(self, session_id: str) -> dict[str, Any]:
        session: dict[str, Any] = self.send("GET", f"/sessions/{session_id}")["data"]["session"]
        return session

    def status(self, session_id: str) -> str:
        return str(self.session(session_id)["status"])

    def clock(self) -> dict[str, Any]:
        now: dict[str, Any] = self.send("GET", "/simulate/clock")["data"]
        return now

    def advance(self, seconds: float) -> dict[str, Any]:
        moved: dict[str, Any] = self.send("POST", "/simulate/clock/advance", {"seconds": seconds})[
            "data"
        ]
        return moved


Serve = Callable[[int], list[ServeProcess]]


@pytest.fixture
def serve(database_url: str) -> Iterator[Serve]:
    """Start some `meetd serve` processes at once on the test's database, and wait until
    they answer; all are stopped at the end."""
    started: list[ServeProcess] = []

    def start(count: int) -> list[ServeProcess]:
        nodes = [ServeProcess("--database-url", database_url) for _ in range(count)]
        started.extend(nodes)
        return [node.wait_ready() for node in nodes]

    yield start
    for node in started:
        node.close()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test's database, read beside the servers."""
    engine = create_engine(normalize_database_url(database_url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def shared_url(databases: Databases) -> Iterator[str]:
    """A database for the tests that need a server but not one of their own."""
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture(scope="module")
def node(shared_url: str) -> Iterator[ServeProcess]:
    """One server for the tests that each work in an app of their own."""
    with ServeProcess("--database-url", shared_url) as node:
        yield node


@pytest.fixture(scope="module")
def shared_engine(shared_url: str) -> Iterator[Engine]:
    engine = create_engine(normalize_database_url(shared_url))
    yield engine
    engine.dispose()


@pytest.fixture
def postgresql(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--database") != "postgresql":
        pytest.skip(
            "processes share timers through PostgreSQL's row locks (FOR UPDATE SKIP LOCKED); "
            "two `meetd serve` on one SQLite file is not how meetd is scaled out"
        )


def types_of(engine: Engine, app_id: str) -> list[str]:
    with engine.connect() as connection:
        return event_types(connection, app_id)


def ended_of(engine: Engine, app_id: str) -> list[str]:
    with engine.connect() as connection:
        return ended_sessions(connection, app_id)


def timers_left(connection: Connection) -> int:
    return connection.scalar(select(func.count()).select_from(timers)) or 0


def kill_before_the_end(api: Api, node: ServeProcess, left_at: str, keep_alive: float) -> None:
    """Advance the app clock to half a second before the keep-alive that began at `left_at`
    runs out, then kill `node` at once (a graceful stop takes a good part of that half
    second): it is gone before the end falls due (checked), so another process's timer loop
    must end the session."""
    missing = keep_alive - 0.5 - (at(api.clock()["now"]) - at(left_at)).total_seconds()
    sent = time.monotonic()
    now = at(api.advance(missing)["now"])
    due_in = (at(later(left_at, keep_alive)) - now).total_seconds()
    node.process.kill()
    node.process.wait(timeout=15)
    # the advance read `now` after `sent`: the end falls due no earlier than this
    assert time.monotonic() < sent + due_in, "the node was stopped too late to tell"


class TestConcurrentActivity:
    """On one server, each test in an app of its own."""

    def test_many_joins_and_leaves_at_once_on_one_meeting_leave_counts_that_add_up(
        self, node: ServeProcess, shared_engine: Engine
    ) -> None:
        api = Api.first(node)
        meeting = api.meeting(title="crowd")
        who = [f"p{n}" for n in range(PEERS)]
        body = [{"custom_participant_id": w, "preset_name": "group_call_participant"} for w in who]
        added = together([api.call("POST", f"/meetings/{meeting}/participants", b) for b in body])
        assert [r.status_code for r in added] == [201] * PEERS

        joins = together(
            [
                api.call("POST", f"/meetings/{meeting}/simulate/join", {"custom_participant_id": w})
                for w in who
            ]
        )

        assert [r.status_code for r in joins] == [201] * PEERS, [r.text for r in joins]
        joined = [r.json()["data"] for r in joins]
        [session_id] = {j["session_id"] for j in joined}
        assert len({j["peer_id"] for j in joined}) == PEERS
        session = api.session(session_id)
        assert session["live_participants"] == session["max_concurrent_participants"] == PEERS
        api.advance(90)  # everyone present a minute and a half

        leaves = together(
            [
                api.call("POST", f"/meetings/{meeting}/simulate/leave", {"peer_id": j["peer_id"]})
                for j in joined
            ]
        )

        assert [r.status_code for r in leaves] == [200] * PEERS, [r.text for r in leaves]
        session = api.session(session_id)
        assert session["status"] == "LIVE"  # in its keep-alive
        assert session["live_participants"] == 0
        assert session["max_concurrent_participants"] == PEERS
        peers = api.send("GET", f"/sessions/{session_id}/participants?per_page=100")["data"][
            "participants"
        ]
        assert len(peers) == PEERS
        assert all("left_at" in p for p in peers)
        # minutes to the second: the sum of the peers' seconds is the session's
        seconds = [round(p["duration"] * 60) for p in peers]
        assert all(90 <= s <= 95 for s in seconds), seconds
        assert round(session["minutes_consumed"] * 60) == sum(seconds)
        # and in minutes, up to the rounding of each duration to four decimals
        durations = sum(p["duration"] for p in peers)
        assert session["minutes_consumed"] == pytest.approx(durations, abs=PEERS * 0.00005)
        listed = api.send("GET", "/sessions")
        assert listed["paging"]["total_count"] == 1
        types = types_of(shared_engine, api.app_id)
        assert types.count("meeting.started") == 1
        assert types.count("meeting.participantJoined") == PEERS
        assert types.count("meeting.participantLeft") == PEERS

    def test_interleaved_joins_and_leaves_count_the_maximum_really_reached(
        self, node: ServeProcess, shared_engine: Engine
    ) -> None:
        api = Api.first(node)
        meeting = api.meeting()
        half = PEERS // 2
        body = [
            {"custom_participant_id": f"p{n}", "preset_name": "group_call_participant"}
            for n in range(PEERS)
        ]
        together([api.call("POST", f"/meetings/{meeting}/participants", b) for b in body])
        present = [
            r.json()["data"]
            for r in together(
                [api.call("POST", f"/meetings/{meeting}/simulate/join", b) for b in body[:half]]
            )
        ]

        responses = together(
            [
                *(
                    api.call(
                        "POST",
                        f"/meetings/{meeting}/simulate/join",
                        {"custom_participant_id": f"p{n}"},
                    )
                    for n in range(half, PEERS)
                ),
                *(
                    api.call(
                        "POST", f"/meetings/{meeting}/simulate/leave", {"peer_id": p["peer_id"]}
                    )
                    for p in present
                ),
            ]
        )

        assert [r.status_code for r in responses] == [201] * half + [200] * half
        session = api.session(present[0]["session_id"])
        assert session["live_participants"] == half
        # the running count of the event rows (written in the order the changes applied)
        running, highest = 0, 0
        for kind in types_of(shared_engine, api.app_id):
            running += {"meeting.participantJoined": 1, "meeting.participantLeft": -1}.get(kind, 0)
            highest = max(highest, running)
        assert running == half
        assert session["max_concurrent_participants"] == highest
        assert half <= highest <= PEERS
        assert api.send("GET", "/sessions")["paging"]["total_count"] == 1

    def test_advances_at_once_add_up_and_end_a_session_once(
        self, node: ServeProcess, shared_engine: Engine
    ) -> None:
        api = Api.first(node)
        meeting = api.meeting()
        api.add(meeting, "alice")
        joined = api.join(meeting, "alice")
        left = api.leave(meeting, joined["peer_id"])
        offset = api.clock()["offset_seconds"]

        # twenty advances of five seconds each, at once, while the timer loop runs too
        moved = together([api.call("POST", "/simulate/clock/advance", {"seconds": 5})] * 20)

        assert [r.status_code for r in moved] == [200] * 20
        offsets = sorted(r.json()["data"]["offset_seconds"] for r in moved)
        assert offsets == [offset + 5 * n for n in range(1, 21)]
        assert api.clock()["offset_seconds"] == offset + 100
        session = api.session(joined["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 60)
        assert ended_of(shared_engine, api.app_id) == [joined["session_id"]]


class TestRestart:
    def test_a_live_session_survives_a_restart_and_ends_on_time(
        self, serve: Serve, engine: Engine
    ) -> None:
        [first] = serve(1)
        api = Api.first(first)
        meeting = api.meeting()
        api.add(meeting, "alice")
        joined = api.join(meeting, "alice")
        left = api.leave(meeting, joined["peer_id"])
        first.stop()

        [second] = serve(1)
        api = api.on(second)
        assert api.status(joined["session_id"]) == "LIVE"
        api.advance(61)

        session = api.session(joined["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 60)
        assert ended_of(engine, api.app_id) == [joined["session_id"]]

    def test_the_restarted_process_ends_it_in_real_time(self, serve: Serve, engine: Engine) -> None:
        [first] = serve(1)
        api = Api.first(first)
        meeting = api.meeting()
        api.add(meeting, "alice")
        joined = api.join(meeting, "alice")
        left = api.leave(meeting, joined["peer_id"])
        kill_before_the_end(api, first, left["left_at"], 60)

        [second] = serve(1)
        api = api.on(second)

        assert until(lambda: api.status(joined["session_id"]) == "ENDED", seconds=5)
        session = api.session(joined["session_id"])
        assert session["ended_at"] == later(left["left_at"], 60)
        assert ended_of(engine, api.app_id) == [joined["session_id"]]
        with engine.connect() as connection:
            assert timers_left(connection) == 0


@pytest.mark.usefixtures("postgresql")
class TestTwoNodes:
    def test_a_node_ends_the_session_another_left_behind(
        self, serve: Serve, engine: Engine
    ) -> None:
        node_a, node_b = serve(2)
        a = Api.first(node_a, node_b)
        b = a.on(node_b)
        meeting = a.meeting()
        a.add(meeting, "alice")
        joined = a.join(meeting, "alice")
        left = a.leave(meeting, joined["peer_id"])
        kill_before_the_end(a, node_a, left["left_at"], 60)

        assert until(lambda: b.status(joined["session_id"]) == "ENDED", seconds=5)
        assert b.session(joined["session_id"])["ended_at"] == later(left["left_at"], 60)
        time.sleep(0.6)  # another turn of B's timer loop: nothing more happens
        assert ended_of(engine, b.app_id) == [joined["session_id"]]

    def test_with_both_nodes_running_each_session_ends_once(
        self, serve: Serve, engine: Engine
    ) -> None:
        node_a, node_b = serve(2)
        a = Api.first(node_a, node_b)
        b = a.on(node_b)
        nodes = [a, b]
        meetings = [a.meeting(title=f"m{n}") for n in range(10)]
        for n, meeting in enumerate(meetings):
            nodes[n % 2].add(meeting, "alice")
        joined = [nodes[n % 2].join(meeting, "alice") for n, meeting in enumerate(meetings)]

        leaves = together(
            [
                nodes[n % 2].call(
                    "POST", f"/meetings/{meeting}/simulate/leave", {"peer_id": j["peer_id"]}
                )
                for n, (meeting, j) in enumerate(zip(meetings, joined, strict=True))
            ]
        )
        assert [r.status_code for r in leaves] == [200] * 10
        left_at = [r.json()["data"]["left_at"] for r in leaves]
        first_left = min(left_at, key=at)
        missing = 59.5 - (at(a.clock()["now"]) - at(first_left)).total_seconds()
        a.advance(missing)
        sessions = [j["session_id"] for j in joined]

        assert until(lambda: all(b.status(s) == "ENDED" for s in sessions), seconds=5)
        for session_id, left in zip(sessions, left_at, strict=True):
            assert a.session(session_id)["ended_at"] == later(left, 60)
        time.sleep(0.6)  # another turn of both timer loops: nothing more happens
        assert sorted(ended_of(engine, a.app_id)) == sorted(sessions)
        with engine.connect() as connection:
            assert timers_left(connection) == 0
