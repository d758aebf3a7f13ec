"""A recorded meeting from end to end, on the app clock (contract A11, A10): record_on_start
starts a recording when the first peer joins; it records, pauses, resumes; the session's end
stops it; it uploads; its file downloads and plays as long as it recorded; and a webhook
receiver that verifies each delivery as RealtimeKit's docs show gets a
`recording.statusUpdate` for every status, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from meetd.recordings.media import duration_of
from tests.recordings.conftest import Kit, about, path_of
from tests.support import Account, Server
from tests.webhooks.support import Receiver, Webhooks, until

STATUSES = ["INVOKED", "RECORDING", "PAUSED", "RECORDING", "UPLOADING", "UPLOADED"]
EVENTS = ["recording.statusUpdate", "meeting.started", "meeting.ended"]


@pytest.fixture
def receiver(server: Server) -> Iterator[Receiver]:
    """A receiver that trusts the key meetd's real server publishes."""
    with Receiver() as receiver:
        receiver.trust(server.base_url.removesuffix("/client/v4"))
        yield receiver


@pytest.fixture
def webhooks(account: Account, app_id: str) -> Iterator[Webhooks]:
    """The test's app's webhooks; deleted at its end, with what they still had to send."""
    webhooks = Webhooks(account, app_id)
    yield webhooks
    webhooks.delete_all()


def recording_events(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """The first `count` recording.statusUpdate payloads received, each verified."""

    def received() -> list[dict[str, Any]]:
        return [r.payload for r in receiver.received() if r.event == "recording.statusUpdate"]

    until(lambda: len(received()) >= count, what=f"{count} recording events")
    assert all(r.verified for r in receiver.received()), receiver.received()
    return received()[:count]


class TestARecordedMeeting:
    def test_record_pause_resume_end_upload_download_and_every_status_sent(
        self, kit: Kit, webhooks: Webhooks, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url(), events=EVENTS)
        meeting_id = kit.meeting(title="Weekly sync", record_on_start=True)
        kit.participant(meeting_id, "alice")

        joined = kit.join(meeting_id, "alice")
        session_id = joined["session_id"]
        (started,) = kit.listing(meeting_id=meeting_id)["data"]
        assert started["status"] == "INVOKED"
        assert started["start_reason"] == {"reason": "RECORD_ON_START"}
        recording_id = started["id"]

        kit.advance(2)
        assert kit.get(recording_id)["status"] == "RECORDING"
        kit.advance(10)
        assert kit.act(recording_id, "pause")["status"] == "PAUSED"
        kit.advance(20)
        assert kit.act(recording_id, "resume")["status"] == "RECORDING"
        kit.advance(10)
        kit.leave(meeting_id, joined["peer_id"])
        kit.advance(59)
        assert kit.get(recording_id)["status"] == "RECORDING"
        kit.advance(1)
        assert kit.session(session_id)["status"] == "ENDED"
        stopped = kit.get(recording_id)
        assert stopped["status"] == "UPLOADING"
        assert stopped["stop_reason"]["reason"] == "ALL_PEERS_LEFT"
        kit.advance(5)

        recording = kit.get(recording_id)
        assert recording["status"] == "UPLOADED"
        about(recording["recording_duration"], 10 + 10 + 60)  # the pause left out
        content = kit.download(recording["download_url"])
        assert len(content) == recording["file_size"]
        assert abs(duration_of(content) - recording["recording_duration"]) <= 1

        events = recording_events(receiver, len(STATUSES))
        assert [event["recording"]["status"] for event in events] == STATUSES
        for event in events:
            sent = event["recording"]
            assert sent["id"] == sent["recordingId"] == recording_id
            assert sent["roomUUID"] == session_id
            assert sent["meetingId"] == meeting_id
            assert sent["outputFileName"] == recording["output_file_name"]
            assert event["meeting"]["id"] == meeting_id
            assert event["meeting"]["sessionId"] == session_id
            assert event["meeting"]["title"] == "Weekly sync"
        uploading, uploaded = events[-2]["recording"], events[-1]["recording"]
        assert uploading["stopReason"]["reason"] == "ALL_PEERS_LEFT"
        assert "downloadUrl" not in uploading
        assert uploaded["fileSize"] == str(recording["file_size"])  # a string, as CF-WH shows
        assert uploaded["recordingDuration"] == recording["recording_duration"]
        assert kit.download(uploaded["downloadUrl"]) == content
        assert path_of(uploaded["audioDownloadUrl"])
        assert uploaded["downloadUrlExpiry"]
        assert uploaded["stoppedTime"] == recording["stopped_time"]
        kinds = [r.event for r in receiver.wait_for(len(STATUSES) + 2)]
        assert kinds.count("meeting.started") == kinds.count("meeting.ended") == 1
        assert kinds.index("meeting.started") < kinds.index("recording.statusUpdate")

        # Analytics count the minutes: the session's (alice was in it 42 s), the recording's.
        analytics = kit.account.get(f"/{kit.app_id}/analytics/daywise").json()["data"]
        sessions, recordings = analytics["session_stats"], analytics["recording_stats"]
        assert sessions["sessions_count"] == 1
        assert sessions["sessions_minutes_consumed"] == kit.session(session_id)["minutes_consumed"]
        # (the real clock runs on between requests: a busy machine adds a second or two)
        assert abs(sessions["sessions_minutes_consumed"] - 42 / 60) < 3 / 60
        assert recordings["recording_count"] == 1
        recorded_minutes = recording["recording_duration"] / 60
        assert abs(recordings["recording_minutes_consumed"] - recorded_minutes) < 1 / 60
        (day,) = recordings["day_stats"]
        assert day["total_recordings"] == 1
        assert day["total_recording_minutes"] == round(recorded_minutes)

    def test_an_errored_recording_says_why(
        self, kit: Kit, webhooks: Webhooks, receiver: Receiver
    ) -> None:
        webhooks.create(receiver.url(), events=["recording.statusUpdate"])
        live = kit.live()
        started = kit.start(live.meeting_id)
        kit.advance(2 + 3)
        kit.act(started["id"], "stop")
        kit.advance(5)

        events = recording_events(receiver, 4)

        assert [e["recording"]["status"] for e in events] == [
            "INVOKED",
            "RECORDING",
            "UPLOADING",
            "ERRORED",
        ]
        errored = events[-1]["recording"]
        assert errored["error"] == kit.get(started["id"])["error"]
        assert "downloadUrl" not in errored
        assert "fileSize" not in errored
