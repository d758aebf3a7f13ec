"""The files a session leaves (contract A7), made from what the activity API recorded: the
chat as CSV, the transcript as CSV, JSON, SRT and VTT (`beyond-core.md` 3d), and a summary.
meetd has no speech model: the summary is made deterministically from the transcript, and
says so."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic_core import to_json

from meetd.db.tables import Record
from meetd.schemas import iso_millis

CHAT_COLUMNS = (
    "id",
    "participantId",
    "sessionId",
    "meetingId",
    "displayName",
    "pinned",
    "isEdited",
    "payloadType",
    "payload",
    "createdAt",
)
TRANSCRIPT_FORMATS = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "SRT": "application/x-subrip",
    "VTT": "text/vtt",
}
SUMMARY_FORMATS = {
    "markdown": ("summary.md", "text/markdown"),
    "plain_text": ("summary.txt", "text/plain"),
}
DEFAULT_WORD_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    media_type: str
    content: bytes

    def row(self, session_id: Any) -> dict[str, Any]:
        return {
            "session_id": session_id,
            "name": self.name,
            "media_type": self.media_type,
            "content": self.content,
        }


def transcript_name(format: str) -> str:
    return f"transcript.{format.lower()}"


def chat_csv(session: Record, messages: Sequence[Record], peers: Mapping[Any, Record]) -> Document:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHAT_COLUMNS)
    for message in messages:
        peer = peers[message["peer_id"]]
        writer.writerow(
            (
                message["id"],
                peer["participant_id"],
                session["id"],
                session["meeting_id"],
                peer["display_name"] or "",
                "false",
                "false",
                "TEXT_MESSAGE",
                message["message"],
                iso_millis(message["created_at"]),
            )
        )
    return Document("chat.csv", "text/csv", out.getvalue().encode())


@dataclass(frozen=True, slots=True)
class _Line:
    start_ms: int
    end_ms: int
    text: str
    peer: Record


def _lines(session: Record, said: Sequence[Record], peers: Mapping[Any, Record]) -> list[_Line]:
    started: datetime = session["started_at"]
    lines = []
    for utterance in said:
        start = (utterance["started_at"] - started) // timedelta(milliseconds=1)
        peer = peers[utterance["peer_id"]]
        lines.append(_Line(start, start + utterance["duration_ms"], utterance["text"], peer))
    return lines


def transcripts(
    session: Record, said: Sequence[Record], peers: Mapping[Any, Record]
) -> list[Document]:
    """The transcript in each format; times are from the session's start."""
    lines = _lines(session, said, peers)
    renderers = {"CSV": _csv, "JSON": _json, "SRT": _srt, "VTT": _vtt}
    return [
        Document(transcript_name(format), media_type, renderers[format](lines))
        for format, media_type in TRANSCRIPT_FORMATS.items()
    ]


def _name(peer: Record) -> str:
    return str(peer["display_name"] or peer["custom_participant_id"])


def _csv(lines: list[_Line]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for line in lines:
        peer = line.peer
        writer.writerow(
            (
                line.start_ms,
                peer["id"],
                peer["participant_id"],
                peer["custom_participant_id"],
                _name(peer),
                line.text,
            )
        )
    return out.getvalue().encode()


def _json(lines: list[_Line]) -> bytes:
    return to_json(
        [
            {
                "startTime": line.start_ms,
                "endTime": line.end_ms,
                "sentence": line.text,
                "peerData": {
                    "id": line.peer["id"],
                    "userId": line.peer["participant_id"],
                    "displayName": _name(line.peer),
                    "cpi": line.peer["custom_participant_id"],
                    "joinedAt": iso_millis(line.peer["joined_at"]),
                    "leftAt": iso_millis(line.peer["left_at"]) if line.peer["left_at"] else "",
                },
            }
            for line in lines
        ]
    )


def _cue_time(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _srt(lines: list[_Line]) -> bytes:
    cues = [
        f"{n}\n{_cue_time(line.start_ms, ',')} --> {_cue_time(line.end_ms, ',')}\n"
        f"{_name(line.peer)}: {line.text}\n"
        for n, line in enumerate(lines, 1)
    ]
    return "\n".join(cues).encode()


def _vtt(lines: list[_Line]) -> bytes:
    cues = [
        f"{_cue_time(line.start_ms, '.')} --> {_cue_time(line.end_ms, '.')}\n"
        f"<v {_name(line.peer)}>{line.text}\n"
        for line in lines
    ]
    return "\n".join(["WEBVTT\n", *cues]).encode()


def summary(
    session: Record, said: Sequence[Record], peers: Mapping[Any, Record], ai_config: Any
) -> Document:
    """Who spoke, for how long, and what was said first, in the meeting's
    `ai_config.summarization` format, within its word limit."""
    settings = (ai_config or {}).get("summarization") or {}
    text_format = settings.get("text_format") or "markdown"
    word_limit = int(settings.get("word_limit") or DEFAULT_WORD_LIMIT)
    name, media_type = SUMMARY_FORMATS.get(text_format, SUMMARY_FORMATS["markdown"])
    markdown = text_format != "plain_text"
    lines = _lines(session, said, peers)
    spoken: dict[str, list[_Line]] = {}
    for line in lines:
        spoken.setdefault(_name(line.peer), []).append(line)
    title = session["meeting_display_name"] or "Untitled meeting"
    parts = [
        f"# Summary of {title}" if markdown else f"Summary of {title}",
        "This is a simulated summary, made by meetd from the session's transcript.",
        "## Speakers" if markdown else "Speakers:",
        *(
            f"{'- ' if markdown else ''}{speaker} spoke {_times(len(said_by))}, for "
            f"{sum(line.end_ms - line.start_ms for line in said_by) / 1000:g} seconds."
            for speaker, said_by in spoken.items()
        ),
        "## What was said first" if markdown else "What was said first:",
        *(f"{'> ' if markdown else ''}{_name(line.peer)}: {line.text}" for line in lines),
    ]
    return Document(name, media_type, _within(parts, word_limit).encode())


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _within(parts: list[str], word_limit: int) -> str:
    kept: list[str] = []
    words = 0
    for part in parts:
        count = len(part.split())
        if words + count > word_limit:
            room = word_limit - words
            if room > 0:  # the ellipsis joins the last word: no word over the limit
                kept.append(" ".join(part.split()[:room]) + "...")
            break
        kept.append(part)
        words += count
    return "\n\n".join(kept) + "\n"
