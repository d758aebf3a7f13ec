"""The official `cloudflare` SDK 5.9.0 against fault rules, over real HTTP: its retries
(429 after Retry-After, 5xx, a timeout) get through a rule that is used up, and give up on
one that is not. A faulted attempt changes nothing, so a retried create makes one meeting."""

from __future__ import annotations

import time
from collections.abc import Iterator

import cloudflare
import pytest
from cloudflare import Cloudflare

from tests.faults.support import add_rule, meetings, rules
from tests.support import Account, Server


@pytest.fixture
def retrying(server: Server, account: Account) -> Iterator[Cloudflare]:
    """The SDK as users have it: two retries (three attempts) by default."""
    with Cloudflare(api_token=account.token, base_url=server.base_url, max_retries=2) as sdk:
        yield sdk


class TestRetries:
    def test_5xx_twice_then_the_create(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        add_rule(account, app_id, path="*/meetings", method="POST", status=503, count=2)
        meeting = retrying.realtime_kit.meetings.create(app_id, account_id=account.id, title="t")
        assert meeting.data is not None
        assert meeting.data.title == "t"
        rule = rules(account, app_id)[0]
        assert (rule["matched"], rule["faulted"]) == (2, 2)
        assert meetings(account, app_id) == 1  # the faulted attempts made none

    def test_429_waits_its_retry_after(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        add_rule(account, app_id, path="*/meetings", status=429, retry_after=1, count=1)
        started = time.monotonic()
        page = retrying.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert time.monotonic() - started >= 1  # the SDK waited as Retry-After said
        assert page.data == []
        assert rules(account, app_id)[0]["faulted"] == 1

    def test_gives_up_after_its_retries(
        self, retrying: Cloudflare, account: Account, app_id: str
    ) -> None:
        add_rule(account, app_id, path="*/meetings", method="POST", status=500)
        with pytest.raises(cloudflare.InternalServerError) as raised:
            retrying.realtime_kit.meetings.create(app_id, account_id=account.id, title="t")
        assert raised.value.status_code == 500
        assert rules(account, app_id)[0]["faulted"] == 3  # the first attempt and two retries
        assert meetings(account, app_id) == 0

    def test_a_timeout_is_retried(self, server: Server, account: Account, app_id: str) -> None:
        add_rule(account, app_id, path="*/meetings", method="GET", latency_ms=1500, count=1)
        with Cloudflare(
            api_token=account.token, base_url=server.base_url, max_retries=1, timeout=0.5
        ) as sdk:
            page = sdk.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert page.data == []
        assert rules(account, app_id)[0]["faulted"] == 1

    def test_without_retries_the_error_is_cloudflares(
        self, server: Server, account: Account, app_id: str
    ) -> None:
        add_rule(account, app_id, path="*/meetings", status=429, retry_after=5)
        with (
            Cloudflare(api_token=account.token, base_url=server.base_url, max_retries=0) as sdk,
            pytest.raises(cloudflare.RateLimitError) as raised,
        ):
            sdk.realtime_kit.meetings.get(app_id, account_id=account.id)
        assert raised.value.response.headers["retry-after"] == "5"
        body = raised.value.body
        assert isinstance(body, dict)
        assert body["errors"][0]["code"] == 971
