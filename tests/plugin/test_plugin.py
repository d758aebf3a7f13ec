"""meetd's pytest plugin as a project's tests use it: user test files run by pytester, each
run a pytest process of its own with its own `meetd serve` (about 2 s to start)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugin.conftest import Runner

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]


def documented_test(
    document: str = "docs/testing.md", heading: str = "## The pytest plugin"
) -> str:
    """The example of a document's section on the plugin, as a user would copy it."""
    text = (ROOT / document).read_text()
    section = text[text.index(heading) :]
    start = section.index("```python\n") + len("```python\n")
    return section[start : section.index("```\n", start)]


# One meeting's two sessions: its events come in order, and wait_for hands them out so.
IN_ORDER = """
def test_wait_for_takes_the_deliveries_of_an_event_in_order(meetd_app, meetd_webhooks):
    meeting = meetd_app.request("POST", "/meetings", {"title": "twice"})["id"]
    bob = meetd_app.request(
        "POST", f"/meetings/{meeting}/participants",
        {"custom_participant_id": "bob", "preset_name": "group_call_host"},
    )
    sessions = []
    for how in ({"custom_participant_id": "bob"}, {"participant_id": bob["id"]}):
        peer = meetd_app.join(meeting, **how, metadata={"browser": "Lynx"})
        sessions.append(peer["session_id"])
        meetd_app.leave(peer["peer_id"])
        meetd_app.advance_clock(61)

    started = [meetd_webhooks.wait_for("meeting.started") for _ in sessions]
    ended = [meetd_webhooks.wait_for("meeting.ended") for _ in sessions]

    assert [event["meeting"]["sessionId"] for event in started] == sessions
    assert [event["meeting"]["sessionId"] for event in ended] == sessions
    session = ["started", "participantJoined", "participantLeft", "ended"]
    assert [event for event, _ in meetd_webhooks.received] == [
        f"meeting.{name}" for name in session * 2
    ]
    assert {d.headers["rtk-webhook-id"] for d in meetd_webhooks.deliveries} == {
        meetd_webhooks.webhook_id
    }
    assert meetd_webhooks.rejected == []
"""

# Each test has an app of its own: it sees its own meetings only, whichever server it has.
ISOLATED = """
import pathlib

import pytest


@pytest.mark.parametrize("count", [2, 3])
def test_sees_only_its_own_meetings(count, meetd_client, meetd_server, meetd_app):
    meetings = meetd_client.realtime_kit.meetings
    for n in range(count):
        meetings.create(meetd_app.id, account_id=meetd_server.account_id, title=f"m{n}")

    page = meetings.get(meetd_app.id, account_id=meetd_server.account_id)

    assert page.paging.total_count == count
    assert meetd_app.name.endswith(f"test_sees_only_its_own_meetings[{count}]")
    pathlib.Path(__file__).with_name(f"app-{count}").write_text(meetd_app.id)
    pathlib.Path(__file__).with_name(f"pid-{count}").write_text(str(meetd_server.pid))
"""

# What goes wrong says what it is.
FAILURES = """
import base64
import json
import sys
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from meetd.pytest_plugin import MeetdError

sys.modules["cloudflare"] = None  # as if the SDK were not installed


def forged(meetd_webhooks, body):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # not meetd's
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return httpx.post(meetd_webhooks.url, content=body, headers={
        "content-type": "application/json",
        "rtk-signature": base64.b64encode(signature).decode(),
        "rtk-uuid": str(uuid.uuid4()),
        "rtk-webhook-id": meetd_webhooks.webhook_id,
    })


def test_a_forged_delivery_is_refused_and_fails_wait_for(meetd_webhooks):
    body = json.dumps({"event": "meeting.started", "meeting": {}}).encode()

    assert forged(meetd_webhooks, body).status_code == 401
    unsigned = httpx.post(meetd_webhooks.url, content=body)
    assert unsigned.status_code == 401

    assert [r.reason for r in meetd_webhooks.rejected] == [
        "the signature does not verify with the key meetd publishes",
        "no rtk-signature, rtk-uuid, rtk-webhook-id header",
    ]
    assert meetd_webhooks.received == []
    with pytest.raises(AssertionError, match="rejected 2 delivery"):
        meetd_webhooks.wait_for("meeting.started", timeout=5)


def test_an_unknown_meeting_is_a_meetd_error(meetd_app):
    with pytest.raises(MeetdError) as raised:
        meetd_app.join(str(uuid.uuid4()), custom_participant_id="nobody")

    assert (raised.value.status, raised.value.code) == (404, 404)
    assert raised.value.method == "POST"
    assert "/simulate/join: 404 (code 404) " in str(raised.value)


def test_a_timeout_names_the_event_and_what_came(meetd_app, meetd_webhooks):
    meeting = meetd_app.request("POST", "/meetings", {"title": "t"})
    meetd_app.request(
        "POST", f"/meetings/{meeting['id']}/participants",
        {"custom_participant_id": "carol", "preset_name": "group_call_host"},
    )
    meetd_app.join(meeting["id"], custom_participant_id="carol")
    meetd_webhooks.wait_for("meeting.started")
    meetd_webhooks.wait_for("meeting.participantJoined")

    with pytest.raises(AssertionError) as raised:
        meetd_webhooks.wait_for("meeting.started", timeout=0.2)

    assert str(raised.value) == (
        "no delivery 2 of 'meeting.started' within 0.2 s; "
        "received: meeting.started, meeting.participantJoined"
    )
    with pytest.raises(ValueError, match="no such event: 'meeting.start';"):
        meetd_webhooks.wait_for("meeting.start")
    with pytest.raises(ValueError, match="pass its meeting_id="):
        meetd_app.leave(str(uuid.uuid4()))


def test_an_unexpected_meetd_error_fails_the_test_saying_why(meetd_app):
    meetd_app.join("00000000-0000-4000-8000-000000000000", custom_participant_id="x")


def test_the_sdk_is_asked_for(meetd_client):
    pass
"""

# The helpers beyond join and leave: the clock, reset, fault rules.
HELPERS = """
import pytest

from meetd.pytest_plugin import MeetdError


def test_the_clock(meetd_app):
    before = meetd_app.clock()["offset_seconds"]
    moved = meetd_app.advance_clock(3600)
    assert moved["offset_seconds"] == before + 3600
    assert meetd_app.clock()["offset_seconds"] == before + 3600


def test_chat_and_speech(meetd_app):
    meeting = meetd_app.request("POST", "/meetings", {"title": "talk"})
    meetd_app.request(
        "POST", f"/meetings/{meeting['id']}/participants",
        {"custom_participant_id": "dan", "preset_name": "group_call_host"},
    )
    peer = meetd_app.join(meeting["id"], custom_participant_id="dan")["peer_id"]
    assert meetd_app.chat(peer, "hello")["peer_id"] == peer
    assert meetd_app.speak(peer, "hello all", duration_ms=900)["duration_ms"] == 900


def test_a_fault_the_sdk_retries(meetd_client, meetd_server, meetd_app):
    rule = meetd_app.add_fault(path="*/meetings", method="POST", status=503, count=1)
    assert [r["id"] for r in meetd_app.faults()] == [rule["id"]]

    meetd_client.realtime_kit.meetings.create(
        meetd_app.id, account_id=meetd_server.account_id, title="after a retry"
    )

    assert [r["faulted"] for r in meetd_app.faults()] == [1]
    assert [r["id"] for r in meetd_app.clear_faults()] == [rule["id"]]
    assert meetd_app.faults() == []


def test_a_fault_the_helpers_report(meetd_app):
    meetd_app.add_fault(path="*/meetings", status=429, retry_after=7)
    with pytest.raises(MeetdError) as raised:
        meetd_app.request("GET", "/meetings")
    assert (raised.value.status, raised.value.code) == (429, 971)


def test_reset_empties_the_app_and_the_receiver_goes_on(meetd_app, meetd_webhooks):
    def meeting_with_someone_in_it():
        meeting = meetd_app.request("POST", "/meetings", {"title": "r"})
        meetd_app.request(
            "POST", f"/meetings/{meeting['id']}/participants",
            {"custom_participant_id": "eve", "preset_name": "group_call_host"},
        )
        meetd_app.join(meeting["id"], custom_participant_id="eve")
        return meeting["id"]

    meeting_with_someone_in_it()
    meetd_webhooks.wait_for("meeting.started")

    meetd_app.reset()

    assert meetd_app.request("GET", "/meetings") == []
    assert meetd_app.request("GET", "/presets")  # kept
    assert meetd_webhooks.received == []
    after = meeting_with_someone_in_it()
    assert meetd_webhooks.wait_for("meeting.started")["meeting"]["id"] == after
"""


class TestFixtures:
    def test_the_documented_test_and_deliveries_in_order(self, runner: Runner) -> None:
        readme = documented_test("README.md", "## Testing your code against meetd")
        result = runner.run(documented_test() + "\n" + readme + IN_ORDER)

        result.assert_outcomes(passed=3)

    @pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
    def test_each_test_has_an_app_of_its_own(self, runner: Runner, workers: list[str]) -> None:
        result = runner.run(ISOLATED, *workers)

        result.assert_outcomes(passed=2)
        apps = {(runner.pytester.path / f"app-{n}").read_text() for n in (2, 3)}
        assert len(apps) == 2
        for pid in {int((runner.pytester.path / f"pid-{n}").read_text()) for n in (2, 3)}:
            with pytest.raises(ProcessLookupError):  # the server went with its session
                os.kill(pid, 0)

    def test_failures_say_what_went_wrong(self, runner: Runner) -> None:
        result = runner.run(FAILURES)

        result.assert_outcomes(passed=3, failed=1, errors=1)
        result.stdout.fnmatch_lines(
            [
                "E * meetd.pytest_plugin.MeetdError: POST /meetings/"
                "00000000-0000-4000-8000-000000000000/simulate/join: 404 (code 404) No meeting *",
            ]
        )
        result.stdout.fnmatch_lines(
            [
                "*ERROR at setup of test_the_sdk_is_asked_for*",
                "*meetd_client is the official Cloudflare SDK, which is not installed here: "
                "pip install cloudflare",
            ]
        )

    def test_the_clock_reset_and_faults(self, runner: Runner) -> None:
        result = runner.run(HELPERS)

        result.assert_outcomes(passed=5)


class TestTheServer:
    @pytest.mark.sqlite_only  # the PostgreSQL pass gives every run a database of its own
    def test_a_database_of_ones_choice(self, bare_runner: Runner, tmp_path: Path) -> None:
        database = tmp_path / "chosen.db"
        source = """
            def test_it(meetd_server, meetd_app):
                assert meetd_server.database_url.endswith("/chosen.db")
                assert "meetd.db" not in repr(meetd_server)
        """

        result = bare_runner.run(source, f"--meetd-database-url=sqlite:///{database}")

        result.assert_outcomes(passed=1)
        with sqlite3.connect(database) as db:
            names = [name for (name,) in db.execute("SELECT name FROM apps")]
        assert names == ["test_user.py::test_it"]
        assert database.with_suffix(".key").exists()  # SQLite's secret key, beside it

    def test_a_server_that_cannot_start_says_why_and_tells_no_secret(
        self, bare_runner: Runner
    ) -> None:
        source = """
            def test_one(meetd_app):
                pass

            def test_two(meetd_server):
                pass
        """
        url = "postgresql://meetd:hunter2@127.0.0.1:1/meetd"  # and no MEETD_SECRET_KEY

        result = bare_runner.run(source, f"--meetd-database-url={url}")

        result.assert_outcomes(errors=2)
        result.stdout.fnmatch_lines(
            [
                "*`meetd token create` failed (exit status 2) on "
                "postgresql://meetd:***@127.0.0.1:1/meetd; the end of *meetd.log:",
                "*MEETD_SECRET_KEY is required with this database*",
            ]
        )
        assert "hunter2" not in result.stdout.str() + result.stderr.str()

    def test_the_option_is_in_the_help(self, bare_runner: Runner) -> None:
        result = bare_runner.run("", "--help")

        result.stdout.fnmatch_lines(
            [
                "*--meetd-database-url=URL*",
                "*SQLite database per test session, i.e. per xdist worker",
            ]
        )

    def test_a_run_without_meetd_fixtures_starts_no_server(self, bare_runner: Runner) -> None:
        result = bare_runner.run("def test_plain():\n    pass\n")

        result.assert_outcomes(passed=1)
        assert not list(bare_runner.pytester.path.glob("runpytest-*/meetd*"))


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    """pytest imports it in every run of every project that has meetd installed."""
    heavy = ["meetd.app", "fastapi", "cloudflare", "httpx", "sqlalchemy", "cryptography"]
    heavy.append("http.server")  # the webhook receiver's
    code = (
        "import sys; import meetd.pytest_plugin; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )

    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert shown.strip() == "[]"
