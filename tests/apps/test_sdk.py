"""The apps API through the official `cloudflare` SDK, unmodified, over real HTTP."""

from __future__ import annotations

from cloudflare import Cloudflare

from tests.support import Account


class TestAppsThroughTheSdk:
    def test_create_list_and_search(self, sdk: Cloudflare, account: Account) -> None:
        created = sdk.realtime_kit.apps.post(account_id=account.id, name="alpha").data
        sdk.realtime_kit.apps.post(account_id=account.id, name="beta")
        assert created is not None
        assert created.app is not None
        assert created.app.name == "alpha"

        listed = sdk.realtime_kit.apps.get(account_id=account.id, search="alp", per_page=10)

        assert [a.id for a in listed.data or []] == [created.app.id]
        assert listed.paging is not None
        assert listed.paging.total_count == 1
