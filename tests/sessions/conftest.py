"""The sessions tests' fixtures: a database and an application per module
(tests/module_scope.py), an app per test (its activity), and a meeting whose session has
ended.

What a test compares of the whole database (`state`) it reads before and after its own
requests: the other tests' apps stand still meanwhile, since their timers (keep-alives of at
least 60 seconds) are due long after a module is done."""

from __future__ import annotations

import pytest

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.sessions.support import Activity, Ended, end_a_meeting
from tests.support import Account


@pytest.fixture
def activity(account: Account, app_id: str) -> Activity:
    return Activity(account, app_id)


@pytest.fixture
def ended(activity: Activity) -> Ended:
    """Alice and Bob met, chatted and spoke; the meeting transcribes and summarizes."""
    return end_a_meeting(
        activity, title="Weekly sync", transcribe_on_end=True, summarize_on_end=True
    )
