"""How a recording goes (contract A11), on the app clock:

    INVOKED --2 s--> RECORDING <--pause/resume--> PAUSED
    RECORDING, PAUSED or INVOKED --stop, the session's end, max_seconds--> UPLOADING
    UPLOADING --5 s--> UPLOADED (its files made, and copied to its bucket), or ERRORED
                       (under 5 s recorded, no peer to record, or the copy failed)

Each change writes a `recording.statusUpdate` event in its transaction. The delayed steps
are timers (meetd.timers): each wakes the recording, which checks that its step is still
due. Every function here runs under the row lock of the recording's meeting.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from meetd.clock import to_millis
from meetd.db.tables import Record
from meetd.events import payloads
from meetd.events.store import record_event
from meetd.files.service import Downloads
from meetd.recordings import media, storage, store
from meetd.schemas import iso_millis
from meetd.sessions import store as sessions
from meetd.timers import store as timers

if TYPE_CHECKING:
    from meetd.sessions.lifecycle import Moment

log = logging.getLogger("meetd.recordings")

BEGIN, LIMIT, UPLOAD = "recording.begin", "recording.limit", "recording.upload"
BEGIN_DELAY_MS = 2_000  # INVOKED to RECORDING: the recorder joining
UPLOAD_DELAY_MS = 5_000  # UPLOADING to UPLOADED
SHORTEST_MS = 5_000  # less than this recorded ends ERRORED, as on the real service
DEFAULT_MAX_SECONDS = 86_400
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def start(
    connection: Connection,
    moment: Moment,
    *,
    meeting: Record,
    session: Record,
    kind: str,
    config: dict[str, Any],
    storage_config: dict[str, Any] | None,
    sealed_credentials: bytes | None,
    start_reason: dict[str, Any],
) -> dict[str, Any]:
    """A new recording of the session, INVOKED now; RECORDING in BEGIN_DELAY_MS."""
    millis = to_millis(moment.now)
    recording = {
        "id": uuid.uuid4(),
        "app_id": moment.app.id,
        "meeting_id": meeting["id"],
        "session_id": session["id"],
        "type": kind,
        "status": "INVOKED",
        "output_file_name": _output_name(meeting["id"], kind, config, millis),
        "config": config,
        "storage_config": storage_config,
        "storage_credentials": sealed_credentials,
        "start_reason": start_reason,
        "stop_reason": None,
        "invoked_time": moment.now,
        "started_time": None,
        "stopped_time": None,
        "recorded_ms": 0,
        "resumed_ms": None,
        "file_size": None,
        "error": None,
        "created_at": moment.now,
        "updated_at": moment.now,
    }
    store.insert_recording(connection, recording)
    _schedule(connection, moment, recording, BEGIN, millis + BEGIN_DELAY_MS)
    _announce(connection, moment, recording, session)
    return recording


def _output_name(meeting_id: uuid.UUID, kind: str, config: dict[str, Any], millis: int) -> str:
    """`<prefix>_<meeting id>_<ms since 1970>.<ext>`, as the real service names them."""
    prefix = _UNSAFE.sub("_", config.get("file_name_prefix") or "")[:255]
    name = f"{prefix}_{meeting_id}_{millis}" if prefix else f"{meeting_id}_{millis}"
    if kind == "TRACK":
        return f"{name}.{media.TRACK.extension}"
    return f"{name}.{main_format(config).extension}"


def main_format(config: dict[str, Any]) -> media.Format:
    """The composite file: video as the codec implies, unless the video is not exported."""
    video = config.get("video_config") or {}
    if video.get("export_file", True):
        return media.COMPOSITE_VIDEO[video.get("codec", "H264")]
    return media.AUDIO_ONLY[(config.get("audio_config") or {}).get("codec", "AAC")]


def audio_format(config: dict[str, Any]) -> media.Format | None:
    """The audio file exported beside a video, if the config asks for one."""
    audio = config.get("audio_config") or {}
    video = config.get("video_config") or {}
    if not audio.get("export_file", True) or not video.get("export_file", True):
        return None
    return media.AUDIO_ONLY[audio.get("codec", "AAC")]


def begin(connection: Connection, moment: Moment, recording: Record) -> None:
    """The recorder has joined (a BEGIN timer)."""
    if recording["status"] != "INVOKED":
        return
    millis = to_millis(moment.now)
    _change(
        connection,
        moment,
        recording,
        {"status": "RECORDING", "started_time": moment.now, "resumed_ms": millis},
    )
    _schedule(connection, moment, recording, LIMIT, millis + max_ms(recording))


def max_ms(recording: Record) -> int:
    return round((recording["config"].get("max_seconds") or DEFAULT_MAX_SECONDS) * 1000)


def recorded_ms(recording: Record, now: datetime) -> int:
    """Recorded so far, pauses excluded."""
    if recording["resumed_ms"] is None:
        return int(recording["recorded_ms"])
    return int(recording["recorded_ms"]) + to_millis(now) - int(recording["resumed_ms"])


def pause(connection: Connection, moment: Moment, recording: Record) -> Record:
    values = {
        "status": "PAUSED",
        "recorded_ms": recorded_ms(recording, moment.now),
        "resumed_ms": None,
    }
    return _change(connection, moment, recording, values)


def resume(connection: Connection, moment: Moment, recording: Record) -> Record:
    millis = to_millis(moment.now)
    recording = _change(
        connection, moment, recording, {"status": "RECORDING", "resumed_ms": millis}
    )
    left = max_ms(recording) - int(recording["recorded_ms"])
    _schedule(connection, moment, recording, LIMIT, millis + left)
    return recording


def stop(connection: Connection, moment: Moment, recording: Record, *, reason: str) -> Record:
    """UPLOADING now, UPLOADED (or ERRORED) in UPLOAD_DELAY_MS. The app (organization) is
    the caller of an API_CALL stop; a stop of meetd's own (ALL_PEERS_LEFT) names none."""
    stop_reason: dict[str, Any] = {"reason": reason}
    if reason == "API_CALL":
        stop_reason["caller"] = {"type": "ORGANIZATION", "name": moment.app.name}
    values = {
        "status": "UPLOADING",
        "recorded_ms": recorded_ms(recording, moment.now),
        "resumed_ms": None,
        "stopped_time": moment.now,
        "stop_reason": stop_reason,
    }
    recording = _change(connection, moment, recording, values)
    _schedule(connection, moment, recording, UPLOAD, to_millis(moment.now) + UPLOAD_DELAY_MS)
    return recording


def reach_limit(connection: Connection, moment: Moment, recording: Record) -> None:
    """A LIMIT timer: max_seconds recorded (its pauses may have moved the limit on)."""
    if recording["status"] != "RECORDING":
        return
    if recorded_ms(recording, moment.now) >= max_ms(recording):
        stop(connection, moment, recording, reason="API_CALL")


def finish(connection: Connection, moment: Moment, recording: Record) -> None:
    """An UPLOAD timer: the files are made, stored, and copied to the recording's bucket."""
    if recording["status"] != "UPLOADING":
        return
    if recording["recorded_ms"] < SHORTEST_MS:
        _fail(connection, moment, recording, "recorded less than 5 seconds: no file was made")
        return
    files = _render(connection, recording)
    if not files:
        _fail(connection, moment, recording, "no peer was in the session to record")
        return
    if recording["storage_config"]:
        try:
            storage.upload(
                recording["storage_config"],
                _credentials(recording, moment),
                [(name, kind.media_type, content) for name, _, kind, content in files],
            )
        except storage.UploadFailed as failure:
            _fail(connection, moment, recording, str(failure))
            return
    store.insert_files(
        connection,
        [
            {
                "recording_id": recording["id"],
                "name": name,
                "layer": layer,
                "media_type": kind.media_type,
                "content": content,
                "created_at": moment.now,
            }
            for name, layer, kind, content in files
        ],
    )
    size = sum(len(content) for name, _, _, content in files if _counted(recording, name))
    _change(connection, moment, recording, {"status": "UPLOADED", "file_size": size})


def _counted(recording: Record, name: str) -> bool:
    """Whether a file counts in file_size: a composite's main file, every track file."""
    return bool(recording["type"] == "TRACK" or name == recording["output_file_name"])


Made = list[tuple[str, str | None, media.Format, bytes]]  # name, layer, format, content


def _render(connection: Connection, recording: Record) -> Made:
    seconds = round(recording["recorded_ms"] / 1000)
    config = recording["config"]
    if recording["type"] == "COMPOSITE":
        stereo = (config.get("audio_config") or {}).get("channel", "stereo") == "stereo"
        main = main_format(config)
        files: Made = [
            (recording["output_file_name"], None, main, media.render(main, seconds, stereo=stereo))
        ]
        audio = audio_format(config)
        if audio is not None:
            name = recording["output_file_name"].rsplit(".", 1)[0] + f".{audio.extension}"
            files.append((name, None, audio, media.render(audio, seconds, stereo=stereo)))
        return files
    return _render_tracks(connection, recording)


def _render_tracks(connection: Connection, recording: Record) -> Made:
    """A WebM of each recorded peer's audio for each layer: `<prefix>_<user id>_<peer id>_
    audio_audio_<ms>.webm` (CF-TRACK), as long as the peer was in the recording."""
    config = recording["config"]
    chosen = set(config.get("user_ids") or ())
    started = to_millis(recording["started_time"] or recording["invoked_time"])
    stopped = to_millis(recording["stopped_time"])
    millis = to_millis(recording["invoked_time"])
    prefixes = track_prefixes(config.get("layers") or {"default": {}})
    files: Made = []
    for peer in sessions.session_peers(connection, recording["session_id"]):
        if chosen and not chosen & {str(peer["participant_id"]), peer["custom_participant_id"]}:
            continue
        joined = max(started, to_millis(peer["joined_at"]))
        left = min(stopped, to_millis(peer["left_at"]) if peer["left_at"] else stopped)
        if left <= joined:
            continue
        content = media.render(media.TRACK, round((left - joined) / 1000))
        for layer, prefix in prefixes.items():
            name = f"{prefix}_{peer['participant_id']}_{peer['id']}_audio_audio_{millis}.webm"
            files.append((name, layer, media.TRACK, content))
    return files


def track_prefixes(layers: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The start of each track layer's file names: its file_name_prefix, else its name, made
    safe; a prefix an earlier layer has gets `-2`, `-3`, ... so that no two files clash."""
    prefixes: dict[str, str] = {}
    for layer, options in layers.items():
        base = _UNSAFE.sub("_", options.get("file_name_prefix") or layer)[:250]
        prefix, n = base, 1
        while prefix in prefixes.values():
            n += 1
            prefix = f"{base}-{n}"
        prefixes[layer] = prefix
    return prefixes


def _credentials(recording: Record, moment: Moment) -> dict[str, str]:
    sealed = recording["storage_credentials"]
    if sealed is None or moment.box is None:
        return {}
    return dict(json.loads(moment.box.open(sealed, context=recording["meeting_id"].bytes)))


def _fail(connection: Connection, moment: Moment, recording: Record, why: str) -> None:
    _change(connection, moment, recording, {"status": "ERRORED", "error": why})


def _change(
    connection: Connection, moment: Moment, recording: Record, values: dict[str, Any]
) -> Record:
    values["updated_at"] = moment.now
    store.update_recording(connection, recording["id"], values)
    recording = {**recording, **values}
    session = sessions.find_session(connection, recording["session_id"])
    _announce(connection, moment, recording, session)
    return recording


def _announce(
    connection: Connection, moment: Moment, recording: Record, session: Record | None
) -> None:
    if session is None:
        return
    shown = view(connection, recording, moment.downloads, moment.now)
    record_event(
        connection,
        app_id=moment.app.id,
        meeting_id=recording["meeting_id"],
        payload=payloads.recording_status(session, shown, app_name=moment.app.name),
        at=moment.now,
    )


def _schedule(
    connection: Connection, moment: Moment, recording: Record, kind: str, due_ms: int
) -> None:
    timers.schedule(
        connection, app_id=moment.app.id, kind=kind, subject_id=recording["id"], due_ms=due_ms
    )


def view(
    connection: Connection, recording: Record, downloads: Downloads, now: datetime
) -> dict[str, Any]:
    """The recording as the API shows it at `now` (the app's time): fields with no value
    yet are left out; download URLs are fresh, once UPLOADED."""
    out: dict[str, Any] = {
        "id": recording["id"],
        "session_id": recording["session_id"],
        "status": recording["status"],
        "output_file_name": recording["output_file_name"],
        "invoked_time": iso_millis(recording["invoked_time"]),
        "recording_duration": round(recorded_ms(recording, now) / 1000),
        "start_reason": recording["start_reason"],
    }
    for name in ("started_time", "stopped_time"):
        if recording[name] is not None:
            out[name] = iso_millis(recording[name])
    if recording["file_size"] is not None:
        out["file_size"] = recording["file_size"]
    if recording["stop_reason"] is not None:
        out["stop_reason"] = recording["stop_reason"]
    if recording["storage_config"]:
        out["storage_config"] = recording["storage_config"]
    if recording["error"] is not None:
        out["error"] = recording["error"]
    bucket = recording["config"].get("realtimekit_bucket_config") or {}
    if recording["status"] == "UPLOADED" and bucket.get("enabled", True):
        out.update(_links(connection, recording, downloads, now))
    return out


def _links(
    connection: Connection, recording: Record, downloads: Downloads, now: datetime
) -> dict[str, Any]:
    def link(name: str) -> Any:
        return downloads.link(
            app_id=recording["app_id"], folder_id=recording["id"], name=name, now=now
        )

    files = store.files_of(connection, recording["id"])
    expiry = link(recording["output_file_name"]).expiry
    if recording["type"] == "TRACK":
        layers: dict[str, dict[str, Any]] = {}
        for file in files:
            urls = layers.setdefault(file["layer"], {})
            urls[file["name"]] = {"download_url": link(file["name"]).url}
        return {
            "download_url": [
                {"layer_name": layer, "download_urls": urls} for layer, urls in layers.items()
            ],
            "download_url_expiry": expiry,
        }
    out = {"download_url_expiry": expiry}
    for file in files:
        key = (
            "download_url"
            if file["name"] == recording["output_file_name"]
            else "audio_download_url"
        )
        out[key] = link(file["name"]).url
    return out


def on_session_start(
    connection: Connection, moment: Moment, meeting: Record, session: Record
) -> None:
    """`record_on_start`: a recording with the meeting's recording_config starts with the
    session (its start_reason names no caller, as on the real service)."""
    if not meeting["record_on_start"]:
        return
    config = dict(meeting["recording_config"] or {})
    storage_config = config.pop("storage_config", None)
    start(
        connection,
        moment,
        meeting=meeting,
        session=session,
        kind="COMPOSITE",
        config=config,
        storage_config=storage_config,
        sealed_credentials=meeting["storage_credentials"] if storage_config else None,
        start_reason={"reason": "RECORD_ON_START"},
    )


def on_session_end(connection: Connection, moment: Moment, session: Record) -> None:
    """Each recording still going stops: ALL_PEERS_LEFT when the session ran out by itself,
    API_CALL when a kick-all ended it."""
    reason = "ALL_PEERS_LEFT" if session["end_reason"] == "ALL_PARTICIPANTS_LEFT" else "API_CALL"
    for recording in store.active_of_session(connection, session["id"]):
        stop(connection, moment, recording, reason=reason)
