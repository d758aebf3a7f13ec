"""Analytics (contract A11): an app's sessions, recordings and livestreams counted per day
(UTC), from what is stored, at the app's time; days with nothing are left out."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from meetd.analytics import store
from meetd.clock import clock, from_millis, to_millis
from meetd.errors import Invalid
from meetd.livestreams.lifecycle import viewer_ms
from meetd.recordings.lifecycle import recorded_ms
from meetd.sessions.service import minutes_consumed

DEFAULT_DAYS = 30  # the reference: "30 days ago to the current date"
EPOCH_DAY = date(1970, 1, 1)


def day_wise(
    connection: Connection, *, app_id: uuid.UUID, start_date: date | None, end_date: date | None
) -> dict[str, Any]:
    if start_date is not None and end_date is not None and start_date > end_date:
        raise Invalid("start_date", f"must not be after end_date ({end_date.isoformat()})")
    now = clock.app_now(connection, app_id)
    today = now.date()
    # By default the 30 days before the end, which is today (or the start, if later).
    last = end_date or max(today, start_date or today)
    first = start_date or last - min(timedelta(days=DEFAULT_DAYS), last - date.min)
    # the range's end is the next midnight: at the calendar's end, the end of time
    until = (
        _midnight(last + timedelta(days=1)) if last < date.max else datetime.max.replace(tzinfo=UTC)
    )
    since = _midnight(first)
    sessions: dict[date, list[float]] = defaultdict(list)
    for row in store.sessions_between(connection, app_id=app_id, since=since, until=until):
        sessions[row["started_at"].date()].append(minutes_consumed(row, now))
    recorded: dict[date, list[float]] = defaultdict(list)
    for row in store.recordings_between(connection, app_id=app_id, since=since, until=until):
        recorded[row["invoked_time"].date()].append(recorded_ms(row, now) / 60_000)
    return {
        "session_stats": {
            "sessions_count": sum(len(day) for day in sessions.values()),
            "sessions_minutes_consumed": _total(sessions.values()),
            "day_stats": [
                {
                    "day": _iso_day(day),
                    "total_sessions": len(minutes),
                    "total_session_minutes": round(sum(minutes), 4),
                }
                for day, minutes in sorted(sessions.items())
            ],
        },
        "recording_stats": {
            "recording_count": sum(len(day) for day in recorded.values()),
            "recording_minutes_consumed": _total(recorded.values()),
            "day_stats": [
                {
                    "day": _iso_day(day),
                    "total_recordings": len(minutes),
                    # an integer in the reference's schema
                    "total_recording_minutes": round(sum(minutes)),
                }
                for day, minutes in sorted(recorded.items())
            ],
        },
    }


def _total(days: Iterable[list[float]]) -> float:
    return round(sum(sum(day) for day in days), 4)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _iso_day(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000Z"


def livestreams_day_wise(
    connection: Connection, *, app_id: uuid.UUID, start_time: int | None, end_time: int | None
) -> list[dict[str, Any]]:
    return [
        {"date": day.isoformat(), **totals}
        for day, totals in sorted(_livestreams(connection, app_id, start_time, end_time).items())
    ]


def livestreams_overall(
    connection: Connection, *, app_id: uuid.UUID, start_time: int | None, end_time: int | None
) -> dict[str, Any]:
    days = _livestreams(connection, app_id, start_time, end_time).values()
    return {
        name: sum(day[name] for day in days)
        for name in ("count", "total_ingest_seconds", "total_viewer_seconds")
    }


def _livestreams(
    connection: Connection, app_id: uuid.UUID, start_time: int | None, end_time: int | None
) -> dict[date, dict[str, int]]:
    """The livestream sessions that started between the two times (seconds since 1970)."""
    if start_time is not None and end_time is not None and start_time > end_time:
        raise Invalid("start_time", f"must not be after end_time ({end_time})")
    now = clock.app_now(connection, app_id)
    since = from_millis(start_time * 1000) if start_time is not None else _midnight(EPOCH_DAY)
    until = from_millis(end_time * 1000 + 1) if end_time is not None else now + timedelta(days=1)
    days: dict[date, dict[str, int]] = {}
    for row in store.livestream_sessions_between(
        connection, app_id=app_id, since=since, until=until
    ):
        day = days.setdefault(
            row["started_time"].date(),
            {"count": 0, "total_ingest_seconds": 0, "total_viewer_seconds": 0},
        )
        end = to_millis(row["stopped_time"] or now)
        day["count"] += 1
        day["total_ingest_seconds"] += max(0, end - to_millis(row["started_time"])) // 1000
        day["total_viewer_seconds"] += viewer_ms(row, now) // 1000
    return days
