"""The sessions tests' fixtures: an app's activity, and a meeting whose session has ended."""

from __future__ import annotations

import pytest

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
