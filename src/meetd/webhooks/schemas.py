"""The webhooks' bodies and answers (contract A10)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from pydantic_core import PydanticCustomError

from meetd.schemas import Clean, Schema, Uri

EventName = Literal[
    "meeting.started",
    "meeting.ended",
    "meeting.participantJoined",
    "meeting.participantLeft",
    "meeting.chatSynced",
    "recording.statusUpdate",
    "livestreaming.statusUpdate",
    "meeting.transcript",
    "meeting.summary",
]
EVENT_NAMES: tuple[str, ...] = get_args(EventName)
DeliveryStatus = Literal["PENDING", "DELIVERED", "FAILED"]


def _http(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")):
        raise PydanticCustomError("url", "must be an http or https URL")
    if not (value.isascii() and value.isprintable()):
        raise PydanticCustomError(
            "url", "must be printable ASCII, as a URI is: percent-encode other characters"
        )
    return value


def _distinct(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))  # the order sent, each once


Name = Annotated[str, StringConstraints(min_length=1, max_length=255), Clean]
Url = Annotated[
    Uri, AfterValidator(_http), Field(json_schema_extra={"pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})
]
Events = Annotated[list[EventName], Field(min_length=1, max_length=9), AfterValidator(_distinct)]


class WebhookCreate(Schema):
    name: Name
    url: Url
    events: Events
    enabled: bool = True


class WebhookUpdate(Schema):
    name: Name | None = None
    url: Url | None = None
    events: Events | None = None
    enabled: bool | None = None


class WebhookRead(BaseModel):
    id: uuid.UUID
    name: str
    url: str
    events: list[EventName]
    enabled: bool
    created_at: str
    updated_at: str


class DeliveryRead(BaseModel):
    id: uuid.UUID
    event: EventName
    payload: dict[str, object]
    headers: dict[str, str] | None
    status: DeliveryStatus
    attempts: int
    status_code: int | None
    error: str | None
    timestamp: str
    last_attempt_at: str | None
    next_attempt_at: str | None
