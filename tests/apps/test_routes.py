"""The apps API over HTTP: list, create, get."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support import Account

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


class TestCreateApp:
    def test_returns_the_app_under_data_app(self, account: Account) -> None:
        response = account.post("/apps", json={"name": "my-new-app"})

        assert response.status_code == 201
        body = response.json()
        assert body["success"] is True
        app = body["data"]["app"]
        assert set(app) == {"id", "name", "created_at"}
        assert uuid.UUID(app["id"])
        assert app["name"] == "my-new-app"
        assert TIMESTAMP.fullmatch(app["created_at"])

    def test_name_is_required(self, account: Account) -> None:
        response = account.post("/apps", json={})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "name: is required"
        assert account.get("/apps").json()["paging"]["total_count"] == 0

    def test_name_may_not_be_empty(self, account: Account) -> None:
        response = account.post("/apps", json={"name": ""})

        assert response.status_code == 400
        assert response.json()["error"]["message"].startswith("name: must have at least 1")

    def test_name_must_be_a_string(self, account: Account) -> None:
        response = account.post("/apps", json={"name": 7})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "name: must be a valid string"


class TestGetApp:
    def test_returns_the_app(self, account: Account) -> None:
        app_id = account.create_app("first")

        response = account.get(f"/apps/{app_id}")

        assert response.status_code == 200
        assert response.json()["data"]["id"] == app_id
        assert response.json()["data"]["name"] == "first"

    def test_unknown_app_is_not_found(self, account: Account) -> None:
        response = account.get(f"/apps/{uuid.uuid4()}")

        assert response.status_code == 404
        assert response.json()["error"]["code"] == 404

    def test_an_id_that_is_not_a_uuid_is_not_found(self, account: Account) -> None:
        assert account.get("/apps/my-app-id").status_code == 404

    def test_app_of_another_account_is_not_found(
        self, account: Account, other_account: Account
    ) -> None:
        theirs = other_account.create_app()

        assert account.get(f"/apps/{theirs}").status_code == 404


class TestListApps:
    def test_pages_newest_first_with_offsets(self, account: Account) -> None:
        ids = [account.create_app(f"app-{n}") for n in range(5)]

        page = account.get("/apps", params={"page_no": 2, "per_page": 2}).json()

        assert [a["id"] for a in page["data"]] == [ids[2], ids[1]]
        assert page["paging"] == {"total_count": 5, "start_offset": 3, "end_offset": 4}

    @pytest.mark.parametrize("name", ["page_no", "per_page"])
    def test_paging_starts_at_one(self, account: Account, name: str) -> None:
        # The app list's reference sets a minimum of 1; the other lists read 0 as the default.
        response = account.get("/apps", params={name: 0})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == (
            f"{name}: must be greater than or equal to 1"
        )

    def test_sort_order_asc_is_oldest_first(self, account: Account) -> None:
        ids = [account.create_app(f"app-{n}") for n in range(3)]

        page = account.get("/apps", params={"sort_order": "ASC"}).json()

        assert [a["id"] for a in page["data"]] == ids

    def test_search_matches_part_of_the_name_in_any_case(self, account: Account) -> None:
        account.create_app("Support Desk")
        account.create_app("sales")

        page = account.get("/apps", params={"search": "DESK"}).json()

        assert [a["name"] for a in page["data"]] == ["Support Desk"]
        assert page["paging"]["total_count"] == 1

    def test_lists_only_the_accounts_own_apps(
        self, account: Account, other_account: Account
    ) -> None:
        mine = account.create_app()
        other_account.create_app()

        assert [a["id"] for a in account.get("/apps").json()["data"]] == [mine]

    def test_unknown_sort_order_is_rejected(self, account: Account) -> None:
        response = account.get("/apps", params={"sort_order": "UP"})

        assert response.status_code == 400
        assert response.json()["error"]["message"] == "sort_order: must be 'ASC' or 'DESC'"
