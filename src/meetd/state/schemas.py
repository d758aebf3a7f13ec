"""The answer of `DELETE .../{app_id}/simulate/state` (a meetd extension, docs/testing.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Removed(BaseModel):
    deliveries: int
    events: int
    webhooks: int
    timers: int
    fault_rules: int
    recordings: int
    livestreams: int
    sessions: int
    participants: int
    meetings: int


class Emptied(BaseModel):
    removed: Removed = Field(description="how many of each went")
    now: str = Field(description="the app's clock, back at the real time")
