"""The timer loop of a `meetd serve` process: at least once a second, run the timers that
are due (meetd.timers.service). A look costs one read; only due timers take a write."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from meetd.clock import clock
from meetd.crypto import SecretBox
from meetd.db.engine import Database
from meetd.files.service import Downloads
from meetd.timers import service, store

log = logging.getLogger("meetd.timers")
INTERVAL_SECONDS = 0.5


class TimerRunner:
    def __init__(self, database: Database, downloads: Downloads, box: SecretBox) -> None:
        self._database = database
        self._downloads = downloads
        self._box = box
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name="meetd-timers")

    async def stop(self) -> None:
        """After the round under way, if any: a round cut off in a thread would leave its
        connection out of the pool when the database closes."""
        if self._task is not None:
            self._stopping.set()
            await self._task
            self._task = None

    async def run_once(self) -> int:
        """Run what is due now; how many timers ran."""
        ran = 0
        while await self._database.scan(store.any_due, now_ms=clock.now_millis()):
            done = await self._database.write(
                service.run_due, downloads=self._downloads, box=self._box
            )
            ran += done
            if done < service.BATCH:
                break
        return ran

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.run_once()
            except Exception:  # the database away for a moment: try again next time
                log.exception("running the due timers failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), INTERVAL_SECONDS)
