"""The livestreams tests' fixtures.

A database and an application serve a whole module (tests/module_scope.py); each test works
in an app of its own. During each test the real clock stands still."""

from __future__ import annotations

from datetime import datetime

import pytest

from meetd.clock import Clock, clock
from tests.livestreams.support import Kit
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account


@pytest.fixture(autouse=True)
def still(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The real clock stands still during a test: an app's clock moves only when the test
    advances it, so the seconds counted, and the times written, are exact."""
    moment: datetime = Clock.now(clock)

    def now() -> datetime:
        return moment

    monkeypatch.setattr(clock, "now", now)
    return moment


@pytest.fixture
def kit(account: Account, app_id: str) -> Kit:
    return Kit(account, app_id)
