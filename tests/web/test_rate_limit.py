"""The per-token rate limit: 429 with Retry-After past it, per token, off by default."""

from __future__ import annotations

import subprocess
import sys
import time

import cloudflare
import pytest
from cloudflare import Cloudflare

from meetd.config import Settings
from meetd.ratelimit import RateLimit, TokenBuckets
from tests.support import SECRET_KEY, Account, ServeProcess, environment

LIMIT = RateLimit(requests=3, seconds=60)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key=SECRET_KEY, rate_limit=LIMIT)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestTokenBuckets:
    def test_a_burst_up_to_the_limit_then_the_wait_until_one_more(self) -> None:
        clock = Clock()
        buckets = TokenBuckets(RateLimit(requests=250, seconds=10), clock=clock)

        assert [buckets.take("t") for _ in range(250)] == [0] * 250
        assert buckets.take("t") == 1  # 25 a second come back: one in 0.04 s, said as 1 s
        clock.now += 0.05
        assert buckets.take("t") == 0
        assert buckets.take("t") == 1

    def test_refills_at_the_rate_and_never_beyond_the_limit(self) -> None:
        clock = Clock()
        buckets = TokenBuckets(RateLimit(requests=2, seconds=60), clock=clock)
        buckets.take("t"), buckets.take("t")

        assert buckets.take("t") == 30
        clock.now += 29.5
        assert buckets.take("t") == 1
        clock.now += 3600
        assert [buckets.take("t") for _ in range(3)] == [0, 0, 30]

    def test_each_key_has_its_own_bucket(self) -> None:
        buckets = TokenBuckets(RateLimit(requests=1, seconds=60), clock=Clock())

        assert [buckets.take("a"), buckets.take("b"), buckets.take("a")] == [0, 0, 60]

    def test_idle_keys_are_forgotten(self) -> None:
        clock = Clock()
        buckets = TokenBuckets(RateLimit(requests=5, seconds=10), clock=clock)
        for n in range(1000):
            buckets.take(f"key-{n}")
        clock.now += 10
        buckets.take("busy")

        assert len(buckets) == 1

    @pytest.mark.parametrize(
        ("text", "limit"),
        [("250/10", RateLimit(250, 10)), (" 1/1 ", RateLimit(1, 1)), ("off", None), ("", None)],
    )
    def test_parse(self, text: str, limit: RateLimit | None) -> None:
        assert RateLimit.parse(text) == limit

    @pytest.mark.parametrize("text", ["250", "0/10", "10/0", "-1/10", "1.5/10", "a/b", "1/2/3"])
    def test_parse_refuses(self, text: str) -> None:
        with pytest.raises(ValueError, match="must be REQUESTS/SECONDS, such as 250/10, or off"):
            RateLimit.parse(text)


class TestOverHttp:
    def test_past_the_limit_a_429_with_retry_after(self, account: Account) -> None:
        answers = [account.get("/apps") for _ in range(LIMIT.requests + 1)]

        assert [a.status_code for a in answers] == [200] * LIMIT.requests + [429]
        refused = answers[-1]
        assert refused.headers["Retry-After"] == "20"
        assert refused.json()["error"] == {
            "code": 971,
            "message": "Too many requests: this API token may make 3 requests in 60 seconds; "
            "retry after 20 seconds",
        }

    def test_writes_count_and_a_refused_one_changes_nothing(
        self, account: Account, app_id: str
    ) -> None:
        # the app's creation took one request
        for _ in range(LIMIT.requests - 1):
            assert account.post(f"/{app_id}/meetings", json={}).status_code == 201

        assert account.post(f"/{app_id}/meetings", json={}).status_code == 429
        assert (
            account.get(f"/{app_id}/meetings", token=account.read_token).json()["paging"][
                "total_count"
            ]
            == LIMIT.requests - 1
        )

    def test_each_token_has_its_own_limit(self, account: Account) -> None:
        for _ in range(LIMIT.requests):
            account.get("/apps")

        assert account.get("/apps").status_code == 429
        assert account.get("/apps", token=account.read_token).status_code == 200

    def test_unknown_tokens_are_refused_as_before(self, account: Account) -> None:
        answers = [account.get("/apps", token="nope") for _ in range(LIMIT.requests + 1)]

        assert {a.status_code for a in answers} == {401}

    def test_the_sdk_sees_a_rate_limit_error(self, sdk: Cloudflare, account: Account) -> None:
        for _ in range(LIMIT.requests):
            sdk.realtime_kit.apps.get(account_id=account.id)

        with pytest.raises(cloudflare.RateLimitError) as raised:
            sdk.realtime_kit.apps.get(account_id=account.id)
        assert raised.value.status_code == 429


def test_the_sdk_waits_as_retry_after_says_and_then_succeeds(database_url: str) -> None:
    with ServeProcess("--database-url", database_url, "--rate-limit", "1/2") as server:
        env = server.exported()
        with Cloudflare(
            api_token=env["CLOUDFLARE_API_TOKEN"], base_url=server.base_url, max_retries=2
        ) as sdk:
            sdk.realtime_kit.apps.get(account_id=env["CLOUDFLARE_ACCOUNT_ID"])
            started = time.monotonic()
            again = sdk.realtime_kit.apps.get(account_id=env["CLOUDFLARE_ACCOUNT_ID"])
            waited = time.monotonic() - started

    assert again.success is True
    assert waited >= 0.9  # Retry-After said 1 or 2 seconds, and the SDK waited them out
    access_log = server.stdout + server.stderr
    assert [line for line in access_log if "/realtime/kit/apps" in line and '" 429' in line]
    assert any("rate limit: 1 request in 2 seconds per API token" in line for line in server.stdout)


def test_off_by_default() -> None:
    assert Settings.from_env({}).rate_limit is None
    assert Settings.from_env({"MEETD_RATE_LIMIT": "250/10"}).rate_limit == RateLimit(250, 10)


def test_a_bad_setting_stops_the_server_with_a_clear_message(empty_database_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "meetd", "serve", "--database-url", empty_database_url],
        capture_output=True,
        text=True,
        env=environment(MEETD_RATE_LIMIT="lots"),
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "meetd: error: MEETD_RATE_LIMIT (or --rate-limit) must be REQUESTS/SECONDS, "
        "such as 250/10, or off: 'lots'"
    )
