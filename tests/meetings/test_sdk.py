"""The meetings API through the official `cloudflare` SDK, unmodified, over real HTTP."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

from datetime import datetime

import cloudflare
import pytest
from cloudflare import Cloudflare

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
from tests.support import Account, Server

SECRET = "sdk-plain-secret"


@pytest.fixture
def app_id(sdk: Cloudflare, account: Account) -> str:
    app = sdk.realtime_kit.apps.post(account_id=account.id, name="sdk-app").data
    assert app is not None
    assert app.app is not None
    assert app.app.id is not None
    return app.app.id


class TestMeetingsThroughTheSdk:
    def test_create_get_update_replace(
        self, sdk: Cloudflare, account: Account, app_id: str
    ) -> None:
        meetings = sdk.realtime_kit.meetings
        created = meetings.create(
            app_id,
            account_id=account.id,
            title="From the SDK",
            transcribe_on_end=True,
            ai_config={"transcription": {"language": "nl"}},
            recording_config={
                "storage_config": {
                    "type": "aws",
                    "access_key": "AKIA-SDK",
                    "secret": SECRET,
                    "region": "eu-central-1",
                    "bucket": "b",
                }
            },
        ).data
        assert created is not None
        assert created.title == "From the SDK"
        assert created.transcribe_on_end is True
        assert created.session_keep_alive_time_in_secs == 60
        assert created.ai_config is not None
        assert created.ai_config.transcription is not None
        assert created.ai_config.transcription.language == "nl"
        assert isinstance(created.created_at, datetime)

        fetched = meetings.get_meeting_by_id(created.id, account_id=account.id, app_id=app_id)
        assert fetched.data is not None
        assert fetched.data.id == created.id
        assert SECRET not in fetched.to_json()

        updated = meetings.update_meeting_by_id(
            created.id, account_id=account.id, app_id=app_id, status="INACTIVE", persist_chat=True
        ).data
        assert updated is not None
        assert (updated.status, updated.persist_chat, updated.title) == (
            "INACTIVE",
            True,
            "From the SDK",
        )

        replaced = meetings.replace_meeting_by_id(
            created.id, account_id=account.id, app_id=app_id, title="Replaced"
        ).data
        assert replaced is not None
        assert (replaced.title, replaced.persist_chat, replaced.status) == (
            "Replaced",
            False,
            "INACTIVE",
        )
        assert replaced.ai_config is None

    def test_list_with_the_sdks_float_paging_and_datetime_filters(
        self, sdk: Cloudflare, account: Account, app_id: str
    ) -> None:
        meetings = sdk.realtime_kit.meetings
        made = [
            meetings.create(app_id, account_id=account.id, title=f"m{n}").data for n in range(5)
        ]
        first = made[0]
        assert first is not None

        page = meetings.get(
            app_id,
            account_id=account.id,
            page_no=2.0,
            per_page=2.0,
            start_time=first.created_at,
            status="ACTIVE",
        )

        assert page.paging.total_count == 5
        assert (page.paging.start_offset, page.paging.end_offset) == (3, 4)
        assert len(page.data) == 2

    def test_search(self, sdk: Cloudflare, account: Account, app_id: str) -> None:
        meetings = sdk.realtime_kit.meetings
        meetings.create(app_id, account_id=account.id, title="Design review")
        meetings.create(app_id, account_id=account.id, title="Standup")

        page = meetings.get(app_id, account_id=account.id, search="design")

        assert [m.title for m in page.data] == ["Design review"]


class TestErrorsThroughTheSdk:
    def test_bad_input_is_a_bad_request_error_with_errors(
        self, sdk: Cloudflare, account: Account, app_id: str
    ) -> None:
        with pytest.raises(cloudflare.BadRequestError) as raised:
            sdk.realtime_kit.meetings.create(
                app_id, account_id=account.id, session_keep_alive_time_in_secs=5
            )

        assert raised.value.status_code == 400
        assert raised.value.errors[0].code == 400
        assert raised.value.errors[0].message == (
            "session_keep_alive_time_in_secs: must be between 60 and 600"
        )

    def test_unknown_meeting_is_a_not_found_error(
        self, sdk: Cloudflare, account: Account, app_id: str
    ) -> None:
        with pytest.raises(cloudflare.NotFoundError):
            sdk.realtime_kit.meetings.get_meeting_by_id(
                "00000000-0000-4000-8000-000000000000", account_id=account.id, app_id=app_id
            )

    def test_bad_token_is_an_authentication_error(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        with (
            Cloudflare(api_token="wrong", base_url=server.base_url, max_retries=0) as stranger,
            pytest.raises(cloudflare.AuthenticationError) as raised,
        ):
            stranger.realtime_kit.apps.get(account_id=account.id)

        assert raised.value.errors[0].code == 10000

    def test_read_token_writing_is_a_permission_denied_error(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        reader = Cloudflare(api_token=account.read_token, base_url=server.base_url, max_retries=0)

        assert reader.realtime_kit.meetings.get(app_id, account_id=account.id).success
        with pytest.raises(cloudflare.PermissionDeniedError):
            reader.realtime_kit.meetings.create(app_id, account_id=account.id, title="no")

    def test_email_and_key_credentials_work(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        with Cloudflare(
            api_email="dev@example.com",
            api_key=account.token,
            base_url=server.base_url,
            max_retries=0,
        ) as client:
            assert client.realtime_kit.meetings.get(app_id, account_id=account.id).success
