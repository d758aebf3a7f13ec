"""The activity API's bodies and answers (contract A8, meetd extensions)."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from meetd.schemas import Clean, Schema

# Ten years of 365.25 days: the furthest one advance may move an app's clock.
MAX_ADVANCE_SECONDS = 315_576_000
MAX_MESSAGE = 4000
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=64), Clean]
MetadataValue = Annotated[str, StringConstraints(max_length=1024), Clean]
Said = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE), Clean]


class Join(Schema):
    """Exactly one of token, participant_id, custom_participant_id."""

    token: Annotated[str, StringConstraints(min_length=1, max_length=8192), Clean] | None = None
    participant_id: uuid.UUID | None = None
    custom_participant_id: (
        Annotated[str, StringConstraints(min_length=1, max_length=255), Clean] | None
    ) = None
    metadata: Annotated[
        dict[MetadataKey, MetadataValue], Field(default_factory=dict, max_length=32)
    ]


class Leave(Schema):
    peer_id: uuid.UUID


class Chat(Schema):
    peer_id: uuid.UUID
    message: Said


class Speak(Schema):
    peer_id: uuid.UUID
    text: Said
    duration_ms: Annotated[int, Field(ge=1, le=3_600_000)] | None = None


class Advance(Schema):
    seconds: Annotated[float, Field(ge=0.001, le=MAX_ADVANCE_SECONDS, allow_inf_nan=False)]


class Joined(BaseModel):
    peer_id: uuid.UUID
    session_id: uuid.UUID
    participant_id: uuid.UUID
    custom_participant_id: str
    joined_at: str


class Left(BaseModel):
    peer_id: uuid.UUID
    session_id: uuid.UUID
    left_at: str


class Recorded(BaseModel):
    id: uuid.UUID
    peer_id: uuid.UUID
    session_id: uuid.UUID
    created_at: str


class ClockRead(BaseModel):
    now: str
    offset_seconds: float
