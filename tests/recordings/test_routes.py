"""Recordings (contract A11, `beyond-core.md` 1c and 4) over HTTP: the six operations, their
shapes; how a recording goes on the app clock (INVOKED, RECORDING, PAUSED, UPLOADING, then
UPLOADED or ERRORED) and what stops it (a stop, the session's end, a kick-all, max_seconds);
record_on_start; the files, downloaded and played; the list's filters, sorting and paging;
and every kind of bad input, each refused with nothing changed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from meetd.deployment import Deployment
from meetd.recordings.media import duration_of
from tests.recordings.conftest import NO_SUCH_ID, Kit, Live, about, path_of
from tests.support import Account, at, later

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
URL_LIFETIME = timedelta(days=7)
BY_THE_APP = {"reason": "API_CALL", "caller": {"type": "ORGANIZATION", "name": "my-app"}}
# What a recording shows from the start; the rest appears as it goes.
FIELDS = {
    "id",
    "session_id",
    "status",
    "output_file_name",
    "invoked_time",
    "recording_duration",
    "start_reason",
}
UPLOADED_FIELDS = FIELDS | {
    "started_time",
    "stopped_time",
    "stop_reason",
    "file_size",
    "download_url",
    "download_url_expiry",
    "audio_download_url",
}
MEETING_FIELDS = {
    "id",
    "title",
    "status",
    "record_on_start",
    "live_stream_on_start",
    "persist_chat",
    "summarize_on_end",
    "transcribe_on_end",
    "session_keep_alive_time_in_secs",
    "created_at",
    "updated_at",
}


def refused(response: Any, status: int, message: str) -> None:
    """The error body of contract A3, its message starting with `message`."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == status
    assert body["error"]["message"].startswith(message), body["error"]["message"]


def conflict(response: Any, message: str) -> None:
    """A 409 the SDK must not retry (reference B1), its message containing `message`."""
    assert response.status_code == 409, response.text
    assert response.headers["x-should-retry"] == "false"
    assert message in response.json()["error"]["message"], response.text


def output_name(meeting_id: str, invoked_time: str, extension: str, prefix: str = "") -> str:
    """`[<prefix>_]<meeting id>_<ms since 1970>.<ext>` (DY-EV), at the invoked time."""
    millis = round(at(invoked_time).timestamp() * 1000)
    return f"{prefix}{meeting_id}_{millis}.{extension}"


def seconds_between(start: str, end: str) -> float:
    return (at(end) - at(start)).total_seconds()


def plays_for(content: bytes, seconds: float) -> None:
    """A real media file, as long as `seconds` (to the second)."""
    assert abs(duration_of(content) - seconds) <= 1, (duration_of(content), seconds)


# -- start -------------------------------------------------------------------------------


class TestStartRecording:
    def test_invoked_at_once_then_recording_two_seconds_later(self, kit: Kit, live: Live) -> None:
        response = kit.start_recording(live.meeting_id)

        assert response.status_code == 200, response.text  # 200, as the reference says
        body = response.json()
        assert set(body) == {"success", "data"}
        started = body["data"]
        assert set(started) == FIELDS
        assert started["status"] == "INVOKED"
        assert started["session_id"] == live.session_id
        assert TIMESTAMP.fullmatch(started["invoked_time"])
        assert started["output_file_name"] == output_name(
            live.meeting_id, started["invoked_time"], "mp4"
        )
        assert started["recording_duration"] == 0
        assert started["start_reason"] == BY_THE_APP

        kit.advance(1.5)
        assert kit.get(started["id"])["status"] == "INVOKED"
        kit.advance(0.5)
        recording = kit.get(started["id"])
        assert recording["status"] == "RECORDING"
        assert recording["started_time"] == later(started["invoked_time"], 2)
        assert "stopped_time" not in recording
        kit.advance(30)
        about(kit.get(started["id"])["recording_duration"], 30)

    @pytest.mark.parametrize(
        ("body", "extension"),
        [
            ({}, "mp4"),
            ({"video_config": {"codec": "H264"}}, "mp4"),
            ({"video_config": {"codec": "VP8"}}, "webm"),
            ({"video_config": {"codec": "VP9", "width": 640, "height": 360}}, "webm"),
            ({"video_config": {"export_file": False}}, "m4a"),
            ({"video_config": {"export_file": False}, "audio_config": {"codec": "AAC"}}, "m4a"),
            ({"video_config": {"export_file": False}, "audio_config": {"codec": "MP3"}}, "mp3"),
        ],
    )
    def test_the_file_is_named_for_what_it_holds(
        self, kit: Kit, live: Live, body: dict[str, Any], extension: str
    ) -> None:
        started = kit.start(live.meeting_id, **body)

        assert started["output_file_name"] == output_name(
            live.meeting_id, started["invoked_time"], extension
        )

    def test_file_name_prefix_leads_the_name_made_safe(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id, file_name_prefix="weekly sync/1")

        assert started["output_file_name"] == output_name(
            live.meeting_id, started["invoked_time"], "mp4", prefix="weekly_sync_1_"
        )

    def test_the_meetings_recording_config_applies_unless_the_request_says_otherwise(
        self, kit: Kit
    ) -> None:
        config = {"video_config": {"codec": "VP9"}, "file_name_prefix": "team"}
        live = kit.live(recording_config=config)

        first = kit.start(live.meeting_id)
        second = kit.start(
            live.meeting_id, allow_multiple_recordings=True, video_config={"codec": "H264"}
        )

        assert first["output_file_name"] == output_name(
            live.meeting_id, first["invoked_time"], "webm", prefix="team_"
        )
        assert second["output_file_name"] == output_name(
            live.meeting_id, second["invoked_time"], "mp4", prefix="team_"
        )

    def test_a_second_one_needs_allow_multiple_recordings(
        self, kit: Kit, live: Live, deployment: Deployment
    ) -> None:
        first = kit.start(live.meeting_id)
        stored = kit.stored(deployment)

        conflict(kit.start_recording(live.meeting_id), first["id"])
        conflict(kit.start_recording(live.meeting_id, allow_multiple_recordings=False), "INVOKED")
        assert kit.stored(deployment) == stored
        assert kit.ids() == [first["id"]]

        second = kit.start(live.meeting_id, allow_multiple_recordings=True)

        assert second["id"] != first["id"]
        assert second["status"] == "INVOKED"
        assert sorted(kit.ids(status="INVOKED")) == sorted([first["id"], second["id"]])

    def test_another_may_start_once_the_first_has_stopped(self, kit: Kit, live: Live) -> None:
        first = kit.start(live.meeting_id)
        kit.advance(2)
        kit.act(first["id"], "stop")

        second = kit.start(live.meeting_id)

        assert second["id"] != first["id"]

    def test_without_a_live_session_400_naming_meeting_id(
        self, kit: Kit, deployment: Deployment
    ) -> None:
        meeting_id = kit.meeting(title="Nobody came")
        kit.participant(meeting_id, "alice")
        stored = kit.stored(deployment)

        refused(kit.start_recording(meeting_id), 400, "meeting_id:")

        assert kit.stored(deployment) == stored
        assert kit.ids() == []

    def test_after_the_session_ended_400(self, kit: Kit, live: Live) -> None:
        kit.leave(live.meeting_id, live.peer_id)
        kit.advance(60)
        assert kit.session(live.session_id)["status"] == "ENDED"

        refused(kit.start_recording(live.meeting_id), 400, "meeting_id:")
        assert kit.ids() == []

    def test_unknown_meeting_404(self, kit: Kit, deployment: Deployment) -> None:
        stored = kit.stored(deployment)

        refused(kit.start_recording(NO_SUCH_ID), 404, f"No meeting with id {NO_SUCH_ID}")

        assert kit.stored(deployment) == stored

    def test_another_apps_meeting_404(self, kit: Kit, account: Account) -> None:
        other = Kit(account, account.create_app("other"))
        live = other.live()

        refused(kit.start_recording(live.meeting_id), 404, "No meeting with id")
        assert other.ids() == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"max_seconds": 59}, "max_seconds"),
            ({"max_seconds": 86401}, "max_seconds"),
            ({"video_config": {"codec": "AV1"}}, "video_config.codec"),
            ({"video_config": {"width": 0}}, "video_config.width"),
            (
                {"video_config": {"watermark": {"position": "center"}}},
                "video_config.watermark.position",
            ),
            ({"audio_config": {"codec": "OGG"}}, "audio_config.codec"),
            ({"audio_config": {"channel": "surround"}}, "audio_config.channel"),
            ({"realtimekit_bucket_config": {}}, "realtimekit_bucket_config.enabled"),
            ({"interactive_config": {"type": "ID4"}}, "interactive_config.type"),
            ({"storage_config": {"type": "aws", "bucket": "b"}}, "storage_config"),
            ({"meeting_id": "not-a-uuid"}, "meeting_id"),
            ({"meeting_id": None}, "meeting_id"),
        ],
    )
    def test_bad_input_400_naming_the_field_and_nothing_changes(
        self,
        kit: Kit,
        live: Live,
        deployment: Deployment,
        body: dict[str, Any],
        field: str,
    ) -> None:
        stored = kit.stored(deployment)

        response = kit.account.post(
            f"/{kit.app_id}/recordings", json={"meeting_id": live.meeting_id, **body}
        )

        refused(response, 400, field)

        assert kit.stored(deployment) == stored
        assert kit.ids() == []

    def test_without_a_body_400_naming_meeting_id(self, kit: Kit) -> None:
        response = kit.account.post(f"/{kit.app_id}/recordings", json={})

        refused(response, 400, "meeting_id")

    def test_a_read_token_may_not_start_one(self, kit: Kit, live: Live) -> None:
        response = kit.account.post(
            f"/{kit.app_id}/recordings",
            json={"meeting_id": live.meeting_id},
            token=kit.account.read_token,
        )

        assert response.status_code == 403, response.text
        assert kit.ids() == []


# -- pause, resume, stop -----------------------------------------------------------------


class TestActOnRecording:
    @pytest.fixture
    def recording(self, kit: Kit, live: Live) -> dict[str, Any]:
        """A recording that has been RECORDING 10 s."""
        started = kit.start(live.meeting_id)
        kit.advance(12)
        return started

    def test_pause_resume_and_stop(self, kit: Kit, recording: dict[str, Any]) -> None:
        paused = kit.act(recording["id"], "pause")
        assert paused["status"] == "PAUSED"
        assert paused["id"] == recording["id"]
        assert kit.get(recording["id"])["status"] == "PAUSED"

        resumed = kit.act(recording["id"], "resume")
        assert resumed["status"] == "RECORDING"

        stopped = kit.act(recording["id"], "stop")
        assert stopped["status"] == "UPLOADING"
        assert stopped["stop_reason"] == BY_THE_APP
        assert TIMESTAMP.fullmatch(stopped["stopped_time"])
        assert stopped == kit.get(recording["id"])
        about(stopped["recording_duration"], 10)

    def test_pausing_a_paused_one_409_naming_paused(
        self, kit: Kit, recording: dict[str, Any], deployment: Deployment
    ) -> None:
        kit.act(recording["id"], "pause")
        stored = kit.stored(deployment)

        conflict(kit.act_on(recording["id"], "pause"), "PAUSED")

        assert kit.stored(deployment) == stored
        assert kit.get(recording["id"])["status"] == "PAUSED"

    def test_resuming_one_that_is_recording_409(self, kit: Kit, recording: dict[str, Any]) -> None:
        conflict(kit.act_on(recording["id"], "resume"), "RECORDING")
        assert kit.get(recording["id"])["status"] == "RECORDING"

    def test_an_invoked_one_cannot_be_paused_but_can_be_stopped(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)

        conflict(kit.act_on(started["id"], "pause"), "INVOKED")
        stopped = kit.act(started["id"], "stop")

        assert stopped["status"] == "UPLOADING"
        assert "started_time" not in stopped
        kit.advance(5)
        assert kit.get(started["id"])["status"] == "ERRORED"  # nothing was recorded

    def test_a_paused_one_can_be_stopped(self, kit: Kit, recording: dict[str, Any]) -> None:
        kit.act(recording["id"], "pause")
        kit.advance(30)

        stopped = kit.act(recording["id"], "stop")

        assert stopped["status"] == "UPLOADING"
        about(stopped["recording_duration"], 10)

    def test_stopping_a_stopped_one_409(
        self, kit: Kit, recording: dict[str, Any], deployment: Deployment
    ) -> None:
        kit.act(recording["id"], "stop")
        stored = kit.stored(deployment)

        conflict(kit.act_on(recording["id"], "stop"), "UPLOADING")
        conflict(kit.act_on(recording["id"], "resume"), "UPLOADING")
        assert kit.stored(deployment) == stored

        kit.advance(5)
        conflict(kit.act_on(recording["id"], "stop"), "UPLOADED")
        conflict(kit.act_on(recording["id"], "pause"), "UPLOADED")

    @pytest.mark.parametrize("body", [{"action": "rewind"}, {"action": "STOP"}, {}])
    def test_an_unknown_action_400_naming_action(
        self, kit: Kit, recording: dict[str, Any], body: dict[str, Any]
    ) -> None:
        response = kit.account.put(f"/{kit.app_id}/recordings/{recording['id']}", json=body)

        refused(response, 400, "action")
        assert kit.get(recording["id"])["status"] == "RECORDING"

    def test_unknown_recording_404(self, kit: Kit) -> None:
        refused(kit.act_on(NO_SUCH_ID, "stop"), 404, f"No recording with id {NO_SUCH_ID}")

    def test_another_apps_recording_404(
        self, kit: Kit, recording: dict[str, Any], account: Account
    ) -> None:
        other = Kit(account, account.create_app("other"))

        refused(other.act_on(recording["id"], "stop"), 404, "No recording with id")
        assert kit.get(recording["id"])["status"] == "RECORDING"

    def test_a_malformed_id_400_naming_recording_id(self, kit: Kit) -> None:
        refused(kit.act_on("not-a-uuid", "stop"), 400, "recording_id")

    def test_the_duration_leaves_out_pauses(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(2 + 10)
        kit.act(started["id"], "pause")
        kit.advance(20)
        about(kit.get(started["id"])["recording_duration"], 10)  # a pause does not count
        kit.act(started["id"], "resume")
        kit.advance(10)
        kit.act(started["id"], "stop")
        kit.advance(5)

        recording = kit.get(started["id"])

        assert recording["status"] == "UPLOADED"
        about(recording["recording_duration"], 20)
        plays_for(kit.download(recording["download_url"]), recording["recording_duration"])


# -- how a recording ends ----------------------------------------------------------------


class TestRecordingEnds:
    def test_uploaded_5_s_after_it_stops(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(12)
        stopped = kit.act(started["id"], "stop")

        kit.advance(4.5)
        assert kit.get(started["id"])["status"] == "UPLOADING"
        kit.advance(0.5)

        recording = kit.get(started["id"])
        assert recording["status"] == "UPLOADED"
        assert set(recording) == UPLOADED_FIELDS
        assert recording["stopped_time"] == stopped["stopped_time"]
        about(recording["recording_duration"], 10)
        assert recording["file_size"] > 0

    def test_under_5_s_recorded_ends_errored_with_the_reason(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(2 + 3)
        kit.act(started["id"], "stop")
        kit.advance(4.5)
        assert kit.get(started["id"])["status"] == "UPLOADING"

        kit.advance(0.5)

        recording = kit.get(started["id"])
        assert recording["status"] == "ERRORED"
        assert "5 seconds" in recording["error"]
        about(recording["recording_duration"], 3)
        for absent in ("download_url", "download_url_expiry", "audio_download_url", "file_size"):
            assert absent not in recording
        assert kit.ids(status="ERRORED") == [started["id"]]

    def test_max_seconds_stops_it(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id, max_seconds=60)
        kit.advance(2 + 59.5)
        assert kit.get(started["id"])["status"] == "RECORDING"

        kit.advance(0.5 + 1)

        recording = kit.get(started["id"])
        assert recording["status"] == "UPLOADING"
        assert recording["recording_duration"] == 60
        assert recording["stopped_time"] == later(recording["started_time"], 60)
        assert recording["stop_reason"]["reason"] == "API_CALL"
        kit.advance(5)
        uploaded = kit.get(started["id"])
        assert uploaded["status"] == "UPLOADED"
        plays_for(kit.download(uploaded["download_url"]), 60)

    def test_max_seconds_counts_only_what_was_recorded(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id, max_seconds=60)
        kit.advance(2 + 30)
        kit.act(started["id"], "pause")
        kit.advance(100)
        assert kit.get(started["id"])["status"] == "PAUSED"
        kit.act(started["id"], "resume")
        kit.advance(28)
        assert kit.get(started["id"])["status"] == "RECORDING"

        kit.advance(2)

        recording = kit.get(started["id"])
        assert recording["status"] == "UPLOADING"
        assert recording["recording_duration"] == 60

    def test_the_sessions_end_stops_it_all_peers_left(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(2 + 10)
        left = kit.leave(live.meeting_id, live.peer_id)
        kit.advance(59)
        assert kit.get(started["id"])["status"] == "RECORDING"  # the keep-alive still runs

        kit.advance(1)

        assert kit.session(live.session_id)["status"] == "ENDED"
        recording = kit.get(started["id"])
        assert recording["status"] == "UPLOADING"
        assert recording["stop_reason"] == {"reason": "ALL_PEERS_LEFT"}  # meetd's own: no caller
        assert recording["stopped_time"] == later(left["left_at"], 60)
        kit.advance(5)
        assert kit.get(started["id"])["status"] == "UPLOADED"

    def test_a_rejoin_within_the_keep_alive_keeps_it_going(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(12)
        kit.leave(live.meeting_id, live.peer_id)
        kit.advance(30)
        kit.join(live.meeting_id, "alice")

        kit.advance(120)

        assert kit.get(started["id"])["status"] == "RECORDING"

    def test_kick_all_stops_it_at_once_api_call(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)
        kit.advance(12)

        kit.call("POST", f"/meetings/{live.meeting_id}/active-session/kick-all")

        recording = kit.get(started["id"])
        assert recording["status"] == "UPLOADING"
        assert recording["stop_reason"] == BY_THE_APP
        about(recording["recording_duration"], 10)
        kit.advance(5)
        assert kit.get(started["id"])["status"] == "UPLOADED"

    def test_the_sessions_end_stops_every_recording_of_it(self, kit: Kit, live: Live) -> None:
        first = kit.start(live.meeting_id)
        second = kit.start(live.meeting_id, allow_multiple_recordings=True)
        kit.advance(12)
        kit.act(second["id"], "pause")

        kit.call("POST", f"/meetings/{live.meeting_id}/active-session/kick-all")

        assert kit.get(first["id"])["status"] == "UPLOADING"
        paused = kit.get(second["id"])
        assert paused["status"] == "UPLOADING"
        about(paused["recording_duration"], 10)  # its pause until the end left out


class TestRecordOnStart:
    def test_a_join_starts_one_with_the_meetings_config(self, kit: Kit) -> None:
        live = kit.live(record_on_start=True, recording_config={"video_config": {"codec": "VP8"}})

        recordings = kit.listing(meeting_id=live.meeting_id)["data"]

        assert len(recordings) == 1
        recording = recordings[0]
        assert recording["status"] == "INVOKED"
        assert recording["session_id"] == live.session_id
        assert recording["start_reason"] == {"reason": "RECORD_ON_START"}  # no caller
        assert recording["output_file_name"].endswith(".webm")
        kit.advance(2)
        assert kit.get(recording["id"])["status"] == "RECORDING"

    def test_one_per_session_not_per_join(self, kit: Kit) -> None:
        live = kit.live(record_on_start=True)
        kit.participant(live.meeting_id, "bob")
        kit.join(live.meeting_id, "bob")
        assert len(kit.ids(meeting_id=live.meeting_id)) == 1

        kit.call("POST", f"/meetings/{live.meeting_id}/active-session/kick-all")
        kit.join(live.meeting_id, "alice")

        recordings = kit.listing(meeting_id=live.meeting_id)["data"]
        assert [r["status"] for r in recordings] == ["INVOKED", "UPLOADING"]
        assert recordings[0]["session_id"] != live.session_id

    def test_an_api_start_beside_it_needs_allow_multiple_recordings(self, kit: Kit) -> None:
        live = kit.live(record_on_start=True)
        (automatic,) = kit.ids()

        conflict(kit.start_recording(live.meeting_id), automatic)
        assert kit.start(live.meeting_id, allow_multiple_recordings=True)["id"] != automatic

    def test_the_meetings_max_seconds_stops_it(self, kit: Kit) -> None:
        live = kit.live(record_on_start=True, recording_config={"max_seconds": 60})
        (automatic,) = kit.ids()

        kit.advance(2 + 60)

        recording = kit.get(automatic)
        assert recording["status"] == "UPLOADING"
        assert recording["recording_duration"] == 60
        assert kit.session(live.session_id)["status"] == "LIVE"

    def test_without_it_a_join_records_nothing(self, kit: Kit, live: Live) -> None:
        assert kit.ids() == []


# -- get, the files ----------------------------------------------------------------------


class TestGetRecording:
    def test_as_it_goes(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)

        assert kit.get(started["id"]) == started
        kit.advance(2)
        recording = kit.get(started["id"])
        assert recording == {
            **started,
            "status": "RECORDING",
            "started_time": later(started["invoked_time"], 2),
        }

    def test_uploaded_its_files_download_and_play_as_long_as_it_recorded(
        self, kit: Kit, live: Live
    ) -> None:
        recording = kit.uploaded(live.meeting_id, seconds=12)
        now = kit.advance(0.001)

        about(recording["recording_duration"], 12)
        video = kit.download(recording["download_url"])
        assert recording["file_size"] == len(video)
        plays_for(video, recording["recording_duration"])
        audio = kit.download(recording["audio_download_url"])
        plays_for(audio, recording["recording_duration"])
        assert audio != video
        expiry = at(kit.get(recording["id"])["download_url_expiry"])
        assert abs(expiry - (at(now) + URL_LIFETIME)) <= timedelta(seconds=1)
        name = recording["output_file_name"]
        assert path_of(recording["download_url"]).split("?")[0].endswith(f"/{name}")
        assert (
            path_of(recording["audio_download_url"])
            .split("?")[0]
            .endswith("/" + name.removesuffix(".mp4") + ".m4a")
        )

    def test_the_files_are_served_with_their_media_types(self, kit: Kit, live: Live) -> None:
        recording = kit.uploaded(live.meeting_id)

        video = kit.account.client.get(path_of(recording["download_url"]))
        audio = kit.account.client.get(path_of(recording["audio_download_url"]))

        assert video.headers["content-type"] == "video/mp4"
        assert audio.headers["content-type"] == "audio/mp4"
        assert recording["output_file_name"] in video.headers["content-disposition"]

    @pytest.mark.parametrize(
        ("body", "extension", "audio"),
        [
            ({"video_config": {"codec": "VP8"}}, "webm", True),
            ({"video_config": {"codec": "VP9"}}, "webm", True),
            ({"video_config": {"export_file": False}}, "m4a", False),
            (
                {"video_config": {"export_file": False}, "audio_config": {"codec": "MP3"}},
                "mp3",
                False,
            ),
            ({"audio_config": {"export_file": False}}, "mp4", False),
            ({"audio_config": {"codec": "MP3", "channel": "mono"}}, "mp4", True),
        ],
    )
    def test_each_kind_of_file_plays(
        self, kit: Kit, live: Live, body: dict[str, Any], extension: str, audio: bool
    ) -> None:
        recording = kit.uploaded(live.meeting_id, seconds=8, **body)

        assert recording["output_file_name"].endswith(f".{extension}")
        content = kit.download(recording["download_url"])
        assert recording["file_size"] == len(content)
        plays_for(content, recording["recording_duration"])
        assert ("audio_download_url" in recording) is audio
        if audio:
            plays_for(
                kit.download(recording["audio_download_url"]), recording["recording_duration"]
            )

    def test_a_fresh_url_each_time_and_an_altered_one_is_refused(
        self, kit: Kit, live: Live
    ) -> None:
        recording = kit.uploaded(live.meeting_id)
        kit.advance(10)

        again = kit.get(recording["id"])

        assert again["download_url"] != recording["download_url"]
        assert kit.download(again["download_url"]) == kit.download(recording["download_url"])
        altered = path_of(recording["download_url"]).replace("signature=", "signature=x")
        assert kit.account.client.get(altered).status_code == 403

    def test_urls_expire_after_7_days(self, kit: Kit, live: Live) -> None:
        recording = kit.uploaded(live.meeting_id)

        kit.advance(URL_LIFETIME.total_seconds() + 1)

        assert kit.account.client.get(path_of(recording["download_url"])).status_code == 403

    def test_without_realtimekit_bucket_no_download_urls(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id, realtimekit_bucket_config={"enabled": False})
        kit.advance(12)
        kit.act(started["id"], "stop")
        kit.advance(5)

        recording = kit.get(started["id"])

        assert recording["status"] == "UPLOADED"
        about(recording["recording_duration"], 10)
        for absent in ("download_url", "download_url_expiry", "audio_download_url"):
            assert absent not in recording

    def test_unknown_404_and_malformed_400(self, kit: Kit) -> None:
        refused(
            kit.account.get(f"/{kit.app_id}/recordings/{NO_SUCH_ID}"),
            404,
            f"No recording with id {NO_SUCH_ID}",
        )
        refused(kit.account.get(f"/{kit.app_id}/recordings/not-a-uuid"), 400, "recording_id")

    def test_another_apps_recording_404(self, kit: Kit, live: Live, account: Account) -> None:
        started = kit.start(live.meeting_id)
        other = Kit(account, account.create_app("other"))

        refused(account.get(f"/{other.app_id}/recordings/{started['id']}"), 404, "No recording")

    def test_a_read_token_may_read(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)

        response = kit.account.get(
            f"/{kit.app_id}/recordings/{started['id']}", token=kit.account.read_token
        )

        assert response.status_code == 200, response.text
        assert response.json()["data"]["id"] == started["id"]


# -- the active one ----------------------------------------------------------------------


class TestActiveRecording:
    def path(self, kit: Kit, meeting_id: str) -> str:
        return f"/{kit.app_id}/recordings/active-recording/{meeting_id}"

    def test_none_404(self, kit: Kit, live: Live) -> None:
        refused(kit.account.get(self.path(kit, live.meeting_id)), 404, "No active recording")

    def test_the_one_under_way_until_it_stops(self, kit: Kit, live: Live) -> None:
        started = kit.start(live.meeting_id)

        for status in ("INVOKED", "RECORDING", "PAUSED"):
            if status == "RECORDING":
                kit.advance(2)
            if status == "PAUSED":
                kit.act(started["id"], "pause")
            response = kit.account.get(self.path(kit, live.meeting_id))
            assert response.status_code == 200, response.text
            assert response.json()["data"] == kit.get(started["id"])
            assert response.json()["data"]["status"] == status

        kit.act(started["id"], "stop")
        refused(kit.account.get(self.path(kit, live.meeting_id)), 404, "No active recording")

    def test_the_newest_of_several(self, kit: Kit, live: Live) -> None:
        kit.start(live.meeting_id)
        kit.advance(1)
        newest = kit.start(live.meeting_id, allow_multiple_recordings=True)

        active = kit.call("GET", f"/recordings/active-recording/{live.meeting_id}")

        assert active["id"] == newest["id"]

    def test_unknown_meeting_404_and_malformed_400(self, kit: Kit) -> None:
        refused(kit.account.get(self.path(kit, NO_SUCH_ID)), 404, "No meeting with id")
        refused(kit.account.get(self.path(kit, "not-a-uuid")), 400, "meeting_id")


# -- the list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shelf:
    """An app with three recordings of three meetings, oldest first, 100 s apart: "Alpha
    standup" (UPLOADED, 10 s), "Beta review" (ERRORED: 2 s) and "alpha retro" (RECORDING)."""

    kit: Kit
    alpha: dict[str, Any]
    beta: dict[str, Any]
    retro: dict[str, Any]

    @property
    def ids(self) -> list[str]:
        return [self.alpha["id"], self.beta["id"], self.retro["id"]]


@pytest.fixture(scope="class")
def shelf(account: Account) -> Shelf:
    """Shared by a class's tests, which only read it."""
    kit = Kit(account, account.create_app("shelf"))
    alpha = kit.live(title="Alpha standup")
    made = [kit.uploaded(alpha.meeting_id)["id"]]
    kit.advance(100)
    beta = kit.live(title="Beta review")
    errored = kit.start(beta.meeting_id)
    kit.advance(4)
    kit.act(errored["id"], "stop")
    kit.advance(5)
    made.append(errored["id"])
    kit.advance(100)
    retro = kit.live(title="alpha retro")
    made.append(kit.start(retro.meeting_id)["id"])
    kit.advance(2)
    return Shelf(kit, *(kit.get(recording) for recording in made))


class TestListRecordings:
    def test_newest_first_each_with_its_meeting(self, shelf: Shelf) -> None:
        page = shelf.kit.listing()

        assert set(page) == {"success", "data", "paging"}
        assert page["paging"] == {"total_count": 3, "start_offset": 1, "end_offset": 3}
        assert [r["status"] for r in page["data"]] == ["RECORDING", "ERRORED", "UPLOADED"]
        for item, recording in zip(
            page["data"], (shelf.retro, shelf.beta, shelf.alpha), strict=True
        ):
            meeting = item.pop("meeting")
            if recording["status"] == "UPLOADED":  # its URLs are signed afresh
                recording = dict(recording)
                for key in ("download_url", "audio_download_url", "download_url_expiry"):
                    assert item.pop(key)
                    assert recording.pop(key)
            if recording["status"] == "RECORDING":  # it has gone on recording since
                assert item.pop("recording_duration") >= recording["recording_duration"]
                recording = {**recording}
                del recording["recording_duration"]
            assert item == recording
            assert set(meeting) == MEETING_FIELDS
        titles = [item["meeting"]["title"] for item in shelf.kit.listing()["data"]]
        assert titles == ["alpha retro", "Beta review", "Alpha standup"]

    def test_the_meeting_object_is_the_meeting(self, shelf: Shelf) -> None:
        item = shelf.kit.listing(per_page=1)["data"][0]
        meeting = shelf.kit.call("GET", f"/meetings/{item['meeting']['id']}")

        # As GET .../meetings/{id} answers it, to the JSON type of each value.
        shown = {name: meeting[name] for name in MEETING_FIELDS}
        assert json.dumps(item["meeting"], sort_keys=True) == json.dumps(shown, sort_keys=True)

    def test_sort_order(self, shelf: Shelf) -> None:
        kit = shelf.kit

        assert kit.ids(sort_order="ASC") == shelf.ids
        assert kit.ids(sort_order="DESC") == shelf.ids[::-1]
        assert kit.ids(sort_by="invokedTime", sort_order="ASC") == shelf.ids

    def test_status_filter_repeated(self, shelf: Shelf) -> None:
        kit, (alpha, beta, retro) = shelf.kit, shelf.ids

        assert kit.ids(status="UPLOADED") == [alpha]
        assert kit.ids(status=["UPLOADED", "ERRORED"]) == [beta, alpha]
        assert kit.ids(status=["RECORDING", "PAUSED"]) == [retro]
        assert kit.ids(status="UPLOADING") == []

    def test_meeting_id_and_search(self, shelf: Shelf) -> None:
        kit, (alpha, beta, retro) = shelf.kit, shelf.ids
        beta_meeting = kit.listing(status="ERRORED")["data"][0]["meeting"]["id"]

        assert kit.ids(meeting_id=beta_meeting) == [beta]
        assert kit.ids(search="alpha") == [retro, alpha]  # any case, any part of the title
        assert kit.ids(search="REVIEW") == [beta]
        assert kit.ids(search=beta_meeting) == [beta]
        assert kit.ids(search="gamma") == []
        assert kit.ids(search="%") == []  # a character, not a wildcard
        assert kit.ids(search="_") == []
        assert kit.ids(meeting_id=NO_SUCH_ID) == []

    def test_start_and_end_time_bound_the_invoked_time(self, shelf: Shelf) -> None:
        kit, alpha, beta, retro = shelf.kit, shelf.alpha, shelf.beta, shelf.retro

        assert kit.ids(start_time=beta["invoked_time"]) == [retro["id"], beta["id"]]
        assert kit.ids(end_time=beta["invoked_time"]) == [beta["id"], alpha["id"]]
        between = {"start_time": later(alpha["invoked_time"], 1), "end_time": beta["invoked_time"]}
        assert kit.ids(**between) == [beta["id"]]
        offset = at(beta["invoked_time"]).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        assert kit.ids(start_time=offset) == [retro["id"], beta["id"]]

    def test_paging(self, shelf: Shelf) -> None:
        ids = shelf.ids[::-1]

        for page_no, (first, last) in enumerate(((1, 2), (3, 3), (5, 4)), start=1):
            page = shelf.kit.listing(per_page=2, page_no=page_no)
            assert [r["id"] for r in page["data"]] == ids[first - 1 : last]
            assert page["paging"] == {"total_count": 3, "start_offset": first, "end_offset": last}

    def test_only_the_apps_own(self, shelf: Shelf, kit: Kit) -> None:
        assert kit.ids() == []
        assert kit.listing()["paging"]["total_count"] == 0

    def test_expired_after_7_days(self, kit: Kit, live: Live) -> None:
        recording = kit.uploaded(live.meeting_id)
        assert kit.ids(expired=False) == [recording["id"]]
        assert kit.ids(expired=True) == []

        kit.advance(URL_LIFETIME.total_seconds() + 1)

        assert kit.ids(expired=True) == [recording["id"]]
        assert kit.ids(expired=False) == []

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"status": "DONE"}, "status"),
            ({"sort_order": "UP"}, "sort_order"),
            ({"sort_by": "stoppedTime"}, "sort_by"),
            ({"meeting_id": "nope"}, "meeting_id"),
            ({"start_time": "yesterday"}, "start_time"),
            ({"per_page": -1}, "per_page"),
        ],
    )
    def test_bad_query_400_naming_it(self, kit: Kit, params: dict[str, Any], field: str) -> None:
        refused(kit.account.get(f"/{kit.app_id}/recordings", params=params), 400, field)


# -- track recordings --------------------------------------------------------------------


TRACK_FIELDS = {
    "id",
    "meeting_id",
    "type",
    "session_id",
    "status",
    "output_file_name",
    "invoked_time",
    "started_time",
    "stopped_time",
    "recording_duration",
    "file_size",
    "download_url",
    "download_url_expiry",
    "audio_download_url",
}


def track_files(recording: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each layer's files and their URLs, from the array `download_url` (CF-TRACK)."""
    layers = recording["download_url"]
    assert isinstance(layers, list)
    files: dict[str, dict[str, str]] = {}
    for layer in layers:
        assert set(layer) == {"layer_name", "download_urls"}
        urls = layer["download_urls"]
        assert all(set(url) == {"download_url"} for url in urls.values())
        files[layer["layer_name"]] = {name: url["download_url"] for name, url in urls.items()}
    return files


class TestStartTrackRecording:
    @pytest.fixture
    def two(self, kit: Kit, live: Live) -> dict[str, str]:
        """Alice's and Bob's participant ids and peer ids, both in the LIVE session."""
        bob = kit.participant(live.meeting_id, "bob")
        bob_peer = kit.join(live.meeting_id, "bob")["peer_id"]
        participants = kit.call("GET", f"/meetings/{live.meeting_id}/participants")
        alice = next(p["id"] for p in participants if p["custom_participant_id"] == "alice")
        return {
            "alice": alice,
            "alice_peer": live.peer_id,
            "bob": bob,
            "bob_peer": bob_peer,
        }

    def start(self, kit: Kit, meeting_id: str, **body: Any) -> Any:
        return kit.account.post(
            f"/{kit.app_id}/recordings/track", json={"meeting_id": meeting_id, **body}
        )

    def test_starts_invoked_every_field_shown_null_until_it_has_a_value(
        self, kit: Kit, live: Live
    ) -> None:
        response = self.start(kit, live.meeting_id)

        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert set(data) == {"recording"}
        recording = data["recording"]
        assert set(recording) == TRACK_FIELDS
        assert recording["type"] == "TRACK"
        assert recording["status"] == "INVOKED"
        assert recording["meeting_id"] == live.meeting_id
        assert recording["session_id"] == live.session_id
        assert recording["output_file_name"].endswith(".webm")
        for unset in (
            "started_time",
            "stopped_time",
            "file_size",
            "download_url",
            "download_url_expiry",
            "audio_download_url",
        ):
            assert recording[unset] is None, unset
        kit.advance(2)
        got = kit.get(recording["id"])
        assert got["type"] == "TRACK"
        assert got["status"] == "RECORDING"

    def test_a_file_per_peer_each_as_long_as_the_peer_was_recorded(
        self, kit: Kit, live: Live, two: dict[str, str]
    ) -> None:
        started = self.start(kit, live.meeting_id).json()["data"]["recording"]
        invoked_ms = round(at(started["invoked_time"]).timestamp() * 1000)
        kit.advance(2 + 10)
        bob_left = kit.leave(live.meeting_id, two["bob_peer"])["left_at"]
        kit.advance(6)
        kit.act(started["id"], "stop")
        kit.advance(5)

        recording = kit.get(started["id"])

        assert recording["status"] == "UPLOADED"
        files = track_files(recording)
        assert set(files) == {"default"}
        alice_file = f"default_{two['alice']}_{two['alice_peer']}_audio_audio_{invoked_ms}.webm"
        bob_file = f"default_{two['bob']}_{two['bob_peer']}_audio_audio_{invoked_ms}.webm"
        assert set(files["default"]) == {alice_file, bob_file}
        alice = kit.download(files["default"][alice_file])
        bob = kit.download(files["default"][bob_file])
        recorded = recording["started_time"]
        plays_for(alice, seconds_between(recorded, recording["stopped_time"]))  # about 16
        plays_for(bob, seconds_between(recorded, bob_left))  # about 10
        about(seconds_between(recorded, bob_left), 10)
        assert recording["file_size"] == len(alice) + len(bob)
        assert TIMESTAMP.fullmatch(recording["download_url_expiry"])

    def test_each_layer_has_each_peers_file(
        self, kit: Kit, live: Live, two: dict[str, str]
    ) -> None:
        layers = {"mic": {"file_name_prefix": "voice"}, "room": {"media_kind": "audio"}}
        started = self.start(kit, live.meeting_id, layers=layers).json()["data"]["recording"]
        kit.advance(12)
        kit.act(started["id"], "stop")
        kit.advance(5)

        files = track_files(kit.get(started["id"]))

        assert set(files) == {"mic", "room"}
        assert all(name.startswith("voice_") for name in files["mic"])
        assert all(name.startswith("room_") for name in files["room"])
        assert len(files["mic"]) == len(files["room"]) == 2

    @pytest.mark.parametrize(
        ("layers", "prefixes"),
        [
            (
                {"first": {"file_name_prefix": "same"}, "second": {"file_name_prefix": "same"}},
                {"first": "same", "second": "same-2"},
            ),
            ({"a b": {}, "a_b": {}}, {"a b": "a_b", "a_b": "a_b-2"}),  # both made safe as a_b
        ],
    )
    def test_layers_whose_files_would_share_names_get_names_of_their_own(
        self,
        kit: Kit,
        live: Live,
        two: dict[str, str],
        layers: dict[str, Any],
        prefixes: dict[str, str],
    ) -> None:
        started = self.start(kit, live.meeting_id, layers=layers).json()["data"]["recording"]
        kit.advance(12)
        kit.act(started["id"], "stop")
        kit.advance(5)

        recording = kit.get(started["id"])

        assert recording["status"] == "UPLOADED"
        files = track_files(recording)
        assert set(files) == set(layers)
        for layer, prefix in prefixes.items():
            assert all(name.startswith(f"{prefix}_") for name in files[layer])
        names = [name for urls in files.values() for name in urls]
        assert len(names) == len(set(names)) == 2 * len(files)  # alice's and bob's, per layer

    def test_user_ids_choose_whom(self, kit: Kit, live: Live, two: dict[str, str]) -> None:
        started = self.start(kit, live.meeting_id, user_ids=[two["bob"]]).json()["data"]
        recording_id = started["recording"]["id"]
        kit.advance(12)
        kit.act(recording_id, "stop")
        kit.advance(5)

        files = track_files(kit.get(recording_id))

        assert [name.split("_")[1:3] for name in files["default"]] == [
            [two["bob"], two["bob_peer"]]
        ]

    def test_nobody_chosen_in_the_session_ends_errored(self, kit: Kit, live: Live) -> None:
        started = self.start(kit, live.meeting_id, user_ids=["nobody"]).json()["data"]
        recording_id = started["recording"]["id"]
        kit.advance(12)
        kit.act(recording_id, "stop")
        kit.advance(5)

        recording = kit.get(recording_id)

        assert recording["status"] == "ERRORED"
        assert "no peer" in recording["error"]
        assert "download_url" not in recording

    def test_one_track_recording_at_a_time_beside_a_composite_one(
        self, kit: Kit, live: Live, deployment: Deployment
    ) -> None:
        first = self.start(kit, live.meeting_id).json()["data"]["recording"]
        stored = kit.stored(deployment)

        conflict(self.start(kit, live.meeting_id), first["id"])
        assert kit.stored(deployment) == stored

        composite = kit.start(live.meeting_id)  # a composite one may run beside it
        assert composite["status"] == "INVOKED"

    def test_without_a_live_session_400_naming_meeting_id(
        self, kit: Kit, deployment: Deployment
    ) -> None:
        meeting_id = kit.meeting()
        stored = kit.stored(deployment)

        refused(self.start(kit, meeting_id), 400, "meeting_id:")
        refused(self.start(kit, NO_SUCH_ID), 404, "No meeting with id")
        assert kit.stored(deployment) == stored

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"layers": {"default": {"media_kind": "video"}}}, "layers.default.media_kind"),
            ({"user_ids": ["u"] * 101}, "user_ids"),
            ({"user_ids": [""]}, "user_ids"),
            ({"meeting_id": "nope"}, "meeting_id"),
        ],
    )
    def test_bad_input_400_naming_the_field(
        self, kit: Kit, live: Live, deployment: Deployment, body: dict[str, Any], field: str
    ) -> None:
        stored = kit.stored(deployment)

        response = kit.account.post(
            f"/{kit.app_id}/recordings/track", json={"meeting_id": live.meeting_id, **body}
        )

        refused(response, 400, field)

        assert kit.stored(deployment) == stored
