"""What the participants and token APIs accept and return (reference B5)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from meetd.presets.schemas import PresetName
from meetd.schemas import Clean, Schema, Timestamp, Uri

CustomParticipantId = Annotated[str, StringConstraints(min_length=1, max_length=255), Clean]
DisplayName = Annotated[str, StringConstraints(max_length=255), Clean]


class ParticipantCreate(Schema):
    """POST (add) and PUT (replace) bodies."""

    custom_participant_id: CustomParticipantId
    preset_name: PresetName
    name: DisplayName | None = None
    picture: Uri | None = None


class ParticipantUpdate(Schema):
    """PATCH bodies: what is sent changes; null clears `name` and `picture`."""

    name: DisplayName | None = None
    picture: Uri | None = None
    preset_name: PresetName | None = None


class ParticipantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    custom_participant_id: str
    preset_name: str
    name: str | None = None
    picture: str | None = None
    created_at: Timestamp
    updated_at: Timestamp


class ParticipantWithToken(ParticipantRead):
    token: str


class ParticipantDeleted(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    custom_participant_id: str
    preset_id: uuid.UUID
    created_at: Timestamp
    updated_at: Timestamp


class Token(BaseModel):
    token: str


class TokenCheck(Schema):
    token: Annotated[str, StringConstraints(min_length=1, max_length=16384), Clean]


class TokenVerdict(BaseModel):
    """A meetd extension: whether a participant token would be let into its meeting."""

    valid: bool
    reason: str | None = None
    message: str | None = None
    claims: dict[str, Any] | None = None
    participant: ParticipantRead | None = None
