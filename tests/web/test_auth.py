"""Authentication and authorisation (contract A2): who may call what."""

# A database and an application serve this whole module (tests/module_scope.py): each test
# works in an app of its own. Its tests take the fixtures imported below by name.

from __future__ import annotations

from typing import Any

import pytest

from tests.module_scope import *  # noqa: F403 (the fixtures, found by name)
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


@pytest.fixture
def world(account: Account, app_id: str) -> dict[str, str]:
    """One of everything, to aim requests at."""
    meeting = account.post(f"/{app_id}/meetings", json={"title": "t"}).json()["data"]["id"]
    participant = account.post(
        f"/{app_id}/meetings/{meeting}/participants",
        json={"custom_participant_id": "ann", "preset_name": "group_call_host"},
    ).json()["data"]["id"]
    preset = account.get(f"/{app_id}/presets").json()["data"][0]["id"]
    legacy_meeting = account.client.post(
        f"/client/v4/accounts/{account.id}/realtimekit/meetings",
        json={},
        headers={"Authorization": f"Bearer {account.token}"},
    ).json()["data"]["id"]
    return {
        "app": app_id,
        "meeting": meeting,
        "participant": participant,
        "preset": preset,
        "legacy_meeting": legacy_meeting,
    }


# Every route that changes something, relative to /accounts/{account_id}.
WRITES = [
    ("POST", "/realtime/kit/apps"),
    ("POST", "/realtime/kit/{app}/meetings"),
    ("PATCH", "/realtime/kit/{app}/meetings/{meeting}"),
    ("PUT", "/realtime/kit/{app}/meetings/{meeting}"),
    ("POST", "/realtime/kit/{app}/meetings/{meeting}/participants"),
    ("PATCH", "/realtime/kit/{app}/meetings/{meeting}/participants/{participant}"),
    ("PUT", "/realtime/kit/{app}/meetings/{meeting}/participants/{participant}"),
    ("DELETE", "/realtime/kit/{app}/meetings/{meeting}/participants/{participant}"),
    ("POST", "/realtime/kit/{app}/meetings/{meeting}/participants/{participant}/token"),
    ("POST", "/realtime/kit/{app}/presets"),
    ("PATCH", "/realtime/kit/{app}/presets/{preset}"),
    ("PUT", "/realtime/kit/{app}/presets/{preset}"),
    ("DELETE", "/realtime/kit/{app}/presets/{preset}"),
    ("POST", "/realtimekit/meetings"),
    ("PATCH", "/realtimekit/meetings/{legacy_meeting}"),
    ("PUT", "/realtimekit/meetings/{legacy_meeting}"),
    ("POST", "/realtimekit/meetings/{legacy_meeting}/participants"),
]
READS = [
    "/realtime/kit/apps",
    "/realtime/kit/apps/{app}",
    "/realtime/kit/{app}/meetings",
    "/realtime/kit/{app}/meetings/{meeting}",
    "/realtime/kit/{app}/meetings/{meeting}/participants",
    "/realtime/kit/{app}/meetings/{meeting}/participants/{participant}",
    "/realtime/kit/{app}/presets",
    "/realtime/kit/{app}/presets/{preset}",
    "/realtimekit/meetings",
    "/realtimekit/meetings/{legacy_meeting}",
]
BODY = {"name": "x", "title": "changed", "custom_participant_id": "x", "preset_name": "x"}


def snapshot(account: Account, world: dict[str, str]) -> list[Any]:
    """Everything a write could have changed."""
    return [
        account.client.get(
            f"/client/v4/accounts/{account.id}{path.format(**world)}",
            headers={"Authorization": f"Bearer {account.token}"},
        ).json()
        for path in READS
    ]


class TestAccountIsolation:
    @pytest.mark.parametrize(("method", "path"), [*WRITES, *(("GET", path) for path in READS)])
    def test_a_token_of_another_account_is_403(
        self,
        account: Account,
        other_account: Account,
        world: dict[str, str],
        method: str,
        path: str,
    ) -> None:
        before = snapshot(account, world)

        response = account.client.request(
            method,
            f"/client/v4/accounts/{account.id}{path.format(**world)}",
            headers={"Authorization": f"Bearer {other_account.token}"},
            json=BODY,
        )

        assert_auth_error(response, 403)
        assert snapshot(account, world) == before


class TestReadScope:
    @pytest.mark.parametrize("path", READS)
    def test_reads_are_allowed(self, account: Account, world: dict[str, str], path: str) -> None:
        response = account.client.get(
            f"/client/v4/accounts/{account.id}{path.format(**world)}",
            headers={"Authorization": f"Bearer {account.read_token}"},
        )

        assert response.status_code == 200

    @pytest.mark.parametrize(("method", "path"), WRITES)
    def test_every_write_is_403(
        self, account: Account, world: dict[str, str], method: str, path: str
    ) -> None:
        before = snapshot(account, world)

        response = account.client.request(
            method,
            f"/client/v4/accounts/{account.id}{path.format(**world)}",
            headers={"Authorization": f"Bearer {account.read_token}"},
            json=BODY,
        )

        assert_auth_error(response, 403)
        assert snapshot(account, world) == before
