"""Recordings through the official `cloudflare` SDK 5.9.0, unmodified, over real HTTP: its
six methods, their typed answers and errors, the list's status filter as the SDK sends it
(repeated keys); and the files fetched from the download URLs by a plain HTTP client, as a
user would. Meetings, participants, joins and the app clock are set up over HTTP in process
(the same database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, TypedDict

import cloudflare
import httpx
import pytest
from cloudflare import Cloudflare
from fastapi import FastAPI

from meetd.config import Settings
from meetd.recordings.media import duration_of
from tests.recordings.conftest import NO_SUCH_ID, Kit, Live, about
from tests.support import Account, Server, at, free_port


@pytest.fixture(scope="module")
def server(settings: Settings, shared_apps: tuple[FastAPI, FastAPI]) -> Iterator[Server]:
    """The `server` the `sdk` fixture talks to, on a port chosen beforehand, so that its
    public URL (where download URLs point) is its own address."""
    port = free_port()
    app = shared_apps[1]
    app.state.settings = dataclasses.replace(settings, public_url=f"http://127.0.0.1:{port}")
    with Server(app, port=port) as server:
        yield server


class Ids(TypedDict):
    account_id: str
    app_id: str


@pytest.fixture
def ids(account: Account, app_id: str) -> Ids:
    return {"account_id": account.id, "app_id": app_id}


def fetch(url: str) -> bytes:
    """A download URL fetched as a user would: no API token."""
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.content


def start(sdk: Cloudflare, ids: Ids, meeting_id: str, **body: Any) -> str:
    """Starts a recording through the SDK; its id."""
    started = sdk.realtime_kit.recordings.start_recordings(
        ids["app_id"], account_id=ids["account_id"], meeting_id=meeting_id, **body
    ).data
    assert started is not None
    return started.id


class TestStartRecording:
    def test_invoked_with_its_typed_fields(
        self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live
    ) -> None:
        answer = sdk.realtime_kit.recordings.start_recordings(
            ids["app_id"], account_id=ids["account_id"], meeting_id=live.meeting_id
        )

        assert answer.success is True
        recording = answer.data
        assert recording is not None
        assert recording.status == "INVOKED"
        assert recording.session_id == live.session_id
        assert recording.output_file_name.startswith(live.meeting_id)
        assert recording.output_file_name.endswith(".mp4")
        assert recording.invoked_time.tzinfo is not None
        assert recording.start_reason is not None
        assert recording.start_reason.reason == "API_CALL"
        assert recording.start_reason.caller is not None
        assert recording.start_reason.caller.type == "ORGANIZATION"
        assert recording.download_url is None
        assert recording.stopped_time is None

    def test_its_configuration(self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live) -> None:
        recording = sdk.realtime_kit.recordings.start_recordings(
            ids["app_id"],
            account_id=ids["account_id"],
            meeting_id=live.meeting_id,
            video_config={
                "codec": "VP9",
                "width": 640,
                "height": 360,
                "watermark": {"url": "https://example.com/logo.png", "position": "right top"},
            },
            audio_config={"codec": "AAC", "channel": "mono"},
            file_name_prefix="team",
            max_seconds=3600,
            realtimekit_bucket_config={"enabled": True},
            interactive_config={"type": "ID3"},
        ).data

        assert recording is not None
        assert recording.output_file_name.startswith(f"team_{live.meeting_id}_")
        assert recording.output_file_name.endswith(".webm")

    def test_a_second_one_conflicts_unless_allowed(
        self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live
    ) -> None:
        first = start(sdk, ids, live.meeting_id)

        with pytest.raises(cloudflare.ConflictError) as refused:
            start(sdk, ids, live.meeting_id)

        assert refused.value.response.headers["x-should-retry"] == "false"
        assert first in str(refused.value.body)
        assert start(sdk, ids, live.meeting_id, allow_multiple_recordings=True) != first

    def test_no_live_session_bad_request(self, sdk: Cloudflare, ids: Ids, kit: Kit) -> None:
        meeting_id = kit.meeting()

        with pytest.raises(cloudflare.BadRequestError) as refused:
            start(sdk, ids, meeting_id)

        assert "meeting_id" in str(refused.value.body)
        with pytest.raises(cloudflare.BadRequestError):
            start(sdk, ids, kit.live().meeting_id, max_seconds=59)
        assert kit.ids() == []


class TestGetRecording:
    def test_uploaded_with_a_file_to_download(
        self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live
    ) -> None:
        recording_id = start(sdk, ids, live.meeting_id)
        kit.advance(2 + 10)
        sdk.realtime_kit.recordings.pause_resume_stop_recording(recording_id, **ids, action="stop")
        kit.advance(5)

        recording = sdk.realtime_kit.recordings.get_one_recording(recording_id, **ids).data

        assert recording is not None
        assert recording.id == recording_id
        assert recording.status == "UPLOADED"
        assert recording.recording_duration is not None
        about(recording.recording_duration, 10)
        assert recording.started_time is not None
        assert recording.stopped_time is not None
        assert recording.started_time - recording.invoked_time == timedelta(seconds=2)
        assert recording.stop_reason is not None
        assert recording.stop_reason.reason == "API_CALL"
        assert recording.download_url is not None
        assert recording.download_url_expiry is not None
        assert recording.download_url_expiry - at(kit.advance(0.001)) > timedelta(days=6)
        content = fetch(recording.download_url)
        assert recording.file_size == len(content)
        assert abs(duration_of(content) - recording.recording_duration) <= 1
        assert recording.audio_download_url is not None
        audio = fetch(recording.audio_download_url)
        assert abs(duration_of(audio) - recording.recording_duration) <= 1

    def test_unknown_not_found(self, sdk: Cloudflare, ids: Ids) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            sdk.realtime_kit.recordings.get_one_recording(NO_SUCH_ID, **ids)


class TestListRecordings:
    def test_filters_as_the_sdk_sends_them(
        self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live
    ) -> None:
        uploaded = kit.uploaded(live.meeting_id)["id"]
        errored = start(sdk, ids, live.meeting_id)
        kit.advance(3)
        kit.act(errored, "stop")
        kit.advance(5)
        other = kit.live(title="Other")
        recording = start(sdk, ids, other.meeting_id)
        recordings = sdk.realtime_kit.recordings

        listed = recordings.get_recordings(ids["app_id"], account_id=ids["account_id"])
        assert [r.id for r in listed.data] == [recording, errored, uploaded]
        assert listed.paging.total_count == 3
        assert listed.data[0].meeting is not None
        assert listed.data[0].meeting.id == other.meeting_id
        assert listed.data[0].meeting.title == "Other"

        chosen = recordings.get_recordings(
            ids["app_id"], account_id=ids["account_id"], status=["UPLOADED", "ERRORED"]
        )
        assert [r.id for r in chosen.data] == [errored, uploaded]
        assert [r.status for r in chosen.data] == ["ERRORED", "UPLOADED"]

        of_meeting = recordings.get_recordings(
            ids["app_id"], account_id=ids["account_id"], meeting_id=live.meeting_id
        )
        assert [r.id for r in of_meeting.data] == [errored, uploaded]

        ascending = recordings.get_recordings(
            ids["app_id"],
            account_id=ids["account_id"],
            sort_by="invokedTime",
            sort_order="ASC",
            per_page=2,
            page_no=2,
        )
        assert [r.id for r in ascending.data] == [recording]
        assert ascending.paging.start_offset == ascending.paging.end_offset == 3

        since = recordings.get_recordings(
            ids["app_id"],
            account_id=ids["account_id"],
            start_time=listed.data[0].invoked_time,
            search="other",
            expired=False,
        )
        assert [r.id for r in since.data] == [recording]


class TestActiveRecording:
    def test_the_one_under_way(self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live) -> None:
        recordings = sdk.realtime_kit.recordings
        with pytest.raises(cloudflare.NotFoundError):
            recordings.get_active_recordings(live.meeting_id, **ids)
        recording_id = start(sdk, ids, live.meeting_id)
        kit.advance(2)

        active = recordings.get_active_recordings(live.meeting_id, **ids).data

        assert active.id == recording_id
        assert active.status == "RECORDING"


class TestActOnRecording:
    def test_pause_resume_stop(self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live) -> None:
        recordings = sdk.realtime_kit.recordings
        recording_id = start(sdk, ids, live.meeting_id)
        kit.advance(2 + 10)

        paused = recordings.pause_resume_stop_recording(recording_id, **ids, action="pause")
        assert paused.data is not None
        assert paused.data.status == "PAUSED"
        with pytest.raises(cloudflare.ConflictError) as refused:
            recordings.pause_resume_stop_recording(recording_id, **ids, action="pause")
        assert "PAUSED" in str(refused.value.body)
        kit.advance(30)
        resumed = recordings.pause_resume_stop_recording(recording_id, **ids, action="resume")
        assert resumed.data is not None
        assert resumed.data.status == "RECORDING"
        kit.advance(5)
        stopped = recordings.pause_resume_stop_recording(recording_id, **ids, action="stop")

        assert stopped.data is not None
        assert stopped.data.status == "UPLOADING"
        assert stopped.data.recording_duration is not None
        about(stopped.data.recording_duration, 15)
        assert stopped.data.stop_reason is not None
        assert stopped.data.stop_reason.reason == "API_CALL"
        assert stopped.data.stopped_time is not None


class TestStartTrackRecording:
    def test_a_webm_per_peer(self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live) -> None:
        recordings = sdk.realtime_kit.recordings
        answer = recordings.start_track_recording(
            ids["app_id"],
            account_id=ids["account_id"],
            meeting_id=live.meeting_id,
            layers={"default": {"file_name_prefix": "voice", "media_kind": "audio"}},
        )
        assert answer.data is not None
        started = answer.data.recording
        assert started.status == "INVOKED"
        assert started.output_file_name.endswith(".webm")
        assert started.started_time is None
        kit.advance(2 + 10)
        recordings.pause_resume_stop_recording(started.id, **ids, action="stop")
        kit.advance(5)

        # The SDK types download_url as a string; it hands over the array as it came.
        answer_body = recordings.with_raw_response.get_one_recording(
            started.id, **ids
        ).http_response
        recording = answer_body.json()["data"]

        assert recording["status"] == "UPLOADED"
        (layer,) = recording["download_url"]
        assert layer["layer_name"] == "default"
        ((name, url),) = layer["download_urls"].items()
        assert name.startswith("voice_")
        about(recording["recording_duration"], 10)
        assert abs(duration_of(fetch(url["download_url"])) - recording["recording_duration"]) <= 1

    def test_user_ids(self, sdk: Cloudflare, ids: Ids, kit: Kit, live: Live) -> None:
        answer = sdk.realtime_kit.recordings.start_track_recording(
            ids["app_id"],
            account_id=ids["account_id"],
            meeting_id=live.meeting_id,
            user_ids=["alice"],
        )

        assert answer.data is not None
        assert answer.data.recording.status == "INVOKED"
        with pytest.raises(cloudflare.ConflictError):
            sdk.realtime_kit.recordings.start_track_recording(
                ids["app_id"], account_id=ids["account_id"], meeting_id=live.meeting_id
            )
