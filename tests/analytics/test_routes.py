"""Analytics (contract A11, beyond-core 7) over HTTP: sessions and recordings per day, and
livestream sessions per day and in all, computed from what the app's activity left, per day
in UTC with empty days left out; and every kind of bad input."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest

from tests.livestreams.support import Kit, Live
from tests.support import at

DAY = 86_400
NOTHING = {
    "session_stats": {"sessions_count": 0, "sessions_minutes_consumed": 0, "day_stats": []},
    "recording_stats": {"recording_count": 0, "recording_minutes_consumed": 0, "day_stats": []},
}
NO_LIVESTREAMS = {"count": 0, "total_ingest_seconds": 0, "total_viewer_seconds": 0}


def refused(response: Any, message: str) -> None:
    """A 400 with the error body of contract A3, its message starting with `message`."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == 400
    assert body["error"]["message"].startswith(message), body["error"]["message"]


def day_of(timestamp: str) -> date:
    return at(timestamp).date()


def midnight(day: date) -> str:
    """A day as the daywise answer writes it."""
    return f"{day.isoformat()}T00:00:00.000Z"


def unix(timestamp: str) -> float:
    return at(timestamp).timestamp()


def day_wise(kit: Kit, **params: Any) -> dict[str, Any]:
    stats: dict[str, Any] = kit.get("/analytics/daywise", **params)
    return stats


class TestGetDayWise:
    def test_an_app_without_activity(self, kit: Kit) -> None:
        response = kit.account.get(f"/{kit.app_id}/analytics/daywise")

        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": NOTHING}

    def test_a_session_counts_its_peers_minutes_on_the_day_it_started(self, kit: Kit) -> None:
        session = kit.met(120, "alice")

        stats = day_wise(kit)

        assert stats["session_stats"] == {
            "sessions_count": 1,
            "sessions_minutes_consumed": 2.0,
            "day_stats": [
                {
                    "day": midnight(day_of(session["started_at"])),
                    "total_sessions": 1,
                    "total_session_minutes": 2.0,
                }
            ],
        }
        assert stats["recording_stats"] == NOTHING["recording_stats"]

    def test_sessions_of_a_day_add_up(self, kit: Kit) -> None:
        first = kit.met(120, "alice", "bob")  # two peers: 4 minutes
        kit.met(30, "carol")

        stats = day_wise(kit)["session_stats"]

        assert (stats["sessions_count"], stats["sessions_minutes_consumed"]) == (2, 4.5)
        [today] = stats["day_stats"]
        assert today == {
            "day": midnight(day_of(first["started_at"])),
            "total_sessions": 2,
            "total_session_minutes": 4.5,
        }

    def test_a_live_session_counts_its_minutes_so_far(self, kit: Kit) -> None:
        live = kit.live()
        kit.advance(90)

        stats = day_wise(kit)["session_stats"]

        assert (stats["sessions_count"], stats["sessions_minutes_consumed"]) == (1, 1.5)
        assert kit.session(live.session_id)["status"] == "LIVE"

    def test_a_recording_counts_its_recorded_minutes(self, kit: Kit) -> None:
        live = kit.live()
        recording = kit.recorded(live.meeting_id, 60)

        stats = day_wise(kit)["recording_stats"]

        assert stats["recording_count"] == 1
        assert stats["recording_minutes_consumed"] == pytest.approx(1.0)
        assert stats["day_stats"] == [
            {
                "day": midnight(day_of(recording["invoked_time"])),
                "total_recordings": 1,
                "total_recording_minutes": 1,
            }
        ]

    def test_days_with_nothing_are_left_out(self, kit: Kit) -> None:
        first = kit.met(120, "alice")
        kit.advance(2 * DAY)
        second = kit.met(60, "bob")

        stats = day_wise(kit)["session_stats"]

        days = [day_of(first["started_at"]), day_of(second["started_at"])]
        assert days[1] - days[0] == timedelta(days=2)
        assert stats["day_stats"] == [
            {"day": midnight(days[0]), "total_sessions": 1, "total_session_minutes": 2.0},
            {"day": midnight(days[1]), "total_sessions": 1, "total_session_minutes": 1.0},
        ]
        assert (stats["sessions_count"], stats["sessions_minutes_consumed"]) == (2, 3.0)

    def test_a_range_of_days(self, kit: Kit) -> None:
        session = kit.met(120, "alice")
        day = day_of(session["started_at"])

        def counted(start: date, end: date) -> int:
            stats = day_wise(kit, start_date=start.isoformat(), end_date=end.isoformat())
            count: int = stats["session_stats"]["sessions_count"]
            return count

        one = timedelta(days=1)
        assert counted(day, day) == 1
        assert counted(day - one, day + one) == 1
        assert counted(day - 5 * one, day - one) == 0
        assert counted(day + one, day + 2 * one) == 0
        assert (
            day_wise(kit, start_date=(day - one).isoformat(), end_date=(day - one).isoformat())
            == NOTHING
        )

    def test_the_default_range_is_the_last_30_days(self, kit: Kit) -> None:
        session = kit.met(120, "alice")
        day = day_of(session["started_at"])

        kit.advance(31 * DAY)

        assert day_wise(kit) == NOTHING
        assert day_wise(kit, start_date=day.isoformat())["session_stats"]["sessions_count"] == 1
        assert day_wise(kit, end_date=day.isoformat())["session_stats"]["sessions_count"] == 1

    def test_only_the_apps_own(self, kit: Kit) -> None:
        kit.met(120, "alice")
        other = Kit(kit.account, kit.account.create_app("other"))

        assert day_wise(other) == NOTHING

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"start_date": "2026-11-02", "end_date": "2026-11-01"}, "start_date:"),
            ({"start_date": "2026-13-01"}, "start_date:"),
            ({"start_date": "30-11-2026"}, "start_date:"),
            ({"start_date": "2026-1-1"}, "start_date:"),
            ({"start_date": "2026-02-30"}, "start_date:"),
            ({"start_date": "2026-11-01T00:00:00Z"}, "start_date:"),
            ({"start_date": "today"}, "start_date:"),
            ({"end_date": "2026/11/01"}, "end_date:"),
            ({"end_date": ""}, "end_date:"),
        ],
    )
    def test_bad_dates_are_refused_naming_them(
        self, kit: Kit, params: dict[str, str], field: str
    ) -> None:
        kit.met(120, "alice")
        before = day_wise(kit)

        refused(kit.account.get(f"/{kit.app_id}/analytics/daywise", params=params), field)

        assert day_wise(kit) == before

    def test_the_last_day_of_the_calendar(self, kit: Kit) -> None:
        kit.met(120, "alice")

        response = kit.account.get(
            f"/{kit.app_id}/analytics/daywise",
            params={"start_date": "2000-01-01", "end_date": "9999-12-31"},
        )

        assert response.status_code == 200, response.text
        assert response.json()["data"]["session_stats"]["sessions_count"] == 1
        only_the_end = kit.account.get(
            f"/{kit.app_id}/analytics/daywise", params={"end_date": "9999-12-31"}
        )
        assert only_the_end.json()["data"]["session_stats"]["sessions_count"] == 0

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"end_date": "0001-01-05"}, "end_date"),  # 30 days before it is before year 1
            ({"start_date": "9999-12-31"}, "start_date"),  # the day after it is past 9999
            ({"start_date": "0001-01-01", "end_date": "0001-01-02"}, "start_date"),
        ],
        ids=["end_date-0001-01-05", "start_date-9999-12-31", "year-1"],
    )
    def test_the_edges_of_the_calendar_find_nothing(
        self, kit: Kit, params: dict[str, str], field: str
    ) -> None:
        """Valid dates: nothing happened then (a 400 naming the date would do as well; a 500
        would not)."""
        kit.met(120, "alice")

        response = kit.account.get(f"/{kit.app_id}/analytics/daywise", params=params)

        assert response.status_code in (200, 400), response.text
        if response.status_code == 200:
            assert response.json()["data"] == NOTHING
        else:
            refused(response, f"{field}:")


# -- livestreams ----------------------------------------------------------------------------


@pytest.fixture
def streamed(kit: Kit) -> list[dict[str, Any]]:
    """Two livestream sessions of one day: an independent livestream LIVE for 100 s with 3
    viewers, and a meeting's LIVE for 30 s until its session is ended by kick-all."""
    independent = kit.streamed(100, viewers=3)
    live: Live = kit.live()
    started = kit.started(live.meeting_id)
    kit.advance(2)
    kit.advance(30)
    kit.kick_all(live.meeting_id)
    [meetings] = kit.stream_sessions(started["id"])
    assert meetings["ingest_seconds"] == 30
    return [independent, meetings]


class TestGetLivestreamsDayWise:
    def path(self, kit: Kit) -> str:
        return f"/{kit.app_id}/analytics/livestreams/daywise"

    def test_none(self, kit: Kit) -> None:
        response = kit.account.get(self.path(kit))

        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": []}

    def test_the_sessions_of_a_day_add_up(self, kit: Kit, streamed: list[dict[str, Any]]) -> None:
        days = kit.get("/analytics/livestreams/daywise")

        assert days == [
            {
                "date": day_of(streamed[0]["started_time"]).isoformat(),
                "count": 2,
                "total_ingest_seconds": 130,
                "total_viewer_seconds": 300,
            }
        ]

    def test_each_day_apart_the_oldest_first(self, kit: Kit) -> None:
        first = kit.streamed(100, viewers=1)
        kit.advance(3 * DAY)
        live = kit.independent()
        second = kit.fed(live["id"], state="live")["session"]
        kit.fed(live["id"], viewers=2)
        kit.advance(10)  # still LIVE: counted so far

        days = kit.get("/analytics/livestreams/daywise")

        assert days == [
            {
                "date": day_of(first["started_time"]).isoformat(),
                "count": 1,
                "total_ingest_seconds": 100,
                "total_viewer_seconds": 100,
            },
            {
                "date": day_of(second["started_time"]).isoformat(),
                "count": 1,
                "total_ingest_seconds": 10,
                "total_viewer_seconds": 20,
            },
        ]

    def test_a_time_range_in_seconds_since_1970(
        self, kit: Kit, streamed: list[dict[str, Any]]
    ) -> None:
        first = unix(streamed[0]["started_time"])
        second = unix(streamed[1]["started_time"])

        def counts(**params: int) -> list[int]:
            days = kit.get("/analytics/livestreams/daywise", **params)
            return [day["count"] for day in days]

        assert counts(start_time=math.floor(first)) == [2]
        assert counts(start_time=math.floor(first) + 1) == [1]
        assert counts(start_time=math.floor(second) + 1) == []
        assert counts(end_time=math.ceil(second)) == [2]
        assert counts(end_time=math.ceil(first)) == [1]
        assert counts(end_time=math.floor(first) - 1) == []
        assert counts(start_time=0, end_time=math.floor(first) - 1) == []

    def test_only_the_apps_own(self, kit: Kit, streamed: list[dict[str, Any]]) -> None:
        other = kit.account.create_app("other")

        response = kit.account.get(f"/{other}/analytics/livestreams/daywise")

        assert response.json()["data"] == []

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"start_time": 200, "end_time": 100}, "start_time:"),
            ({"start_time": -1}, "start_time:"),
            ({"end_time": -5}, "end_time:"),
            ({"start_time": "yesterday"}, "start_time:"),
            ({"end_time": "1.5"}, "end_time:"),
            ({"end_time": 10**13}, "end_time:"),
        ],
    )
    def test_bad_times_are_refused_naming_them(
        self, kit: Kit, params: dict[str, Any], field: str
    ) -> None:
        refused(kit.account.get(self.path(kit), params=params), field)

    def test_filters_are_accepted(self, kit: Kit, streamed: list[dict[str, Any]]) -> None:
        days = kit.get("/analytics/livestreams/daywise", filters="status:LIVE")

        assert [day["count"] for day in days] == [2]


class TestGetLivestreamsOverall:
    def path(self, kit: Kit) -> str:
        return f"/{kit.app_id}/analytics/livestreams/overall"

    def test_none(self, kit: Kit) -> None:
        response = kit.account.get(self.path(kit))

        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "data": NO_LIVESTREAMS}

    def test_every_session_adds_up(self, kit: Kit, streamed: list[dict[str, Any]]) -> None:
        kit.advance(2 * DAY)
        kit.streamed(50, viewers=2)

        totals = kit.get("/analytics/livestreams/overall")

        assert totals == {"count": 3, "total_ingest_seconds": 180, "total_viewer_seconds": 400}

    def test_a_time_range_in_seconds_since_1970(
        self, kit: Kit, streamed: list[dict[str, Any]]
    ) -> None:
        first = math.floor(unix(streamed[0]["started_time"]))

        assert kit.get("/analytics/livestreams/overall", start_time=first + 1) == {
            "count": 1,
            "total_ingest_seconds": 30,
            "total_viewer_seconds": 0,
        }
        assert kit.get("/analytics/livestreams/overall", end_time=first + 1) == {
            "count": 1,
            "total_ingest_seconds": 100,
            "total_viewer_seconds": 300,
        }
        assert kit.get("/analytics/livestreams/overall", end_time=first - 1) == NO_LIVESTREAMS

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"start_time": 200, "end_time": 100}, "start_time:"),
            ({"start_time": -1}, "start_time:"),
            ({"end_time": "soon"}, "end_time:"),
        ],
    )
    def test_bad_times_are_refused_naming_them(
        self, kit: Kit, params: dict[str, Any], field: str
    ) -> None:
        refused(kit.account.get(self.path(kit), params=params), field)
