"""The per-token rate limit: a token bucket per API token, in this process's memory.

Each process counts on its own, so a deployment of N processes lets a token make up to N
times the limit (docs/security.md). Off unless configured (MEETD_RATE_LIMIT).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

_FORM = re.compile(r"(\d{1,9})/(\d{1,9})")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` in any `seconds`, with bursts up to `requests`."""

    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> RateLimit | None:
        """`250/10` is 250 requests per 10 seconds; `off` (or nothing) is no limit."""
        if text.strip().lower() in ("", "off"):
            return None
        form = _FORM.fullmatch(text.strip())
        if form is None or 0 in (int(form[1]), int(form[2])):
            raise ValueError("must be REQUESTS/SECONDS, such as 250/10, or off")
        return cls(requests=int(form[1]), seconds=int(form[2]))

    def __str__(self) -> str:
        return f"{_count(self.requests, 'request')} in {_count(self.seconds, 'second')}"


class TokenBuckets:
    """A bucket of `limit.requests` tokens per key, refilled at `requests / seconds` a second;
    a request takes one. Buckets idle long enough to be full again are forgotten, so memory
    grows with the keys in use, not with every key ever seen."""

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (tokens, as of when)
        self._next_sweep = clock() + limit.seconds

    def take(self, key: str) -> int:
        """0 when `key` may make a request now (and it is counted); otherwise the whole
        seconds to wait until it may."""
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        tokens, then = self._buckets.get(key, (self.limit.requests, now))
        requests, seconds = self.limit.requests, self.limit.seconds
        tokens = min(requests, tokens + (now - then) * requests / seconds)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return max(1, math.ceil((1 - tokens) * seconds / requests))
        self._buckets[key] = (tokens - 1, now)
        return 0

    def __len__(self) -> int:
        return len(self._buckets)

    def _sweep(self, now: float) -> None:
        full_after = self.limit.seconds
        self._buckets = {
            key: (tokens, then)
            for key, (tokens, then) in self._buckets.items()
            if now - then < full_after
        }
        self._next_sweep = now + self.limit.seconds


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
