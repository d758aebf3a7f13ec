"""The livestreams' bodies and answers (contract A11, beyond-core 1d and 5)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from meetd.meetings.schemas import Pixels
from meetd.schemas import Between, Integer, Schema
from meetd.web.replies import Paging

LivestreamStatus = Literal["LIVE", "IDLE", "ERRORED", "INVOKED"]
SortOrder = Literal["ASC", "DSC", "DESC"]  # DSC is the reference's spelling; DESC is read too
Name = Annotated[str, StringConstraints(max_length=255, pattern=r"^[a-zA-Z0-9\-_]*$")]


class LivestreamCreate(Schema):
    """POST .../livestreams: an independent livestream, fed by any RTMP source."""

    name: Name | None = None


class LivestreamVideo(Schema):
    width: Pixels | None = None
    height: Pixels | None = None


class MeetingLivestreamStart(Schema):
    """POST .../meetings/{meeting_id}/livestreams: livestream the meeting's session."""

    name: Name | None = None
    video_config: LivestreamVideo | None = None


class InputChange(Schema):
    """POST .../simulate/livestream (meetd): an independent livestream's RTMP input starts
    (`live`) or stops (`idle`); and how many watch a LIVE livestream."""

    livestream_id: uuid.UUID
    state: Literal["live", "idle"] | None = None
    viewers: Annotated[Integer, Between(0, 1_000_000)] | None = None


class LivestreamRead(BaseModel):
    """A field with no value (a name, an independent livestream's meeting) is left out."""

    id: uuid.UUID
    name: str | None = None
    meeting_id: uuid.UUID | None = None
    ingest_server: str
    stream_key: str
    playback_url: str
    status: LivestreamStatus
    disabled: bool
    created_at: str
    updated_at: str


class LivestreamSessionRead(BaseModel):
    id: uuid.UUID
    livestream_id: uuid.UUID
    session_id: uuid.UUID | None = Field(default=None, description="the meeting's session")
    invoked_time: str | None = None
    started_time: str
    stopped_time: str | None = None
    ingest_seconds: int
    viewer_seconds: int
    err_message: str | None = None
    created_at: str
    updated_at: str


class LivestreamPage(BaseModel):
    success: bool = True
    data: list[LivestreamRead]
    paging: Paging


class LivestreamWithSessions(BaseModel):
    livestream: LivestreamRead
    sessions: list[LivestreamSessionRead]
    session: LivestreamSessionRead | None = Field(default=None, description="the newest")
    paging: Paging


class ActiveLivestreamSession(BaseModel):
    livestream: LivestreamRead
    session: LivestreamSessionRead


class MeetingLivestreams(BaseModel):
    livestream: LivestreamRead | None = Field(default=None, description="the newest")
    livestreams: list[LivestreamRead]
    sessions: list[LivestreamSessionRead]
    paging: Paging


class SessionLivestreamSessions(BaseModel):
    data: list[LivestreamSessionRead]
    paging: Paging


class Stopped(BaseModel):
    message: str


class InputChanged(BaseModel):
    livestream: LivestreamRead
    session: LivestreamSessionRead | None = None
