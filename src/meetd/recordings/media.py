"""The recorded files (contract A11): real, small, playable media files, encoded in-process
by FFmpeg's libraries (PyAV), as long as the recording ran.

A simulated meeting has no cameras and no microphones, so a recording shows a still, dark
frame and holds silence. Its cost stays small: the video has at most MAX_FRAMES frames (each
held as long as it needs), the audio is sampled at 8 kHz (Opus: 120 ms packets), and once
the audio encoder has settled on silence every further packet is the same bytes, copied, not
encoded. What is left grows with the length: about a second of work per 20 minutes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

MAX_FRAMES = 600
WIDTH, HEIGHT = 160, 90  # a thumbnail: the file proves the recording, not the picture
SETTLE_PACKETS = 50  # the encoder's warm-up; after it, silence is one packet repeated


@dataclass(frozen=True, slots=True)
class Format:
    """A kind of file: its container, extension, media type and codecs."""

    container: str
    extension: str
    media_type: str
    video_codec: str | None
    audio_codec: str
    audio_rate: int


COMPOSITE_VIDEO = {
    "H264": Format("mp4", "mp4", "video/mp4", "libx264", "aac", 8000),
    "VP8": Format("webm", "webm", "video/webm", "libvpx", "libopus", 48000),
    "VP9": Format("webm", "webm", "video/webm", "libvpx-vp9", "libopus", 48000),
}
AUDIO_ONLY = {
    "AAC": Format("ipod", "m4a", "audio/mp4", None, "aac", 8000),
    "MP3": Format("mp3", "mp3", "audio/mpeg", None, "libmp3lame", 8000),
}
TRACK = Format("webm", "webm", "audio/webm", None, "libopus", 48000)


def render(kind: Format, seconds: int, *, stereo: bool = False) -> bytes:
    """A file of `kind` that plays for `seconds` (at least one)."""
    import av  # here, not at the top: it costs every process start 0.1 s, and few record

    seconds = max(1, seconds)
    buffer = io.BytesIO()
    layout = "stereo" if stereo else "mono"
    with av.open(buffer, "w", format=kind.container) as output:
        # Every stream is added before the first packet: that writes the header.
        video: Any = None
        if kind.video_codec is not None:
            video = output.add_stream(kind.video_codec, rate=1)
            video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
            video.codec_context.time_base = Fraction(1, 1000)
            if kind.video_codec == "libx264":
                video.options = {"preset": "ultrafast"}
        audio = output.add_stream(kind.audio_codec, rate=kind.audio_rate, layout=layout)
        if kind.audio_codec == "libopus":
            audio.options = {"frame_duration": "120"}  # its longest: the fewest packets
        if video is not None:
            _video(output, video, seconds)
        _audio(output, audio, kind.audio_rate, seconds, layout)
    return buffer.getvalue()


def _video(output: Any, stream: Any, seconds: int) -> None:
    import av

    # One frame per `step` seconds: at most MAX_FRAMES, each held until the next.
    step = -(-seconds // MAX_FRAMES)
    frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
    for plane, value in zip(frame.planes, (32, 128, 128), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    for index in range(-(-seconds // step)):
        frame.pts = index * step * 1000
        frame.time_base = Fraction(1, 1000)
        output.mux(stream.encode(frame))
    output.mux(stream.encode(None))


def _audio(output: Any, stream: Any, rate: int, seconds: int, layout: str) -> None:
    import av

    samples = stream.codec_context.frame_size or 1024
    total = seconds * rate
    frame_format = stream.codec_context.format.name
    silence = av.AudioFrame(format=frame_format, layout=layout, samples=samples)
    for plane in silence.planes:
        plane.update(bytes(plane.buffer_size))
    silence.sample_rate = rate
    pts, encoded, steady = 0, 0, None
    while pts < total and encoded < SETTLE_PACKETS:
        silence.pts = pts
        packets = stream.encode(silence)
        output.mux(packets)
        encoded += len(packets)
        steady = packets[-1] if packets else steady
        pts += samples
    if steady is not None and pts < total:
        content, time_base, duration = bytes(steady), steady.time_base, steady.duration
        pts = steady.pts + duration  # in the packets' time base from here on
        end = round(total / rate / time_base)
        while pts < end:
            packet = av.Packet(content)
            packet.stream = stream
            packet.time_base = time_base
            packet.pts = packet.dts = pts
            packet.duration = duration
            output.mux(packet)
            pts += duration
        return
    output.mux(stream.encode(None))


def duration_of(content: bytes) -> float:
    """How long a file plays, in seconds (what a player reads from its container)."""
    import av

    container: Any
    with av.open(io.BytesIO(content)) as container:
        return (container.duration or 0) / 1_000_000
