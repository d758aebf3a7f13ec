"""A recording's files copied to the bucket its `storage_config` names (contract A11): an
S3-compatible server (moto's, in server mode, on a local port) receives the very bytes meetd
serves, under the config's `path`; the meeting's storage_config serves a recording started
by the API or by record_on_start; a bucket that cannot be written ends the recording ERRORED
with a reason that names the bucket and no credential; and no answer ever shows the
credentials."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from meetd.deployment import Deployment
from meetd.events.store import events_of_app
from tests.recordings.conftest import Kit, Live
from tests.support import free_port

ACCESS_KEY = "AKIAMEETDTEST7Q2X9ZK4"
SECRET = "meetd-test-secret-5b1e0c7a9f3d4e2b8a6c"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """A local S3-compatible server; its endpoint."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def s3_client(s3: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=s3,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET,
    )


@pytest.fixture
def bucket(s3_client: Any) -> str:
    """A new, empty bucket."""
    name = f"meetd-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


def storage_config(s3: str, bucket: str, **changes: Any) -> dict[str, Any]:
    config = {
        "type": "aws",
        "bucket": bucket,
        "region": REGION,
        "access_key": ACCESS_KEY,
        "secret": SECRET,
        "host": s3,
        "path": "meetd/recs",
    }
    return {**config, **changes}


def stored_object(s3_client: Any, bucket: str, key: str) -> tuple[bytes, str]:
    """An object's bytes and content type."""
    found = s3_client.get_object(Bucket=bucket, Key=key)
    return found["Body"].read(), found["ContentType"]


def keys(s3_client: Any, bucket: str) -> list[str]:
    listed = s3_client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def shows_no_credential(text: str) -> None:
    assert ACCESS_KEY not in text
    assert SECRET not in text
    assert "access_key" not in text
    assert '"secret"' not in text


class TestStartRecording:
    def test_its_files_are_copied_to_the_bucket_byte_for_byte(
        self, kit: Kit, live: Live, s3: str, s3_client: Any, bucket: str
    ) -> None:
        started = kit.start(live.meeting_id, storage_config=storage_config(s3, bucket))
        assert started["storage_config"] == {
            "type": "aws",
            "bucket": bucket,
            "region": REGION,
            "host": s3,
            "path": "meetd/recs",
        }
        kit.advance(2 + 10)
        kit.act(started["id"], "stop")
        assert keys(s3_client, bucket) == []  # not before it is UPLOADED
        kit.advance(5)

        recording = kit.get(started["id"])

        assert recording["status"] == "UPLOADED"
        name = recording["output_file_name"]
        audio_name = name.removesuffix(".mp4") + ".m4a"
        assert keys(s3_client, bucket) == sorted([f"meetd/recs/{name}", f"meetd/recs/{audio_name}"])
        video, video_type = stored_object(s3_client, bucket, f"meetd/recs/{name}")
        assert video == kit.download(recording["download_url"])
        assert len(video) == recording["file_size"]
        assert video_type == "video/mp4"
        audio, audio_type = stored_object(s3_client, bucket, f"meetd/recs/{audio_name}")
        assert audio == kit.download(recording["audio_download_url"])
        assert audio_type == "audio/mp4"

    def test_without_a_path_at_the_buckets_root(
        self, kit: Kit, live: Live, s3: str, s3_client: Any, bucket: str
    ) -> None:
        config = storage_config(s3, bucket)
        del config["path"]
        body: dict[str, Any] = {"storage_config": config, "video_config": {"export_file": False}}

        recording = kit.uploaded(live.meeting_id, **body)

        assert keys(s3_client, bucket) == [recording["output_file_name"]]
        assert stored_object(s3_client, bucket, recording["output_file_name"])[0] == (
            kit.download(recording["download_url"])
        )

    def test_the_meetings_storage_config_serves_an_api_start(
        self, kit: Kit, s3: str, s3_client: Any, bucket: str
    ) -> None:
        live = kit.live(recording_config={"storage_config": storage_config(s3, bucket)})

        recording = kit.uploaded(live.meeting_id)

        key = f"meetd/recs/{recording['output_file_name']}"
        assert key in keys(s3_client, bucket)
        assert stored_object(s3_client, bucket, key)[0] == kit.download(recording["download_url"])

    def test_the_requests_storage_config_wins_over_the_meetings(
        self, kit: Kit, s3: str, s3_client: Any, bucket: str
    ) -> None:
        other = f"meetd-{uuid.uuid4().hex[:12]}"
        s3_client.create_bucket(Bucket=other)
        live = kit.live(recording_config={"storage_config": storage_config(s3, other)})

        recording = kit.uploaded(
            live.meeting_id, storage_config=storage_config(s3, bucket, path="mine")
        )

        assert f"mine/{recording['output_file_name']}" in keys(s3_client, bucket)
        assert keys(s3_client, other) == []

    def test_the_meetings_storage_config_serves_record_on_start(
        self, kit: Kit, s3: str, s3_client: Any, bucket: str
    ) -> None:
        config = {"storage_config": storage_config(s3, bucket, path="auto")}
        live = kit.live(record_on_start=True, recording_config=config)
        (recording_id,) = kit.ids(meeting_id=live.meeting_id)
        kit.advance(2 + 10)
        kit.leave(live.meeting_id, live.peer_id)
        kit.advance(60 + 5)

        recording = kit.get(recording_id)

        assert recording["status"] == "UPLOADED"
        assert recording["start_reason"] == {"reason": "RECORD_ON_START"}
        key = f"auto/{recording['output_file_name']}"
        assert key in keys(s3_client, bucket)
        assert stored_object(s3_client, bucket, key)[0] == kit.download(recording["download_url"])

    def test_storage_meetd_cannot_write_keeps_the_files_on_meetd(
        self, kit: Kit, live: Live
    ) -> None:
        config = {"type": "gcs", "bucket": "elsewhere", "path": "x"}

        recording = kit.uploaded(live.meeting_id, storage_config=config)

        assert recording["storage_config"] == config
        assert kit.download(recording["download_url"])


class TestUploadFails:
    def assert_errored_naming(self, kit: Kit, recording_id: str, bucket: str) -> dict[str, Any]:
        recording = kit.get(recording_id)
        assert recording["status"] == "ERRORED"
        assert bucket in recording["error"]
        shows_no_credential(recording["error"])
        for absent in ("download_url", "audio_download_url", "file_size"):
            assert absent not in recording
        return recording

    def run(self, kit: Kit, meeting_id: str, config: dict[str, Any]) -> str:
        started = kit.start(meeting_id, storage_config=config)
        kit.advance(2 + 10)
        kit.act(started["id"], "stop")
        kit.advance(5)
        return str(started["id"])

    def test_a_bucket_that_does_not_exist(self, kit: Kit, live: Live, s3: str) -> None:
        missing = f"missing-{uuid.uuid4().hex[:12]}"

        recording_id = self.run(kit, live.meeting_id, storage_config(s3, missing))

        self.assert_errored_naming(kit, recording_id, missing)
        assert kit.ids(status="ERRORED") == [recording_id]

    def test_an_unreachable_host(self, kit: Kit, live: Live, bucket: str) -> None:
        nobody = f"http://127.0.0.1:{free_port()}"

        recording_id = self.run(kit, live.meeting_id, storage_config(nobody, bucket))

        self.assert_errored_naming(kit, recording_id, bucket)

    def test_a_credential_in_the_reason_is_hidden(self, kit: Kit, live: Live, s3: str) -> None:
        """An access key that is also the (missing) bucket's name: the reason, which names
        the bucket, must still not show it."""
        echoed = f"meetd-key-{uuid.uuid4().hex[:12]}"
        config = storage_config(s3, echoed, access_key=echoed)

        recording_id = self.run(kit, live.meeting_id, config)

        recording = kit.get(recording_id)
        assert recording["status"] == "ERRORED"
        assert recording["error"]
        assert echoed not in recording["error"]
        assert SECRET not in recording["error"]


class TestCredentials:
    def test_no_answer_and_no_event_shows_them(
        self, kit: Kit, s3: str, bucket: str, deployment: Deployment
    ) -> None:
        live = kit.live(
            record_on_start=True, recording_config={"storage_config": storage_config(s3, bucket)}
        )
        (automatic,) = kit.ids()
        kit.advance(2)
        path = f"/{kit.app_id}/recordings"
        answers = [
            kit.account.post(
                path,
                json={
                    "meeting_id": live.meeting_id,
                    "allow_multiple_recordings": True,
                    "storage_config": storage_config(s3, bucket),
                },
            ),
            kit.account.get(f"{path}/{automatic}"),
            kit.account.get(f"{path}/active-recording/{live.meeting_id}"),
            kit.account.put(f"{path}/{automatic}", json={"action": "pause"}),
            kit.account.put(f"{path}/{automatic}", json={"action": "resume"}),
            kit.account.get(f"/{kit.app_id}/meetings/{live.meeting_id}"),
        ]
        kit.advance(10)
        kit.call("POST", f"/meetings/{live.meeting_id}/active-session/kick-all")
        kit.advance(5)
        answers += [
            kit.account.get(path),
            kit.account.get(path, params={"meeting_id": live.meeting_id, "status": "UPLOADED"}),
            kit.account.get(f"{path}/{automatic}"),
        ]

        assert [answer.status_code for answer in answers] == [200] * len(answers)
        listed = answers[-3].json()["data"]
        assert [r["status"] for r in listed] == ["UPLOADED", "UPLOADED"]
        assert all(r["storage_config"]["bucket"] == bucket for r in listed)
        assert all(r["meeting"]["recording_config"]["storage_config"]["bucket"] for r in listed)
        for answer in answers:
            shows_no_credential(answer.text)
        with deployment.database.engine.connect() as connection:
            bodies = [row["body"] for row in events_of_app(connection, uuid.UUID(kit.app_id))]
        assert any(json.loads(body)["event"] == "recording.statusUpdate" for body in bodies)
        for body in bodies:
            shows_no_credential(body.decode())
