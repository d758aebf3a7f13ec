"""Authentication and authorisation (contract A2): who may call what."""

from __future__ import annotations

import pytest

from tests.support import Account


def assert_auth_error(response: object, status: int) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["success"] is False
    assert body["error"]["code"] == body["errors"][0]["code"] == 10000
    assert body["error"]["message"].startswith("Authentication error")
    assert body["messages"] == []


class TestAuthentication:
    def test_no_token_is_401(self, account: Account) -> None:
        response = account.client.get(f"{account.kit}/apps")

        assert_auth_error(response, 401)

    def test_an_unknown_token_is_401(self, account: Account) -> None:
        assert_auth_error(account.get("/apps", token="not-a-token"), 401)

    def test_a_scheme_other_than_bearer_is_401(self, account: Account) -> None:
        response = account.client.get(
            f"{account.kit}/apps", headers={"Authorization": f"Basic {account.token}"}
        )

        assert_auth_error(response, 401)

    def test_x_auth_key_with_email_is_accepted(self, account: Account) -> None:
        headers = {"X-Auth-Email": "dev@example.com", "X-Auth-Key": account.token}

        response = account.client.get(f"{account.kit}/apps", headers=headers)

        assert response.status_code == 200

    def test_credentials_are_checked_before_the_body(self, account: Account, app_id: str) -> None:
        response = account.client.post(
            f"{account.kit}/{app_id}/meetings", json={"status": "nonsense"}
        )

        assert_auth_error(response, 401)


class TestAccountIsolation:
    @pytest.fixture
    def their_app(self, other_account: Account) -> str:
        return other_account.create_app("theirs")

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/apps"),
            ("POST", "/apps"),
            ("GET", "/apps/{app}"),
            ("GET", "/{app}/meetings"),
            ("POST", "/{app}/meetings"),
            ("GET", "/{app}/meetings/{meeting}"),
            ("PATCH", "/{app}/meetings/{meeting}"),
            ("PUT", "/{app}/meetings/{meeting}"),
        ],
    )
    def test_a_token_of_another_account_is_403(
        self,
        account: Account,
        other_account: Account,
        their_app: str,
        method: str,
        path: str,
    ) -> None:
        meeting = other_account.post(f"/{their_app}/meetings", json={"title": "t"}).json()["data"]

        response = account.client.request(
            method,
            other_account.kit + path.format(app=their_app, meeting=meeting["id"]),
            headers={"Authorization": f"Bearer {account.token}"},
            json={"name": "x", "title": "changed"},
        )

        assert_auth_error(response, 403)
        unchanged = other_account.get(f"/{their_app}/meetings/{meeting['id']}").json()["data"]
        assert unchanged == meeting
        assert other_account.get("/apps").json()["paging"]["total_count"] == 1


class TestReadScope:
    def test_reads_are_allowed(self, account: Account, app_id: str) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={}).json()["data"]

        for path in (
            "/apps",
            f"/apps/{app_id}",
            f"/{app_id}/meetings",
            f"/{app_id}/meetings/{meeting['id']}",
        ):
            assert account.get(path, token=account.read_token).status_code == 200

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", "/apps"),
            ("POST", "/{app}/meetings"),
            ("PATCH", "/{app}/meetings/{meeting}"),
            ("PUT", "/{app}/meetings/{meeting}"),
        ],
    )
    def test_every_write_is_403(
        self, account: Account, app_id: str, method: str, path: str
    ) -> None:
        meeting = account.post(f"/{app_id}/meetings", json={"title": "t"}).json()["data"]

        response = account.request(
            method,
            path.format(app=app_id, meeting=meeting["id"]),
            token=account.read_token,
            json={"name": "x", "title": "changed"},
        )

        assert_auth_error(response, 403)
        assert account.get(f"/{app_id}/meetings/{meeting['id']}").json()["data"] == meeting
        assert account.get("/apps").json()["paging"]["total_count"] == 1
