"""A small in-process cache for facts that change rarely and may be seen a few seconds stale.

Nothing another process needs lives only here: every entry is a copy of what the database
holds, and is read again from it once its time is up.
"""

from __future__ import annotations

import time
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, *, seconds: float, max_entries: int) -> None:
        self._seconds = seconds
        self._max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= self._max_entries:
            self.clear()  # crude, and rare: a cache this size holds every live key
        self._entries[key] = (time.monotonic() + self._seconds, value)

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
