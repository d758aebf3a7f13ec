"""Sessions' keep-alive where no timer loop runs: the tests move the real clock and stop the
timer loop of their application, so each has a database and an application of its own
(tests/conftest.py), unlike test_routes.py's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from meetd.clock import Clock, clock
from meetd.timers.runner import TimerRunner
from tests.activity.support import Kit, Meeting
from tests.support import Account, later


@pytest.fixture
def kit(account: Account, app_id: str) -> Kit:
    return Kit(account, app_id)


@pytest.fixture
def meeting(kit: Kit) -> Meeting:
    return kit.meeting(title="Stand-up")


class TestKeepAliveWithoutTheTimerLoop:
    """A node's timers run every half second, or seconds later when the node that would run
    them is gone (tests/activity/test_timers.py). Meanwhile the keep-alive has still run
    out: a join then starts a new session (contract A7: only a join *within* the keep-alive
    continues it). Here the real clock is moved forward and no timer loop runs."""

    @pytest.fixture
    def client(self, app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
        async def idle(_runner: TimerRunner) -> None:
            return None

        monkeypatch.setattr(TimerRunner, "start", idle)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client

    @pytest.fixture
    def shift(self, monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
        """Move the real clock forward by some seconds."""
        moved = [timedelta()]

        def now() -> datetime:
            return Clock.now(clock) + moved[0]

        monkeypatch.setattr(clock, "now", now)

        def forward(seconds: float) -> None:
            moved[0] += timedelta(seconds=seconds)

        return forward

    def test_a_join_after_the_keep_alive_ran_out_starts_a_new_session(
        self, meeting: Meeting, kit: Kit, shift: Callable[[float], None]
    ) -> None:
        first = meeting.joined()
        left = meeting.left(first["peer_id"])

        shift(61)
        second = meeting.joined()

        assert second["session_id"] != first["session_id"]
        session = kit.session(first["session_id"])
        assert session["status"] == "ENDED"
        assert session["ended_at"] == later(left["left_at"], 60)

    def test_a_join_within_the_keep_alive_still_continues(
        self, meeting: Meeting, shift: Callable[[float], None]
    ) -> None:
        first = meeting.joined()
        meeting.left(first["peer_id"])

        shift(59)

        assert meeting.joined()["session_id"] == first["session_id"]
