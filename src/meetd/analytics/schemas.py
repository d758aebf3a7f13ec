"""The analytics answers (contract A11, beyond-core 7)."""

from __future__ import annotations

from pydantic import BaseModel


class SessionDay(BaseModel):
    day: str
    total_sessions: int
    total_session_minutes: float


class SessionStats(BaseModel):
    sessions_count: int
    sessions_minutes_consumed: float
    day_stats: list[SessionDay]


class RecordingDay(BaseModel):
    day: str
    total_recordings: int
    total_recording_minutes: int


class RecordingStats(BaseModel):
    recording_count: int
    recording_minutes_consumed: float
    day_stats: list[RecordingDay]


class DayWise(BaseModel):
    session_stats: SessionStats
    recording_stats: RecordingStats


class LivestreamDay(BaseModel):
    date: str
    count: int
    total_ingest_seconds: int
    total_viewer_seconds: int


class LivestreamTotals(BaseModel):
    count: int
    total_ingest_seconds: int
    total_viewer_seconds: int
