"""The official `cloudflare` SDK 5.9.0 against fault rules, over real HTTP: its retries
(429 after Retry-After, 5xx, a timeout) get through a rule that is used up, and give up on
one that is not. A faulted attempt changes nothing, so a retried create makes one meeting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import cloudflare
import pytest
from cloudflare import Cloudflare

from tests.support import Account, Server


@pytest.fixture
def retrying(server: Server, account: Account) -> Iterator[Cloudflare]:
    """The SDK as users have it: two retries (three attempts) by default."""
    with Cloudflare(api_token=account.token, base_url=server.base_url, max_retries=2) as sdk:
        yield sdk


def _add(account: Account, app_id: str, **rule: Any) -> dict[str, Any]:
    response = account.post(f"/{app_id}/simulate/faults", json=rule)
    assert response.status_code == 201, response.text
    added: dict[str, Any] = response.json()["data"]
    return added


def _rule(account: Account, app_id: str) -> dict[str, Any]:
    rule: dict[str, Any] = account.get(f"/{app_id}/simulate/faults").json()["data"][0]
    return rule


def _meetings(account: Account, app_id: str) -> int:
    total: int = account.get(f"/{app_id}/meetings").json()["paging"]["total_count"]
    return total


class TestRetries:
    def test_5xx_twice_then_the_create(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        _add(account, app_id, path="*/meetings", method="POST", status=503, count=2)
        meeting = retrying.realtime_kit.meetings.create(app_id, account_id=account.id, title="t")
        assert meeting.data is not None
        assert meeting.data.title == "t"
        rule = _rule(account, app_id)
        assert (rule["matched"], rule["faulted"]) == (2, 2)
        assert _meetings(account, app_id) == 1  # the faulted attempts made none

    def test_429_waits_its_retry_after(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        _add(account, app_id, path="*/meetings", status=429, retry_after=1, count=1)
        started = time.monotonic()
        page = retrying.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert time.monotonic() - started >= 1  # the SDK waited as Retry-After said
        assert page.data == []
        assert _rule(account, app_id)["faulted"] == 1

    def test_gives_up_after_its_retries(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        _add(account, app_id, path="*/meetings", method="POST", status=500)
        with pytest.raises(cloudflare.InternalServerError) as raised:
            retrying.realtime_kit.meetings.create(app_id, account_id=account.id, title="t")
        assert raised.value.status_code == 500
        assert _rule(account, app_id)["faulted"] == 3  # the first attempt and two retries
        assert _meetings(account, app_id) == 0

    def test_a_timeout_is_retried(self, server: Server, account: Account, app_id: str) -> None:
        _add(account, app_id, path="*/meetings", method="GET", latency_ms=1500, count=1)
        with Cloudflare(
            api_token=account.token, base_url=server.base_url, max_retries=1, timeout=0.5
        ) as sdk:
            page = sdk.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert page.data == []
        assert _rule(account, app_id)["faulted"] == 1

    def test_without_retries_the_error_is_cloudflares(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        _add(account, app_id, path="*/meetings", status=429, retry_after=5)
        with (
            Cloudflare(api_token=account.token, base_url=server.base_url, max_retries=0) as sdk,
            pytest.raises(cloudflare.RateLimitError) as raised,
        ):
            sdk.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert raised.value.response.headers["retry-after"] == "5"
        body = raised.value.body
        assert isinstance(body, dict)
        assert body["errors"][0]["code"] == 971
