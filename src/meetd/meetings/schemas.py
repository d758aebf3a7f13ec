"""What the meetings API accepts and returns (contract A4, reference B4).

A section's defaults apply when the section is sent; sections not sent stay absent. PATCH
bodies use the `...Update` variants, in which nothing is required, so that a partial body
can be merged into the stored meeting and the result checked whole.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict, JsonValue

from meetd.schemas import Between, Clean, Integer, Number, Schema, Timestamp, Uri

Status = Literal["ACTIVE", "INACTIVE"]
Region = Literal["ap-south-1", "ap-southeast-1", "us-east-1", "eu-central-1"]
Language = Literal["en-US", "en-IN", "de", "hi", "sv", "ru", "pl", "el", "fr", "nl"]
SummaryType = Literal[
    "general",
    "team_meeting",
    "sales_call",
    "client_check_in",
    "interview",
    "daily_standup",
    "one_on_one_meeting",
    "lecture",
    "code_review",
]
StorageType = Literal["aws", "azure", "digitalocean", "gcs", "sftp"]

Line = Annotated[str, StringConstraints(max_length=1024), Clean]
Title = Line
Credential = Annotated[str, StringConstraints(max_length=4096), Clean]
PrivateKey = Annotated[str, StringConstraints(max_length=16384), Clean]
Keyword = Annotated[str, StringConstraints(max_length=100), Clean]
KeepAliveSecs = Annotated[Number, Between(60, 600)]
MaxSeconds = Annotated[Number, Between(60, 86400)]
WordLimit = Annotated[Integer, Between(150, 1000)]
Pixels = Annotated[Integer, Between(1, 1920)]
WatermarkPixels = Annotated[Integer, Between(1, 10000)]
Port = Annotated[Integer, Between(1, 65535)]

# Write-only: accepted, sealed at rest, never returned, listed or logged.
SECRET_FIELDS = ("access_key", "secret", "password", "private_key")


class TranscriptionConfig(Schema):
    keywords: Annotated[list[Keyword], Field(max_length=100)] | None = None
    language: Language = "en-US"
    profanity_filter: bool = False


class SummarizationConfig(Schema):
    summary_type: SummaryType = "general"
    text_format: Literal["plain_text", "markdown"] = "markdown"
    word_limit: WordLimit = 500


class AIConfig(Schema):
    transcription: TranscriptionConfig | None = None
    summarization: SummarizationConfig | None = None


class AudioConfig(Schema):
    codec: Literal["MP3", "AAC"] = "AAC"
    channel: Literal["mono", "stereo"] = "stereo"
    export_file: bool = True


class WatermarkSize(Schema):
    width: WatermarkPixels | None = None
    height: WatermarkPixels | None = None


class Watermark(Schema):
    url: Uri | None = None
    size: WatermarkSize | None = None
    position: Literal["left top", "right top", "left bottom", "right bottom"] = "left top"


class VideoConfig(Schema):
    codec: Literal["H264", "VP8", "VP9"] = "H264"
    width: Pixels = 1280
    height: Pixels = 720
    watermark: Watermark | None = None
    export_file: bool = True


class LiveStreamingConfig(Schema):
    rtmp_url: Uri | None = None


class BucketConfig(Schema):
    enabled: bool


class StorageConfigRead(Schema):
    """The readable part of a storage configuration."""

    type: StorageType | None = None
    bucket: Line | None = None
    region: Line | None = None
    path: Line | None = None
    host: Line | None = None
    port: Port | None = None
    username: Line | None = None
    auth_method: Literal["KEY", "PASSWORD"] | None = None


class StorageConfigUpdate(StorageConfigRead):
    access_key: Credential | None = None
    secret: Credential | None = None
    password: Credential | None = None
    private_key: PrivateKey | None = None


_NEEDED_BY_TYPE = dict.fromkeys(("aws", "azure", "digitalocean"), ("access_key", "region"))
_NEEDED_BY_AUTH = {"KEY": ("private_key",), "PASSWORD": ("password",)}


def _when(field: str, values: list[JsonValue], then: JsonDict) -> JsonDict:
    return {"if": {"properties": {field: {"enum": values}}, "required": [field]}, "then": then}


def _given(*names: str) -> JsonDict:
    return {"required": list(names), "properties": {name: {"type": "string"} for name in names}}


# The rules of `_has_credentials`, for the OpenAPI document.
_CREDENTIAL_RULES: list[JsonValue] = [
    _when("type", ["aws", "azure", "digitalocean"], _given("access_key", "region")),
    _when("auth_method", ["KEY"], _given("private_key")),
    _when("auth_method", ["PASSWORD"], _given("password")),
    _when("type", ["sftp"], {"anyOf": [_given("private_key"), _given("password")]}),
]


class StorageConfig(StorageConfigUpdate):
    """A complete storage configuration, with the credentials its type needs (reference B4)."""

    model_config = ConfigDict(json_schema_extra={"allOf": _CREDENTIAL_RULES})

    type: StorageType

    @model_validator(mode="after")
    def _has_credentials(self) -> Self:
        for name in _NEEDED_BY_TYPE.get(self.type, ()):
            if getattr(self, name) is None:
                raise ValueError(f"{name} is required with type {self.type}")
        for name in _NEEDED_BY_AUTH.get(self.auth_method or "", ()):
            if getattr(self, name) is None:
                raise ValueError(f"{name} is required with auth_method {self.auth_method}")
        if self.type == "sftp" and self.private_key is None and self.password is None:
            raise ValueError("private_key or password is required with type sftp")
        return self


class _RecordingConfigFields(Schema):
    audio_config: AudioConfig | None = None
    video_config: VideoConfig | None = None
    file_name_prefix: Line | None = None
    live_streaming_config: LiveStreamingConfig | None = None
    max_seconds: MaxSeconds | None = None
    realtimekit_bucket_config: BucketConfig | None = None


class RecordingConfig(_RecordingConfigFields):
    storage_config: StorageConfig | None = None


class RecordingConfigUpdate(_RecordingConfigFields):
    storage_config: StorageConfigUpdate | None = None


class RecordingConfigRead(_RecordingConfigFields):
    storage_config: StorageConfigRead | None = None


class _MeetingFields(Schema):
    title: Title | None = None
    # null is accepted where an SDK may send it, and means the default.
    record_on_start: bool | None = False
    live_stream_on_start: bool | None = False
    persist_chat: bool = False
    summarize_on_end: bool = False
    transcribe_on_end: bool = False
    session_keep_alive_time_in_secs: KeepAliveSecs = 60
    preferred_region: Region | None = Field(default=None, description="legacy; echoed back")
    ai_config: AIConfig | None = None
    status: Status = "ACTIVE"


class MeetingCreate(_MeetingFields):
    """POST and PUT bodies: the whole meeting."""

    recording_config: RecordingConfig | None = None


class MeetingUpdate(_MeetingFields):
    """PATCH bodies: only what is sent changes; nested objects merge key by key."""

    recording_config: RecordingConfigUpdate | None = None


# The meeting list's filters (query parameters); every one narrows it.
SearchTerm = Annotated[str, StringConstraints(max_length=1024), Clean]


class MeetingListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str | None = None
    status: Status
    record_on_start: bool
    live_stream_on_start: bool
    persist_chat: bool
    summarize_on_end: bool
    transcribe_on_end: bool
    session_keep_alive_time_in_secs: Number
    preferred_region: Region | None = None
    recording_config: RecordingConfigRead | None = None
    created_at: Timestamp
    updated_at: Timestamp


class MeetingRead(MeetingListItem):
    ai_config: AIConfig | None = None
