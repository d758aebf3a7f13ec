"""What the presets API accepts and returns: a preset's `config`, `ui` and `permissions`
(reference B6), every field of them checked. PATCH bodies are merged into the stored preset
and the result is checked whole, so their sections are plain JSON objects here."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from meetd.schemas import Between, Clean, Integer, Number, Schema, Text, Timestamp


def _plugin_id(value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        raise PydanticCustomError("plugin_id", "plugins are named by their UUID") from None
    return value


PresetName = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f]+$"), Clean
]
PluginId = Annotated[Text, AfterValidator(_plugin_id), Field(json_schema_extra={"format": "uuid"})]
Quality = Literal["hd", "vga", "qvga", "fhd", "uhd"]
FrameRate = Annotated[Number, Between(1, 30)]
Count = Annotated[Number, Between(0, 100)]
Production = Literal["ALLOWED", "NOT_ALLOWED", "CAN_REQUEST"]
Color = Annotated[str, StringConstraints(min_length=1, max_length=64), Clean]
Label = Annotated[str, StringConstraints(max_length=255), Clean]


# config


class MaxVideoStreams(Schema):
    desktop: Count
    mobile: Count


class VideoMedia(Schema):
    quality: Quality
    frame_rate: FrameRate
    simulcast: bool | None = None


class ScreenshareMedia(Schema):
    quality: Quality
    frame_rate: FrameRate


class AudioMedia(Schema):
    enable_stereo: bool | None = None
    enable_high_bitrate: bool | None = None


class ConfigMedia(Schema):
    video: VideoMedia
    screenshare: ScreenshareMedia
    audio: AudioMedia | None = None


class PresetConfig(Schema):
    view_type: Literal["GROUP_CALL", "WEBINAR", "AUDIO_ROOM", "LIVESTREAM"]
    max_video_streams: MaxVideoStreams
    max_screenshare_count: Count
    media: ConfigMedia
    livestream_viewer_qualities: (
        Annotated[list[Annotated[Integer, Between(1, 4320)]], Field(max_length=10)] | None
    ) = None


# ui


class BrandColors(Schema):
    shade_300: Color = Field(alias="300")
    shade_400: Color = Field(alias="400")
    shade_500: Color = Field(alias="500")
    shade_600: Color = Field(alias="600")
    shade_700: Color = Field(alias="700")


class BackgroundColors(Schema):
    shade_600: Color = Field(alias="600")
    shade_700: Color = Field(alias="700")
    shade_800: Color = Field(alias="800")
    shade_900: Color = Field(alias="900")
    shade_1000: Color = Field(alias="1000")


class Colors(Schema):
    brand: BrandColors
    background: BackgroundColors
    danger: Color
    success: Color
    text: Color
    text_on_brand: Color
    video_bg: Color
    warning: Color


class DesignTokens(Schema):
    border_radius: Literal["sharp", "rounded", "extra-rounded", "circular"]
    border_width: Literal["none", "thin", "fat"]
    colors: Colors
    spacing_base: Annotated[Number, Between(0, 64)]
    theme: Literal["darkest", "dark", "light"]
    font_family: Label | None = None
    google_font: Label | None = None
    logo: Annotated[str, StringConstraints(max_length=2048), Clean] | None = None


class PresetUI(Schema):
    design_tokens: DesignTokens


# permissions


class PublicChat(Schema):
    can_send: bool
    text: bool
    files: bool


class PrivateChat(Schema):
    can_send: bool
    can_receive: bool
    text: bool
    files: bool


class ChatPermissions(Schema):
    public: PublicChat
    private: PrivateChat


class ConnectedMeetings(Schema):
    can_alter_connected_meetings: bool
    can_switch_connected_meetings: bool
    can_switch_to_parent_meeting: bool


class CanProduce(Schema):
    can_produce: Production


class MediaPermissions(Schema):
    audio: CanProduce
    video: CanProduce
    screenshare: CanProduce


class PluginAccess(Schema):
    access_control: Literal["FULL_ACCESS", "VIEW_ONLY"] | None = None
    handles_view_only: bool | None = None


class PluginPermissions(Schema):
    can_close: bool
    can_start: bool
    can_edit_config: bool
    config: Annotated[dict[PluginId, PluginAccess], Field(max_length=100)]


class PollPermissions(Schema):
    can_create: bool
    can_view: bool
    can_vote: bool


class PresetPermissions(Schema):
    accept_waiting_requests: bool
    can_accept_production_requests: bool
    can_change_participant_permissions: bool
    can_edit_display_name: bool
    can_livestream: bool
    can_record: bool
    can_spotlight: bool
    disable_participant_audio: bool
    disable_participant_screensharing: bool
    disable_participant_video: bool
    hidden_participant: bool
    kick_participant: bool
    pin_participant: bool
    show_participant_list: bool
    recorder_type: Literal["RECORDER", "LIVESTREAMER", "NONE"]
    waiting_room_type: Literal["SKIP", "ON_PRIVILEGED_USER_ENTRY", "SKIP_ON_ACCEPT"]
    chat: ChatPermissions
    connected_meetings: ConnectedMeetings
    media: MediaPermissions
    plugins: PluginPermissions
    polls: PollPermissions
    accept_stage_requests: bool | None = None
    is_recorder: bool | None = None
    stage_access: Production | None = None
    stage_enabled: bool | None = None
    transcription_enabled: bool | None = None


# bodies and answers


class PresetCreate(Schema):
    """POST and PUT bodies: the whole preset."""

    name: PresetName
    config: PresetConfig
    ui: PresetUI
    permissions: PresetPermissions


class PresetUpdate(Schema):
    """PATCH bodies: any subset; sections merge key by key into the stored preset."""

    name: PresetName | None = None
    config: dict[str, Any] | None = None
    ui: dict[str, Any] | None = None
    permissions: dict[str, Any] | None = None


class PresetListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    created_at: Timestamp
    updated_at: Timestamp


class PresetRead(PresetListItem):
    config: PresetConfig
    ui: PresetUI
    permissions: PresetPermissions
