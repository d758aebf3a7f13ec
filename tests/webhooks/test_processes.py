"""Deliveries by real `meetd serve` processes (contract A10): pending deliveries survive a
restart, `meetd keys rotate --webhooks` changes the key that signs them, and on PostgreSQL
two processes on one database send each delivery once."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.support import Call, Databases, ServeProcess, environment, together
from tests.webhooks.support import HANG, TIMEOUT, Receiver, until, verifies

# Retries every quarter second for ten seconds: a receiver down while a process restarts is
# still being tried when it is back.
PATIENT = ",".join(["0.25"] * 40)
SLOW = 1.5  # seconds an attempt may take in the `node` process
SETTINGS = {"MEETD_WEBHOOK_RETRY_SCHEDULE": PATIENT, "MEETD_WEBHOOK_TIMEOUT": str(TIMEOUT)}


class Api:
    """An account's requests in one app, sent to one `meetd serve` process."""

    def __init__(self, node: ServeProcess, account_id: str, token: str, app_id: str = "") -> None:
        self.node = node
        self.account_id = account_id
        self.token = token
        self.app_id = app_id
        self.headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    def first(cls, *nodes: ServeProcess) -> Api:
        """The account printed by the first start among `nodes`, in a new app."""
        made = next(n for n in nodes if any(line.startswith("export ") for line in n.stdout))
        env = made.exported()
        api = cls(nodes[0], env["CLOUDFLARE_ACCOUNT_ID"], env["CLOUDFLARE_API_TOKEN"])
        api.app_id = api.send("POST", "/apps", {"name": "hooks"}, below_app=False)["app"]["id"]
        return api

    def on(self, node: ServeProcess) -> Api:
        return Api(node, self.account_id, self.token, self.app_id)

    def url(self, path: str, below_app: bool = True) -> str:
        kit = f"{self.node.base_url}/accounts/{self.account_id}/realtime/kit"
        return f"{kit}/{self.app_id}{path}" if below_app else f"{kit}{path}"

    def call(self, method: str, path: str, body: Any = None) -> Call:
        url = self.url(path)
        return lambda client: client.request(method, url, json=body, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, below_app: bool = True) -> Any:
        response = httpx.request(
            method, self.url(path, below_app), json=body, headers=self.headers, timeout=30
        )
        assert response.status_code < 300, response.text
        return response.json()["data"]

    def meeting(self, *who: str) -> str:
        """A meeting, with these participants added."""
        meeting_id: str = self.send("POST", "/meetings", {"title": "m"})["id"]
        for name in who:
            body = {"custom_participant_id": name, "preset_name": "group_call_host", "name": name}
            self.send("POST", f"/meetings/{meeting_id}/participants", body)
        return meeting_id

    def join(self, meeting_id: str, who: str) -> dict[str, Any]:
        body = {"custom_participant_id": who}
        joined: dict[str, Any] = self.send("POST", f"/meetings/{meeting_id}/simulate/join", body)
        return joined

    def leave(self, meeting_id: str, peer_id: str) -> None:
        self.send("POST", f"/meetings/{meeting_id}/simulate/leave", {"peer_id": peer_id})

    def webhook(self, url: str, events: list[str] | None = None) -> str:
        body = {"name": "hook", "url": url, "events": events or self.send("GET", "/webhooks/all")}
        webhook_id: str = self.send("POST", "/webhooks", body)["id"]
        return webhook_id

    def log(self, webhook_id: str) -> list[dict[str, Any]]:
        deliveries: list[dict[str, Any]] = self.send(
            "GET", f"/webhooks/{webhook_id}/deliveries?per_page=100"
        )
        return deliveries

    def public_key(self) -> str:
        published = httpx.get(f"{self.node.origin}/.well-known/webhooks.json", timeout=10).json()
        key: str = published["data"]["publicKey"]
        return key


Serve = Callable[..., list[ServeProcess]]


@pytest.fixture(scope="module")
def node(database_url: str) -> Iterator[ServeProcess]:
    """One `meetd serve` for the tests that each work in an app of their own; its attempts
    may take SLOW seconds."""
    settings = SETTINGS | {"MEETD_WEBHOOK_TIMEOUT": str(SLOW)}
    with ServeProcess("--database-url", database_url, **settings) as node:
        yield node


@pytest.fixture
def fresh_url(databases: Databases) -> Iterator[str]:
    """A database of its own: its first `meetd serve` makes the account."""
    url = databases.new()
    yield url
    databases.release(url)


@pytest.fixture
def serve(fresh_url: str) -> Iterator[Serve]:
    """Start `meetd serve` processes on a database of the test's own with quick retries,
    and wait until they answer; all are stopped at the end."""
    started: list[ServeProcess] = []

    def start(count: int = 1) -> list[ServeProcess]:
        nodes = [ServeProcess("--database-url", fresh_url, **SETTINGS) for _ in range(count)]
        started.extend(nodes)
        return [node.wait_ready() for node in nodes]

    yield start
    for node in started:
        node.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that trusts no meetd yet: each test says which process to ask."""
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def postgresql(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--database") != "postgresql":
        pytest.skip(
            "processes share deliveries through PostgreSQL's row locks (FOR UPDATE SKIP "
            "LOCKED); two `meetd serve` on one SQLite file is not how meetd is scaled out"
        )


class TestRestart:
    def test_pending_deliveries_are_sent_by_the_next_process(
        self, serve: Serve, receiver: Receiver
    ) -> None:
        receiver.stop()  # down while the first process runs
        [first] = serve()
        api = Api.first(first)
        webhook = api.webhook(receiver.url())
        meeting = api.meeting("alice", "bob")
        alice = api.join(meeting, "alice")
        api.join(meeting, "bob")
        api.leave(meeting, alice["peer_id"])
        until(lambda: api.log(webhook)[-1]["attempts"] >= 2, seconds=5)
        log = api.log(webhook)
        assert [d["status"] for d in log] == ["PENDING"] * 4
        assert log[-1]["error"].startswith("ConnectError"), log[-1]
        first.stop()

        [second] = serve()
        receiver.trust(second.origin)
        receiver.start()

        received = receiver.wait_for(4)
        assert [r.event for r in received] == [
            "meeting.started",
            "meeting.participantJoined",
            "meeting.participantJoined",
            "meeting.participantLeft",
        ]
        assert all(r.verified for r in received)
        assert [r.uuid for r in received] == [d["id"] for d in reversed(log)]
        api = api.on(second)
        until(lambda: {d["status"] for d in api.log(webhook)} == {"DELIVERED"}, seconds=5)
        assert len(receiver.received()) == 4


class TestASlowReceiver:
    def test_holds_up_no_other_meetings_events(
        self, node: ServeProcess, receiver: Receiver
    ) -> None:
        """Events of different meetings go in parallel (docs/webhooks.md): while one
        receiver keeps an attempt waiting for its answer, another webhook's delivery of an
        event of another meeting is sent at once, by the same (only) process."""
        receiver.trust(node.origin)
        api = Api.first(node)
        receiver.answer(HANG, path="slow")
        api.webhook(receiver.url("slow"), ["meeting.started"])
        api.webhook(receiver.url("fast"), ["meeting.participantJoined"])
        first, second = api.meeting("alice"), api.meeting("bob")
        api.join(first, "alice")
        receiver.wait_for(1, "slow")  # its answer is awaited from now on, for SLOW seconds
        sent = time.monotonic()

        api.join(second, "bob")

        bob = receiver.wait_for(2, "fast", seconds=SLOW + 5)[1]
        assert bob.payload["meeting"]["id"] == second
        assert bob.at - sent < SLOW / 2, f"sent {bob.at - sent:.2f} s after the event"


class TestKeyRotation:
    def test_deliveries_are_signed_with_the_new_key_within_seconds(
        self, node: ServeProcess, receiver: Receiver, database_url: str
    ) -> None:
        receiver.trust(node.origin)
        api = Api.first(node)
        webhook = api.webhook(receiver.url())
        meeting = api.meeting("alice", "bob")
        api.join(meeting, "alice")
        before = receiver.wait_for(2)
        old_key = api.public_key()

        command = ["keys", "rotate", "--webhooks", "--database-url", database_url]
        rotated = subprocess.run(
            [sys.executable, "-m", "meetd", *command],
            capture_output=True,
            text=True,
            env=environment(),
            timeout=60,
            check=False,
        )

        assert rotated.returncode == 0, rotated.stderr
        assert len(rotated.stdout.strip()) == 32  # the new key's id
        until(lambda: api.public_key() != old_key, seconds=10, what="the new key published")
        new_key = api.public_key()
        bob = api.join(meeting, "bob")
        after = receiver.wait_for(3)[2]
        assert after.payload["participant"]["peerId"] == bob["peer_id"]
        assert after.verified
        assert after.key == new_key
        assert not verifies(old_key, after.headers["rtk-signature"], after.body)
        assert all(r.key == old_key for r in before)
        assert {d["status"] for d in api.log(webhook)} == {"DELIVERED"}


@pytest.mark.usefixtures("postgresql")
class TestTwoProcesses:
    def test_each_delivery_is_sent_once(self, serve: Serve, receiver: Receiver) -> None:
        node_a, node_b = serve(2)
        receiver.trust(node_a.origin)
        a = Api.first(node_a, node_b)
        b = a.on(node_b)
        webhook = a.webhook(receiver.url())
        meetings = [a.meeting("alice", "bob") for _ in range(6)]

        pairs = [(meeting, who) for meeting in meetings for who in ("alice", "bob")]
        joins = together(
            [
                (a, b)[n % 2].call(
                    "POST", f"/meetings/{meeting}/simulate/join", {"custom_participant_id": who}
                )
                for n, (meeting, who) in enumerate(pairs)
            ]
        )
        assert [r.status_code for r in joins] == [201] * 12, [r.text for r in joins]
        peers = [r.json()["data"]["peer_id"] for r in joins]
        a.send("POST", "/simulate/clock/advance", {"seconds": 30})
        leaves = together(
            [
                (b, a)[n % 2].call("POST", f"/meetings/{meeting}/simulate/leave", {"peer_id": peer})
                for n, ((meeting, _), peer) in enumerate(zip(pairs, peers, strict=True))
            ]
        )
        assert [r.status_code for r in leaves] == [200] * 12, [r.text for r in leaves]
        b.send("POST", "/simulate/clock/advance", {"seconds": 61})

        # per meeting: started, two joins, two leaves, ended
        received = receiver.wait_for(36, seconds=20)
        log = a.log(webhook)
        assert len(log) == 36
        counted = Counter(r.uuid for r in receiver.received())
        assert set(counted) == {d["id"] for d in log}
        assert [uuid for uuid, times in counted.items() if times > 1] == []
        assert all(r.verified for r in received)
        until(lambda: {d["status"] for d in a.log(webhook)} == {"DELIVERED"}, seconds=5)
        assert len(receiver.received()) == 36
