"""The six presets every new app starts with (contract A6), each with settings for its role:
hosts admit, kick, pin and record; viewers watch and produce no media."""

from __future__ import annotations

from typing import Any

from meetd.presets.schemas import PresetCreate

_UI: dict[str, Any] = {
    "design_tokens": {
        "border_radius": "rounded",
        "border_width": "thin",
        "spacing_base": 4,
        "theme": "dark",
        "colors": {
            "brand": {
                "300": "#844d1c",
                "400": "#9d5b22",
                "500": "#b56927",
                "600": "#d37c30",
                "700": "#d9904f",
            },
            "background": {
                "600": "#222222",
                "700": "#1f1f1f",
                "800": "#1b1b1b",
                "900": "#181818",
                "1000": "#141414",
            },
            "danger": "#FF2D2D",
            "success": "#62A504",
            "text": "#EEEEEE",
            "text_on_brand": "#EEEEEE",
            "video_bg": "#191919",
            "warning": "#FFCD07",
        },
    }
}


def _config(view_type: str, *, streams: int, quality: str) -> dict[str, Any]:
    return {
        "view_type": view_type,
        "max_video_streams": {"desktop": streams, "mobile": min(streams, 6)},
        "max_screenshare_count": 1,
        "media": {
            "video": {"quality": quality, "frame_rate": 30, "simulcast": True},
            "screenshare": {"quality": "hd", "frame_rate": 5},
            "audio": {"enable_stereo": False, "enable_high_bitrate": False},
        },
    }


def _media(can_produce: str) -> dict[str, Any]:
    return {kind: {"can_produce": can_produce} for kind in ("audio", "video", "screenshare")}


def _permissions(*, host: bool, produce: str, **overrides: Any) -> dict[str, Any]:
    permissions = {
        # what a host may do to others
        "accept_waiting_requests": host,
        "can_accept_production_requests": host,
        "can_change_participant_permissions": host,
        "can_record": host,
        "can_spotlight": host,
        "disable_participant_audio": host,
        "disable_participant_screensharing": host,
        "disable_participant_video": host,
        "kick_participant": host,
        "pin_participant": host,
        "accept_stage_requests": host,
        # what everyone may do
        "can_edit_display_name": True,
        "can_livestream": False,
        "hidden_participant": False,
        "show_participant_list": True,
        "is_recorder": False,
        "recorder_type": "NONE",
        "transcription_enabled": False,
        "waiting_room_type": "SKIP",
        "media": _media(produce),
        "chat": {
            "public": {"can_send": True, "text": True, "files": True},
            "private": {"can_send": True, "can_receive": True, "text": True, "files": True},
        },
        "connected_meetings": {
            "can_alter_connected_meetings": host,
            "can_switch_connected_meetings": host,
            "can_switch_to_parent_meeting": host,
        },
        "plugins": {"can_close": host, "can_start": host, "can_edit_config": host, "config": {}},
        "polls": {"can_create": host, "can_view": True, "can_vote": True},
    }
    permissions.update(overrides)
    return permissions


_DEFAULTS: dict[str, dict[str, Any]] = {
    "group_call_host": {
        "config": _config("GROUP_CALL", streams=9, quality="hd"),
        "permissions": _permissions(host=True, produce="ALLOWED"),
    },
    "group_call_participant": {
        "config": _config("GROUP_CALL", streams=9, quality="hd"),
        "permissions": _permissions(host=False, produce="ALLOWED"),
    },
    "webinar_presenter": {
        "config": _config("WEBINAR", streams=6, quality="hd"),
        "permissions": _permissions(
            host=True, produce="ALLOWED", stage_enabled=True, stage_access="ALLOWED"
        ),
    },
    "webinar_viewer": {
        "config": _config("WEBINAR", streams=6, quality="vga"),
        "permissions": _permissions(
            host=False,
            produce="NOT_ALLOWED",
            stage_enabled=True,
            stage_access="CAN_REQUEST",
            show_participant_list=False,
        ),
    },
    "livestream_host": {
        "config": _config("LIVESTREAM", streams=6, quality="hd"),
        "permissions": _permissions(
            host=True,
            produce="ALLOWED",
            can_livestream=True,
            stage_enabled=True,
            stage_access="ALLOWED",
        ),
    },
    "livestream_viewer": {
        "config": {
            **_config("LIVESTREAM", streams=0, quality="vga"),
            "livestream_viewer_qualities": [360, 720, 1080],
        },
        "permissions": _permissions(
            host=False,
            produce="NOT_ALLOWED",
            stage_enabled=False,
            stage_access="NOT_ALLOWED",
            show_participant_list=False,
        ),
    },
}

DEFAULT_PRESETS: tuple[PresetCreate, ...] = tuple(
    PresetCreate.model_validate({"name": name, "ui": _UI, **preset})
    for name, preset in _DEFAULTS.items()
)
