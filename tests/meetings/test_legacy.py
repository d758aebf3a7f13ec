"""The legacy paths of seed 004, aliases of the meetings API on the default app (contract A4)."""

from __future__ import annotations

from typing import Any

from tests.support import Account


def legacy(account: Account, method: str, path: str = "", **kwargs: Any) -> Any:
    return account.client.request(
        method,
        f"/client/v4/accounts/{account.id}/realtimekit/meetings{path}",
        headers={"Authorization": f"Bearer {account.token}"},
        **kwargs,
    )


class TestDefaultApp:
    def test_first_use_creates_an_app_named_default(self, account: Account) -> None:
        response = legacy(account, "GET")

        assert response.status_code == 200
        assert response.json()["data"] == []
        apps = account.get("/apps").json()["data"]
        assert [a["name"] for a in apps] == ["default"]
        legacy(account, "GET")
        assert account.get("/apps").json()["paging"]["total_count"] == 1

    def test_is_the_oldest_app_of_the_account(self, account: Account) -> None:
        oldest = account.create_app("first")
        account.create_app("second")

        meeting = legacy(account, "POST", json={"title": "legacy"}).json()["data"]

        assert account.get(f"/{oldest}/meetings/{meeting['id']}").status_code == 200
        assert account.get("/apps").json()["paging"]["total_count"] == 2


class TestLegacyMeetings:
    def test_every_operation_works_on_the_default_app(self, account: Account) -> None:
        created = legacy(account, "POST", json={"title": "a", "preferred_region": "us-east-1"})
        assert created.status_code == 201
        meeting = created.json()["data"]
        assert meeting["preferred_region"] == "us-east-1"
        path = f"/{meeting['id']}"

        assert legacy(account, "GET", path).json()["data"] == meeting
        patched = legacy(account, "PATCH", path, json={"persist_chat": True}).json()["data"]
        assert patched["persist_chat"] is True
        assert patched["title"] == "a"
        replaced = legacy(account, "PUT", path, json={"title": "b"}).json()["data"]
        assert replaced["persist_chat"] is False
        assert replaced["title"] == "b"
        listed = legacy(account, "GET").json()
        assert [m["id"] for m in listed["data"]] == [meeting["id"]]

    def test_a_meeting_of_another_app_is_not_found(self, account: Account) -> None:
        account.create_app("default-by-age")
        newer = account.create_app("newer")
        meeting = account.post(f"/{newer}/meetings", json={}).json()["data"]

        assert legacy(account, "GET", f"/{meeting['id']}").status_code == 404
        assert legacy(account, "PATCH", f"/{meeting['id']}", json={"title": "x"}).status_code == 404

    def test_needs_a_token_of_the_account(self, account: Account, other_account: Account) -> None:
        response = account.client.get(
            f"/client/v4/accounts/{other_account.id}/realtimekit/meetings",
            headers={"Authorization": f"Bearer {account.token}"},
        )

        assert response.status_code == 403
        assert other_account.get("/apps").json()["paging"]["total_count"] == 0
