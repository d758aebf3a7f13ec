"""The presets of the default app the legacy paths create: the account must have no app
before, so each test here has a database of its own (tests/conftest.py), unlike
test_routes.py's."""

from __future__ import annotations

from tests.support import Account


class TestDefaultPresets:
    def test_the_legacy_default_app_has_them_too(self, account: Account) -> None:
        account.client.get(
            f"/client/v4/accounts/{account.id}/realtimekit/meetings",
            headers={"Authorization": f"Bearer {account.token}"},
        )
        default_app = account.get("/apps").json()["data"][0]["id"]

        assert account.get(f"/{default_app}/presets").json()["paging"]["total_count"] == 6
