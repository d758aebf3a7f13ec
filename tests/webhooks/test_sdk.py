"""The webhooks API through the official `cloudflare` SDK 5.9.0, unmodified, over real HTTP:
its six webhook methods (the SDK has no method for GET .../webhooks/all), and the errors it
raises for meetd's answers."""

from __future__ import annotations

from datetime import datetime

import cloudflare
import pytest
from cloudflare import Cloudflare

from tests.support import Account
from tests.webhooks.support import Webhooks

URL = "https://example.com/sdk-hook"


class TestWebhooksThroughTheSdk:
    def test_create_list_get_edit_replace_and_delete(
        self, sdk: Cloudflare, account: Account, app_id: str, webhooks: Webhooks
    ) -> None:
        api = sdk.realtime_kit.webhooks

        created = api.create_webhook(
            app_id,
            account_id=account.id,
            name="From the SDK",
            url=URL,
            events=["meeting.started", "meeting.ended"],
        )
        assert created.success is True
        hook = created.data
        assert (hook.name, hook.url, hook.enabled) == ("From the SDK", URL, True)
        assert hook.events == ["meeting.started", "meeting.ended"]
        assert isinstance(hook.created_at, datetime)
        assert hook.updated_at == hook.created_at

        listed = api.get_webhooks(app_id, account_id=account.id)
        assert [w.id for w in listed.data] == [hook.id]

        fetched = api.get_webhook_by_id(hook.id, account_id=account.id, app_id=app_id)
        assert fetched.data is not None
        assert fetched.data.to_dict() == hook.to_dict()

        edited = api.edit_webhook(
            hook.id,
            account_id=account.id,
            app_id=app_id,
            name="Edited",
            events=["meeting.summary"],
        ).data
        assert edited is not None
        assert (edited.name, edited.url, edited.events) == ("Edited", URL, ["meeting.summary"])
        assert edited.enabled is True

        disabled = api.edit_webhook(hook.id, account_id=account.id, app_id=app_id, enabled=False)
        assert disabled.data is not None
        assert disabled.data.enabled is False

        replaced = api.replace_webhook(
            hook.id,
            account_id=account.id,
            app_id=app_id,
            name="Replaced",
            url=f"{URL}/2",
            events=["meeting.participantJoined"],
        ).data
        assert replaced is not None
        assert (replaced.id, replaced.name, replaced.url) == (hook.id, "Replaced", f"{URL}/2")
        assert replaced.events == ["meeting.participantJoined"]
        assert replaced.enabled is True  # a replaced webhook is enabled unless it says not
        assert replaced.created_at == hook.created_at
        assert webhooks.get(hook.id)["name"] == "Replaced"

        deleted = api.delete_webhook(hook.id, account_id=account.id, app_id=app_id).data
        assert deleted is not None
        assert deleted.id == hook.id
        assert deleted.name == "Replaced"
        assert api.get_webhooks(app_id, account_id=account.id).data == []

    def test_errors_are_the_sdks_exceptions(
        self, sdk: Cloudflare, account: Account, app_id: str
    ) -> None:
        api = sdk.realtime_kit.webhooks
        hook = api.create_webhook(
            app_id, account_id=account.id, name="first", url=URL, events=["meeting.started"]
        ).data

        with pytest.raises(cloudflare.ConflictError) as conflict:
            api.create_webhook(
                app_id, account_id=account.id, name="again", url=URL, events=["meeting.ended"]
            )
        with pytest.raises(cloudflare.BadRequestError) as bad:
            api.create_webhook(
                app_id,
                account_id=account.id,
                name="ftp",
                url="ftp://example.com/x",
                events=["meeting.ended"],
            )
        api.delete_webhook(hook.id, account_id=account.id, app_id=app_id)
        with pytest.raises(cloudflare.NotFoundError):
            api.get_webhook_by_id(hook.id, account_id=account.id, app_id=app_id)

        assert hook.id in conflict.value.message
        assert conflict.value.response.headers["x-should-retry"] == "false"
        assert "url" in bad.value.message

    def test_a_read_token_is_refused_a_change(self, sdk: Cloudflare, account: Account) -> None:
        app = sdk.realtime_kit.apps.post(account_id=account.id, name="read").data
        assert app is not None
        assert app.app is not None
        assert app.app.id is not None
        with Cloudflare(
            api_token=account.read_token, base_url=str(sdk.base_url), max_retries=0
        ) as reader:
            assert reader.realtime_kit.webhooks.get_webhooks(app.app.id, account_id=account.id)
            with pytest.raises(cloudflare.PermissionDeniedError):
                reader.realtime_kit.webhooks.create_webhook(
                    app.app.id,
                    account_id=account.id,
                    name="no",
                    url=URL,
                    events=["meeting.started"],
                )
