"""Analytics through the official `cloudflare` SDK 5.9.0, unmodified, over real HTTP: the
day-wise sessions and recordings (under `analytics` and, the same path, `livestreams`) and
the livestream analytics, their answers parsed into its models, and its errors. The
activity that they count is made through plain HTTP."""

from __future__ import annotations

import math
from typing import Any

import cloudflare
import pytest
from cloudflare import Cloudflare

from tests.livestreams.support import Kit
from tests.support import Account, at


@pytest.fixture
def activity(kit: Kit) -> dict[str, str]:
    """A meeting's session of 120 s, then one with a recording of 60 s; the day (UTC) each
    began."""
    session = kit.met(120, "alice")
    live = kit.live()
    recording = kit.recorded(live.meeting_id, 60)
    kit.kick_all(live.meeting_id)
    return {
        "session_day": at(session["started_at"]).date().isoformat(),
        "recording_day": at(recording["invoked_time"]).date().isoformat(),
    }


@pytest.fixture
def streamed(kit: Kit) -> dict[str, Any]:
    """The livestream session of an independent livestream LIVE for 100 s with 3 viewers."""
    return kit.streamed(100, viewers=3)


class TestGetOrgAnalytics:
    def test_sessions_and_recordings_per_day(
        self, sdk: Cloudflare, account: Account, kit: Kit, activity: dict[str, str]
    ) -> None:
        for resource in (sdk.realtime_kit.analytics, sdk.realtime_kit.livestreams):
            stats = resource.get_org_analytics(kit.app_id, account_id=account.id)

            assert stats.success is True
            assert stats.data is not None
            sessions = stats.data.session_stats
            assert sessions is not None
            assert sessions.sessions_count == 2  # the recorded meeting's session too
            assert sessions.sessions_minutes_consumed == pytest.approx(2.0 + 62 / 60, abs=1e-3)
            assert sessions.day_stats is not None
            [day] = sessions.day_stats
            assert day.day == f"{activity['session_day']}T00:00:00.000Z"
            assert day.total_sessions == 2
            recordings = stats.data.recording_stats
            assert recordings is not None
            assert recordings.recording_count == 1
            assert recordings.recording_minutes_consumed == pytest.approx(1.0)
            assert recordings.day_stats is not None
            [recorded] = recordings.day_stats
            assert recorded.day == f"{activity['recording_day']}T00:00:00.000Z"
            assert (recorded.total_recordings, recorded.total_recording_minutes) == (1, 1)

    def test_a_range_of_days(
        self, sdk: Cloudflare, account: Account, kit: Kit, activity: dict[str, str]
    ) -> None:
        day = activity["session_day"]

        same = sdk.realtime_kit.analytics.get_org_analytics(
            kit.app_id, account_id=account.id, start_date=day, end_date=day
        )
        before = sdk.realtime_kit.analytics.get_org_analytics(
            kit.app_id, account_id=account.id, start_date="2001-01-01", end_date="2001-01-31"
        )

        assert same.data is not None
        assert same.data.session_stats is not None
        assert same.data.session_stats.sessions_count == 2
        assert before.data is not None
        assert before.data.session_stats is not None
        assert before.data.session_stats.sessions_count == 0
        assert before.data.session_stats.day_stats == []

    def test_bad_dates_are_refused(self, sdk: Cloudflare, account: Account, kit: Kit) -> None:
        with pytest.raises(cloudflare.BadRequestError) as refused:
            sdk.realtime_kit.analytics.get_org_analytics(
                kit.app_id, account_id=account.id, start_date="2026-1-1"
            )

        assert "start_date" in str(refused.value)


class TestGetLivestreamAnalyticsDaywise:
    def test_per_day(
        self, sdk: Cloudflare, account: Account, kit: Kit, streamed: dict[str, Any]
    ) -> None:
        days = sdk.realtime_kit.livestreams.get_livestream_analytics_daywise(
            kit.app_id, account_id=account.id, filters="anything"
        )

        assert days.data is not None
        [day] = days.data
        assert day.date == at(streamed["started_time"]).date().isoformat()
        assert (day.count, day.total_ingest_seconds, day.total_viewer_seconds) == (1, 100, 300)

    def test_a_time_range(
        self, sdk: Cloudflare, account: Account, kit: Kit, streamed: dict[str, Any]
    ) -> None:
        started = at(streamed["started_time"]).timestamp()

        after = sdk.realtime_kit.livestreams.get_livestream_analytics_daywise(
            kit.app_id, account_id=account.id, start_time=math.floor(started) + 1
        )

        assert after.data == []


class TestGetLivestreamAnalyticsComplete:
    def test_in_all(
        self, sdk: Cloudflare, account: Account, kit: Kit, streamed: dict[str, Any]
    ) -> None:
        started = math.floor(at(streamed["started_time"]).timestamp())
        livestreams = sdk.realtime_kit.livestreams

        totals = livestreams.get_livestream_analytics_complete(kit.app_id, account_id=account.id)
        within = livestreams.get_livestream_analytics_complete(
            kit.app_id, account_id=account.id, start_time=started, end_time=started + 1
        )

        for answer in (totals, within):
            assert answer.data is not None
            assert (
                answer.data.count,
                answer.data.total_ingest_seconds,
                answer.data.total_viewer_seconds,
            ) == (1, 100, 300)

    def test_a_start_after_the_end_is_refused(
        self, sdk: Cloudflare, account: Account, kit: Kit
    ) -> None:
        with pytest.raises(cloudflare.BadRequestError) as refused:
            sdk.realtime_kit.livestreams.get_livestream_analytics_complete(
                kit.app_id, account_id=account.id, start_time=200, end_time=100
            )

        assert "start_time" in str(refused.value)
