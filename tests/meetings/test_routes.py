"""The meetings API over HTTP: create, get, PATCH, PUT and list, and every kind of bad input."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from meetd.db.tables import meetings
from meetd.deployment import Deployment
from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
CREDENTIALS = {"access_key": "AKIA-PLAIN-ACCESS", "secret": "plain-secret-value"}
AWS_STORAGE = {"type": "aws", "bucket": "recordings", "region": "us-east-1", **CREDENTIALS}

FULL_MEETING: dict[str, Any] = {
    "title": "Weekly sync",
    "record_on_start": True,
    "live_stream_on_start": True,
    "persist_chat": True,
    "summarize_on_end": True,
    "transcribe_on_end": True,
    "session_keep_alive_time_in_secs": 120,
    "preferred_region": "eu-central-1",
    "ai_config": {
        "transcription": {"keywords": ["meetd"], "language": "de", "profanity_filter": True},
        "summarization": {
            "summary_type": "team_meeting",
            "text_format": "plain_text",
            "word_limit": 300,
        },
    },
    "recording_config": {
        "audio_config": {"codec": "MP3", "channel": "mono", "export_file": False},
        "video_config": {
            "codec": "VP8",
            "width": 1920,
            "height": 1080,
            "export_file": False,
            "watermark": {
                "url": "https://example.com/logo.png",
                "size": {"width": 64, "height": 32},
                "position": "right bottom",
            },
        },
        "file_name_prefix": "weekly",
        "live_streaming_config": {"rtmp_url": "rtmp://live.example.com/app/key"},
        "max_seconds": 3600,
        "realtimekit_bucket_config": {"enabled": False},
        "storage_config": AWS_STORAGE,
    },
}


def public(storage: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in storage.items() if k not in CREDENTIALS}


def create(account: Account, app_id: str, **body: Any) -> dict[str, Any]:
    response = account.post(f"/{app_id}/meetings", json=body)
    assert response.status_code == 201, response.text
    meeting: dict[str, Any] = response.json()["data"]
    return meeting


def stored_credentials(deployment: Deployment, meeting_id: str) -> dict[str, str] | None:
    key = uuid.UUID(meeting_id)
    column = meetings.c.storage_credentials
    with deployment.database.reading() as connection:
        sealed = connection.scalars(select(column).where(meetings.c.id == key)).one()
    if sealed is None:
        return None
    credentials: dict[str, str] = json.loads(deployment.storage_box.open(sealed, context=key.bytes))
    return credentials


class TestCreateMeeting:
    def test_an_empty_body_gets_every_default(self, account: Account, app_id: str) -> None:
        response = account.post(f"/{app_id}/meetings", json={})

        assert response.status_code == 201
        body = response.json()
        assert body["success"] is True
        meeting = body["data"]
        assert uuid.UUID(meeting["id"])
        assert TIMESTAMP.fullmatch(meeting["created_at"])
        assert meeting["updated_at"] == meeting["created_at"]
        assert {
            k: v for k, v in meeting.items() if k not in ("id", "created_at", "updated_at")
        } == {
            "status": "ACTIVE",
            "record_on_start": False,
            "live_stream_on_start": False,
            "persist_chat": False,
            "summarize_on_end": False,
            "transcribe_on_end": False,
            "session_keep_alive_time_in_secs": 60,
        }

    def test_every_field_is_stored_and_returned(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, **FULL_MEETING)

        expected = json.loads(json.dumps(FULL_MEETING))
        expected["recording_config"]["storage_config"] = public(AWS_STORAGE)
        assert {k: meeting[k] for k in expected} == expected
        assert meeting["status"] == "ACTIVE"
        assert account.get(f"/{app_id}/meetings/{meeting['id']}").json()["data"] == meeting

    def test_defaults_fill_sections_that_are_sent(self, account: Account, app_id: str) -> None:
        meeting = create(
            account,
            app_id,
            ai_config={"transcription": {}, "summarization": {}},
            recording_config={"audio_config": {}, "video_config": {"watermark": {}}},
        )

        assert meeting["ai_config"] == {
            "transcription": {"language": "en-US", "profanity_filter": False},
            "summarization": {
                "summary_type": "general",
                "text_format": "markdown",
                "word_limit": 500,
            },
        }
        assert meeting["recording_config"] == {
            "audio_config": {"codec": "AAC", "channel": "stereo", "export_file": True},
            "video_config": {
                "codec": "H264",
                "width": 1280,
                "height": 720,
                "export_file": True,
                "watermark": {"position": "left top"},
            },
        }

    def test_sections_not_sent_stay_absent(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, ai_config={"transcription": {"language": "fr"}})

        assert set(meeting["ai_config"]) == {"transcription"}
        assert "recording_config" not in meeting

    def test_null_means_the_default_where_sdks_may_send_it(
        self, account: Account, app_id: str
    ) -> None:
        meeting = create(
            account, app_id, title=None, record_on_start=None, live_stream_on_start=None
        )

        assert "title" not in meeting
        assert meeting["record_on_start"] is False
        assert meeting["live_stream_on_start"] is False

    def test_unknown_fields_are_ignored(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, title="t", some_future_field={"x": 1})

        assert meeting["title"] == "t"
        assert "some_future_field" not in meeting

    def test_a_fractional_keep_alive_is_a_number(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, session_keep_alive_time_in_secs=90.5)

        assert meeting["session_keep_alive_time_in_secs"] == 90.5

    def test_whole_numbers_come_back_as_integers(self, account: Account, app_id: str) -> None:
        response = account.post(
            f"/{app_id}/meetings",
            json={
                "session_keep_alive_time_in_secs": 120.0,
                "recording_config": {"max_seconds": 60},
            },
        )

        assert '"session_keep_alive_time_in_secs":120,' in response.text
        assert '"max_seconds":60' in response.text

    def test_whole_numbers_may_be_written_with_a_point(self, account: Account, app_id: str) -> None:
        meeting = create(
            account,
            app_id,
            recording_config={"video_config": {"width": 640.0}},
            ai_config={"summarization": {"word_limit": 200.0}},
        )

        assert meeting["recording_config"]["video_config"]["width"] == 640
        assert meeting["ai_config"]["summarization"]["word_limit"] == 200

    def test_storage_credentials_are_sealed_and_never_returned(
        self, account: Account, app_id: str, deployment: Deployment
    ) -> None:
        meeting = create(account, app_id, recording_config={"storage_config": AWS_STORAGE})

        texts = [
            json.dumps(meeting),
            account.get(f"/{app_id}/meetings/{meeting['id']}").text,
            account.get(f"/{app_id}/meetings").text,
        ]
        for text in texts:
            for secret in CREDENTIALS.values():
                assert secret not in text
        assert meeting["recording_config"]["storage_config"] == public(AWS_STORAGE)
        assert stored_credentials(deployment, meeting["id"]) == CREDENTIALS


def bad(body: dict[str, Any], message: str) -> Any:
    return pytest.param(body, message, id=message)


BAD_MEETINGS = [
    bad({"title": 5}, "title: must be a valid string"),
    bad({"title": "x" * 1025}, "title: must have at most 1024 characters"),
    bad({"status": "PAUSED"}, "status: must be 'ACTIVE' or 'INACTIVE'"),
    bad({"persist_chat": "true"}, "persist_chat: must be a valid boolean"),
    bad({"persist_chat": None}, "persist_chat: must be a valid boolean"),
    bad({"summarize_on_end": 1}, "summarize_on_end: must be a valid boolean"),
    bad({"transcribe_on_end": "yes"}, "transcribe_on_end: must be a valid boolean"),
    bad(
        {"session_keep_alive_time_in_secs": 59},
        "session_keep_alive_time_in_secs: must be between 60 and 600",
    ),
    bad(
        {"session_keep_alive_time_in_secs": 601},
        "session_keep_alive_time_in_secs: must be between 60 and 600",
    ),
    bad(
        {"session_keep_alive_time_in_secs": "60"},
        "session_keep_alive_time_in_secs: must be a valid number",
    ),
    bad({"preferred_region": "mars-1"}, "preferred_region: must be 'ap-south-1', "),
    bad({"ai_config": "on"}, "ai_config: must be a JSON object"),
    bad(
        {"ai_config": {"transcription": {"language": "xx"}}},
        "ai_config.transcription.language: must be 'en-US', ",
    ),
    bad(
        {"ai_config": {"transcription": {"keywords": "meetd"}}},
        "ai_config.transcription.keywords: must be a valid list",
    ),
    bad(
        {"ai_config": {"transcription": {"keywords": ["ok", 7]}}},
        "ai_config.transcription.keywords[1]: must be a valid string",
    ),
    bad(
        {"ai_config": {"transcription": {"keywords": ["k"] * 101}}},
        "ai_config.transcription.keywords: must have at most 100 items",
    ),
    bad(
        {"ai_config": {"summarization": {"summary_type": "poem"}}},
        "ai_config.summarization.summary_type: must be 'general', ",
    ),
    bad(
        {"ai_config": {"summarization": {"text_format": "html"}}},
        "ai_config.summarization.text_format: must be 'plain_text' or 'markdown'",
    ),
    bad(
        {"ai_config": {"summarization": {"word_limit": 149}}},
        "ai_config.summarization.word_limit: must be between 150 and 1000",
    ),
    bad(
        {"ai_config": {"summarization": {"word_limit": 1001}}},
        "ai_config.summarization.word_limit: must be between 150 and 1000",
    ),
    bad(
        {"recording_config": {"audio_config": {"codec": "OGG"}}},
        "recording_config.audio_config.codec: must be 'MP3' or 'AAC'",
    ),
    bad(
        {"recording_config": {"audio_config": {"channel": "surround"}}},
        "recording_config.audio_config.channel: must be 'mono' or 'stereo'",
    ),
    bad(
        {"recording_config": {"video_config": {"codec": "AV1"}}},
        "recording_config.video_config.codec: must be 'H264', 'VP8' or 'VP9'",
    ),
    bad(
        {"recording_config": {"video_config": {"width": 0}}},
        "recording_config.video_config.width: must be between 1 and 1920",
    ),
    bad(
        {"recording_config": {"video_config": {"width": 640.5}}},
        "recording_config.video_config.width: must be a whole number",
    ),
    bad(
        {"recording_config": {"video_config": {"height": 1921}}},
        "recording_config.video_config.height: must be between 1 and 1920",
    ),
    bad(
        {"recording_config": {"video_config": {"watermark": {"url": "logo.png"}}}},
        "recording_config.video_config.watermark.url: must be an absolute URI",
    ),
    bad(
        {"recording_config": {"video_config": {"watermark": {"position": "center"}}}},
        "recording_config.video_config.watermark.position: must be 'left top', ",
    ),
    bad(
        {"recording_config": {"video_config": {"watermark": {"size": {"width": 0}}}}},
        "recording_config.video_config.watermark.size.width: must be between 1 and 10000",
    ),
    bad(
        {"recording_config": {"max_seconds": 59}},
        "recording_config.max_seconds: must be between 60 and 86400",
    ),
    bad(
        {"recording_config": {"max_seconds": 86401}},
        "recording_config.max_seconds: must be between 60 and 86400",
    ),
    bad(
        {"recording_config": {"live_streaming_config": {"rtmp_url": "not a url"}}},
        "recording_config.live_streaming_config.rtmp_url: must be an absolute URI",
    ),
    bad(
        {"recording_config": {"realtimekit_bucket_config": {}}},
        "recording_config.realtimekit_bucket_config.enabled: is required",
    ),
    bad(
        {"recording_config": {"storage_config": {"bucket": "b"}}},
        "recording_config.storage_config.type: is required",
    ),
    bad(
        {"recording_config": {"storage_config": {"type": "dropbox"}}},
        "recording_config.storage_config.type: must be 'aws', ",
    ),
    bad(
        {"recording_config": {"storage_config": {"type": "aws", "region": "us-east-1"}}},
        "recording_config.storage_config: access_key is required with type aws",
    ),
    bad(
        {"recording_config": {"storage_config": {"type": "sftp", "auth_method": "KEY"}}},
        "recording_config.storage_config: private_key is required with auth_method KEY",
    ),
    bad(
        {"recording_config": {"storage_config": {"type": "sftp", "auth_method": "TOKEN"}}},
        "recording_config.storage_config.auth_method: must be 'KEY' or 'PASSWORD'",
    ),
    bad(
        {"recording_config": {"storage_config": {"type": "sftp", "password": "p", "port": 0}}},
        "recording_config.storage_config.port: must be between 1 and 65535",
    ),
]


class TestBadInput:
    @pytest.mark.parametrize(("body", "message"), BAD_MEETINGS)
    def test_is_refused_naming_the_field_and_rule(
        self, account: Account, app_id: str, body: dict[str, Any], message: str
    ) -> None:
        response = account.post(f"/{app_id}/meetings", json=body)

        assert response.status_code == 400
        error = response.json()
        assert error["success"] is False
        assert error["error"]["code"] == error["errors"][0]["code"] == 400
        assert error["error"]["message"].startswith(message)
        assert account.get(f"/{app_id}/meetings").json()["paging"]["total_count"] == 0

    @pytest.mark.parametrize(
        "recording_config",
        [
            {"storage_config": {"type": "aws", "access_key": "AKIA-QUOTE-ME-NOT", "region": 5}},
            {"storage_config": {"type": "aws", "access_key": "AKIA-QUOTE-ME-NOT" * 300}},
            {"storage_config": {"type": "sftp", "password": ["AKIA-QUOTE-ME-NOT"]}},
            {"live_streaming_config": {"rtmp_url": "rtmp://u:AKIA-QUOTE-ME-NOT\uff20evil/live"}},
            {"live_streaming_config": {"rtmp_url": "rtmp://[AKIA-QUOTE-ME-NOT/live"}},
        ],
    )
    def test_values_are_never_quoted_in_errors(
        self, account: Account, app_id: str, recording_config: dict[str, Any]
    ) -> None:
        response = account.post(f"/{app_id}/meetings", json={"recording_config": recording_config})

        assert response.status_code == 400
        assert "QUOTE-ME-NOT" not in response.text

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b'{"title": "x"', "body: is not valid JSON"),
            (b"[1, 2]", "body: must be a JSON object"),
            (b"\xff\xfe{}", "body: is not valid JSON"),
            (b"", "body: is required"),
        ],
    )
    def test_a_body_that_is_not_a_json_object(
        self, account: Account, app_id: str, content: bytes, message: str
    ) -> None:
        response = account.post(
            f"/{app_id}/meetings",
            content=content,
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)
        assert account.get(f"/{app_id}/meetings").json()["paging"]["total_count"] == 0

    def test_a_body_that_is_not_json_is_unsupported(self, account: Account, app_id: str) -> None:
        response = account.post(
            f"/{app_id}/meetings", content=b"title=x", headers={"Content-Type": "text/plain"}
        )

        assert response.status_code == 415
        assert response.json()["error"]["message"] == "Content-Type: must be application/json"
        assert account.get(f"/{app_id}/meetings").json()["paging"]["total_count"] == 0

    def test_a_body_over_one_mebibyte_is_too_large(self, account: Account, app_id: str) -> None:
        body = json.dumps({"title": "t", "padding": "x" * (1 << 20)})

        response = account.post(
            f"/{app_id}/meetings", content=body, headers={"Content-Type": "application/json"}
        )

        assert response.status_code == 413
        assert response.json()["error"]["code"] == 413
        assert account.get(f"/{app_id}/meetings").json()["paging"]["total_count"] == 0


class TestGetMeeting:
    def test_unknown_meeting_is_not_found(self, account: Account, app_id: str) -> None:
        missing = uuid.uuid4()

        response = account.get(f"/{app_id}/meetings/{missing}")

        assert response.status_code == 404
        assert response.json()["error"] == {"code": 404, "message": f"No meeting with id {missing}"}

    def test_an_id_that_is_not_a_uuid_is_refused(self, account: Account, app_id: str) -> None:
        response = account.get(f"/{app_id}/meetings/not-a-uuid")

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "meeting_id: must be a valid UUID"

    def test_a_meeting_of_another_app_is_not_found(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id)
        second_app = account.create_app("second")

        assert account.get(f"/{second_app}/meetings/{meeting['id']}").status_code == 404

    def test_an_unknown_app_is_not_found(self, account: Account) -> None:
        response = account.get(f"/{uuid.uuid4()}/meetings")

        assert response.status_code == 404

    def test_an_app_of_another_account_is_not_found(
        self, account: Account, other_account: Account
    ) -> None:
        theirs = other_account.create_app()

        assert account.get(f"/{theirs}/meetings").status_code == 404
        assert account.post(f"/{theirs}/meetings", json={}).status_code == 404
        assert other_account.get(f"/{theirs}/meetings").json()["paging"]["total_count"] == 0


class TestUpdateMeeting:
    def test_changes_only_what_is_sent(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, **FULL_MEETING)

        response = account.patch(f"/{app_id}/meetings/{meeting['id']}", json={"title": "New"})

        assert response.status_code == 200
        updated = response.json()["data"]
        assert updated["title"] == "New"
        unchanged = {k: v for k, v in updated.items() if k not in ("title", "updated_at")}
        assert unchanged == {k: v for k, v in meeting.items() if k not in ("title", "updated_at")}
        assert updated["updated_at"] >= meeting["updated_at"]

    def test_merges_nested_objects_key_by_key(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, **FULL_MEETING)

        patch = {
            "ai_config": {"transcription": {"language": "fr"}},
            "recording_config": {"video_config": {"watermark": {"position": "left top"}}},
        }
        updated = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=patch).json()["data"]

        assert updated["ai_config"]["transcription"] == {
            "keywords": ["meetd"],
            "language": "fr",
            "profanity_filter": True,
        }
        assert updated["ai_config"]["summarization"] == FULL_MEETING["ai_config"]["summarization"]
        watermark = updated["recording_config"]["video_config"]["watermark"]
        assert watermark["position"] == "left top"
        assert watermark["url"] == "https://example.com/logo.png"
        assert updated["recording_config"]["audio_config"]["codec"] == "MP3"

    def test_a_new_section_gets_its_defaults(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id)

        patch = {"ai_config": {"summarization": {"word_limit": 200}}}
        updated = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=patch).json()["data"]

        assert updated["ai_config"] == {
            "summarization": {
                "summary_type": "general",
                "text_format": "markdown",
                "word_limit": 200,
            }
        }

    def test_null_clears_a_nullable_field(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, **FULL_MEETING)

        patch = {
            "title": None,
            "record_on_start": None,
            "recording_config": {"storage_config": None},
        }
        updated = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=patch).json()["data"]

        assert "title" not in updated
        assert updated["record_on_start"] is False
        assert "storage_config" not in updated["recording_config"]

    def test_keeps_credentials_it_is_not_sent(
        self, account: Account, app_id: str, deployment: Deployment
    ) -> None:
        meeting = create(account, app_id, recording_config={"storage_config": AWS_STORAGE})

        # azure needs an access_key too: only the stored one can satisfy that rule
        patch = {"recording_config": {"storage_config": {"type": "azure", "bucket": "other"}}}
        response = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=patch)

        assert response.status_code == 200, response.text
        storage = response.json()["data"]["recording_config"]["storage_config"]
        assert storage == {"type": "azure", "bucket": "other", "region": "us-east-1"}
        assert stored_credentials(deployment, meeting["id"]) == CREDENTIALS

    def test_sets_the_status(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id)

        response = account.patch(f"/{app_id}/meetings/{meeting['id']}", json={"status": "INACTIVE"})

        assert response.json()["data"]["status"] == "INACTIVE"

    def test_a_result_that_breaks_a_rule_is_refused_and_nothing_changes(
        self, account: Account, app_id: str
    ) -> None:
        meeting = create(account, app_id, title="kept")

        patch = {"title": "lost", "recording_config": {"storage_config": {"type": "aws"}}}
        response = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=patch)

        assert response.status_code == 400
        assert response.json()["error"]["message"] == (
            "recording_config.storage_config: access_key is required with type aws"
        )
        assert account.get(f"/{app_id}/meetings/{meeting['id']}").json()["data"] == meeting

    @pytest.mark.parametrize(("body", "message"), BAD_MEETINGS[:12])
    def test_bad_input_is_refused_and_nothing_changes(
        self, account: Account, app_id: str, body: dict[str, Any], message: str
    ) -> None:
        meeting = create(account, app_id, title="kept")

        response = account.patch(f"/{app_id}/meetings/{meeting['id']}", json=body)

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)
        assert account.get(f"/{app_id}/meetings/{meeting['id']}").json()["data"] == meeting


class TestReplaceMeeting:
    def test_the_meeting_becomes_the_body_plus_defaults(
        self, account: Account, app_id: str
    ) -> None:
        meeting = create(account, app_id, **FULL_MEETING)

        response = account.put(f"/{app_id}/meetings/{meeting['id']}", json={"title": "Only"})

        assert response.status_code == 200
        replaced = response.json()["data"]
        assert replaced == {
            "id": meeting["id"],
            "created_at": meeting["created_at"],
            "updated_at": replaced["updated_at"],
            "title": "Only",
            "status": "ACTIVE",
            "record_on_start": False,
            "live_stream_on_start": False,
            "persist_chat": False,
            "summarize_on_end": False,
            "transcribe_on_end": False,
            "session_keep_alive_time_in_secs": 60,
        }

    def test_keeps_the_status_unless_it_is_sent(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id)
        path = f"/{app_id}/meetings/{meeting['id']}"
        account.patch(path, json={"status": "INACTIVE"})

        assert account.put(path, json={"title": "a"}).json()["data"]["status"] == "INACTIVE"
        assert account.put(path, json={"status": "ACTIVE"}).json()["data"]["status"] == "ACTIVE"

    def test_credentials_left_out_are_dropped(
        self, account: Account, app_id: str, deployment: Deployment
    ) -> None:
        meeting = create(account, app_id, recording_config={"storage_config": AWS_STORAGE})

        body = {"recording_config": {"storage_config": {"type": "gcs", "bucket": "b"}}}
        response = account.put(f"/{app_id}/meetings/{meeting['id']}", json=body)

        assert response.status_code == 200
        assert stored_credentials(deployment, meeting["id"]) is None

    def test_bad_input_is_refused_and_nothing_changes(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, title="kept")

        response = account.put(f"/{app_id}/meetings/{meeting['id']}", json={"status": "GONE"})

        assert response.status_code == 400
        assert account.get(f"/{app_id}/meetings/{meeting['id']}").json()["data"] == meeting


class TestListMeetings:
    @pytest.fixture
    def meetings(self, account: Account, app_id: str) -> list[dict[str, Any]]:
        """25 meetings, newest first."""
        made = [create(account, app_id, title=f"Meeting {n:02d}") for n in range(25)]
        return list(reversed(made))

    def page(self, account: Account, app_id: str, **params: Any) -> dict[str, Any]:
        response = account.get(f"/{app_id}/meetings", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def test_first_page_is_the_newest_twenty(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        page = self.page(account, app_id)

        assert [m["id"] for m in page["data"]] == [m["id"] for m in meetings[:20]]
        assert page["paging"] == {"total_count": 25, "start_offset": 1, "end_offset": 20}

    @pytest.mark.parametrize(("page_no", "first", "last"), [(1, 1, 10), (2, 11, 20), (3, 21, 25)])
    def test_pages_have_one_based_inclusive_offsets(
        self,
        account: Account,
        app_id: str,
        meetings: list[dict[str, Any]],
        page_no: int,
        first: int,
        last: int,
    ) -> None:
        page = self.page(account, app_id, page_no=page_no, per_page=10)

        assert [m["id"] for m in page["data"]] == [m["id"] for m in meetings[first - 1 : last]]
        assert page["paging"] == {"total_count": 25, "start_offset": first, "end_offset": last}

    def test_past_the_last_page_is_empty(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        page = self.page(account, app_id, page_no=4, per_page=10)

        assert page["data"] == []
        assert page["paging"] == {"total_count": 25, "start_offset": 31, "end_offset": 30}

    def test_numbers_as_the_python_sdk_sends_them(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        page = self.page(account, app_id, page_no="2.0", per_page="5.0")

        assert page["paging"] == {"total_count": 25, "start_offset": 6, "end_offset": 10}

    def test_page_zero_is_page_one_and_per_page_zero_the_default(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        page = self.page(account, app_id, page_no=0, per_page=0)

        assert page["paging"] == {"total_count": 25, "start_offset": 1, "end_offset": 20}

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"per_page": 101}, "per_page: must be less than or equal to 100"),
            ({"page_no": -1}, "page_no: must be greater than or equal to 0"),
            ({"page_no": "2.5"}, "page_no: must be a whole number"),
            ({"status": "OPEN"}, "status: must be 'ACTIVE' or 'INACTIVE'"),
            ({"start_time": "yesterday"}, "start_time: must be an ISO 8601 date-time"),
            ({"start_time": "0.5"}, "start_time: must be an ISO 8601 date-time"),
        ],
    )
    def test_bad_parameters_are_refused(
        self, account: Account, app_id: str, params: dict[str, Any], message: str
    ) -> None:
        response = account.get(f"/{app_id}/meetings", params=params)

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith(message)

    def test_list_items_leave_out_ai_config_and_credentials(
        self, account: Account, app_id: str
    ) -> None:
        create(account, app_id, **FULL_MEETING)

        item = self.page(account, app_id)["data"][0]

        assert "ai_config" not in item
        assert item["recording_config"]["storage_config"] == public(AWS_STORAGE)

    def test_search_finds_the_exact_id(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        page = self.page(account, app_id, search=meetings[7]["id"])

        assert [m["id"] for m in page["data"]] == [meetings[7]["id"]]

    def test_search_finds_part_of_the_title_in_any_case(
        self, account: Account, app_id: str
    ) -> None:
        wanted = create(account, app_id, title="Quarterly Planning")
        create(account, app_id, title="Standup")

        page = self.page(account, app_id, search="PLAN")

        assert [m["id"] for m in page["data"]] == [wanted["id"]]
        assert page["paging"]["total_count"] == 1

    @pytest.mark.parametrize("term", ["100%", "a_b", "back\\slash"])
    def test_search_matches_wildcards_literally(
        self, account: Account, app_id: str, term: str
    ) -> None:
        wanted = create(account, app_id, title=f"x {term} y")
        create(account, app_id, title="100 percent, axb, back/slash")

        page = self.page(account, app_id, search=term)

        assert [m["id"] for m in page["data"]] == [wanted["id"]]

    def test_search_with_a_term_shorter_than_three_characters(
        self, account: Account, app_id: str
    ) -> None:
        wanted = create(account, app_id, title="Q3 review")
        create(account, app_id, title="Standup")

        page = self.page(account, app_id, search="q3")

        assert [m["id"] for m in page["data"]] == [wanted["id"]]

    def test_search_follows_title_changes(self, account: Account, app_id: str) -> None:
        meeting = create(account, app_id, title="Old name")
        path = f"/{app_id}/meetings/{meeting['id']}"

        account.patch(path, json={"title": "Renamed board"})
        assert self.page(account, app_id, search="old name")["data"] == []
        assert len(self.page(account, app_id, search="renamed")["data"]) == 1

        account.put(path, json={})  # no title at all
        assert self.page(account, app_id, search="renamed")["data"] == []

    def test_time_window_bounds_are_inclusive(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        start, end = meetings[15]["created_at"], meetings[5]["created_at"]

        page = self.page(account, app_id, start_time=start, end_time=end, per_page=100)

        expected = [m["id"] for m in meetings if start <= m["created_at"] <= end]
        assert [m["id"] for m in page["data"]] == expected
        assert {meetings[5]["id"], meetings[15]["id"]} <= set(expected)

    def test_time_window_accepts_an_offset(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        start = meetings[0]["created_at"].replace("Z", "+00:00")

        page = self.page(account, app_id, start_time=start)

        assert meetings[0]["id"] in [m["id"] for m in page["data"]]

    def test_status_filters_exactly(
        self, account: Account, app_id: str, meetings: list[dict[str, Any]]
    ) -> None:
        for meeting in meetings[:3]:
            account.patch(f"/{app_id}/meetings/{meeting['id']}", json={"status": "INACTIVE"})

        inactive = self.page(account, app_id, status="INACTIVE")
        active = self.page(account, app_id, status="ACTIVE")

        assert {m["id"] for m in inactive["data"]} == {m["id"] for m in meetings[:3]}
        assert active["paging"]["total_count"] == 22
