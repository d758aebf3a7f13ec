"""The recordings' bodies and answers (contract A11, beyond-core 1c and 4)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from meetd.meetings.schemas import (
    AudioConfig,
    BucketConfig,
    Line,
    LiveStreamingConfig,
    MaxSeconds,
    StorageConfig,
    StorageConfigRead,
    VideoConfig,
)
from meetd.schemas import Clean, Schema, Uri
from meetd.web.replies import Paging

RecordingStatus = Literal["INVOKED", "RECORDING", "UPLOADING", "UPLOADED", "ERRORED", "PAUSED"]
Action = Literal["stop", "pause", "resume"]
SortOrder = Literal["ASC", "DESC"]
LayerName = Annotated[str, StringConstraints(min_length=1, max_length=64), Clean]
UserId = Annotated[str, StringConstraints(min_length=1, max_length=255), Clean]


class InteractiveConfig(Schema):
    type: Literal["ID3"] = "ID3"


class RecordingStart(Schema):
    """POST .../recordings: a composite recording of the meeting's LIVE session. Sections
    not sent are the meeting's recording_config's."""

    meeting_id: uuid.UUID
    allow_multiple_recordings: bool = False
    audio_config: AudioConfig | None = None
    video_config: VideoConfig | None = None
    file_name_prefix: Line | None = None
    interactive_config: InteractiveConfig | None = None
    max_seconds: MaxSeconds | None = None
    realtimekit_bucket_config: BucketConfig | None = None
    rtmp_out_config: LiveStreamingConfig | None = None
    storage_config: StorageConfig | None = None
    url: Uri | None = Field(default=None, description="a page to record instead of the meeting")


class Layer(Schema):
    file_name_prefix: Line | None = None
    media_kind: Literal["audio"] = "audio"


class TrackRecordingStart(Schema):
    """POST .../recordings/track: each peer's audio, a WebM file per peer."""

    meeting_id: uuid.UUID
    layers: Annotated[dict[LayerName, Layer], Field(max_length=16)] | None = None
    user_ids: Annotated[list[UserId], Field(max_length=100)] | None = None


class RecordingAction(Schema):
    action: Action


class Caller(BaseModel):
    name: str | None = None
    type: Literal["ORGANIZATION", "USER"]
    user_Id: str | None = None  # noqa: N815 (the wire's spelling)


class StartReason(BaseModel):
    caller: Caller | None = None
    reason: Literal["API_CALL", "RECORD_ON_START"]


class StopReason(BaseModel):
    caller: Caller | None = None
    reason: Literal["API_CALL", "INTERNAL_ERROR", "ALL_PEERS_LEFT"]


class RecordingRead(BaseModel):
    """A field with no value yet is left out (the reference types them as strings)."""

    id: uuid.UUID
    session_id: uuid.UUID | None = None
    status: RecordingStatus
    output_file_name: str
    invoked_time: str
    started_time: str | None = None
    stopped_time: str | None = None
    recording_duration: int | None = None
    file_size: int | None = None
    download_url: str | None = None
    download_url_expiry: str | None = None
    audio_download_url: str | None = None
    start_reason: StartReason | None = None
    stop_reason: StopReason | None = None
    storage_config: StorageConfigRead | None = None
    error: str | None = Field(default=None, description="why it ended ERRORED (meetd)")


class RecordingListed(RecordingRead):
    meeting: dict[str, object]


class RecordingPage(BaseModel):
    success: bool = True
    data: list[RecordingListed]
    paging: Paging


class TrackRecordingRead(BaseModel):
    """A track recording: `download_url` is a list of each layer's files once UPLOADED."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    type: Literal["TRACK"]
    session_id: uuid.UUID | None
    status: RecordingStatus
    output_file_name: str
    invoked_time: str
    started_time: str | None
    stopped_time: str | None
    recording_duration: int | None = None
    file_size: int | None
    download_url: list[dict[str, object]] | str | None
    download_url_expiry: str | None
    audio_download_url: str | None


class TrackRecordingStarted(BaseModel):
    recording: TrackRecordingRead
