"""Group commit on SQLite: the writes of many requests, committed together.

SQLite lets one transaction write at a time, and with `synchronous=FULL` each commit waits
for the disk (an fsync of the WAL). So each process has one writer: it takes every write unit
that is waiting, runs them in one transaction, each inside its own SAVEPOINT (a unit that
fails rolls back alone, and fails only its own request), then commits once, one fsync for
the whole batch. A unit's answer is released only after the commit that holds its write:
nothing acknowledged can be lost to a crash or a power cut.

While a batch commits in a thread, the next one gathers in the queue: the busier the server,
the larger the batches, and the fewer fsyncs per write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from anyio.to_thread import run_sync
from sqlalchemy.engine import Connection

log = logging.getLogger("meetd.db")
T = TypeVar("T")
MAX_BATCH = 256


@dataclass(slots=True)
class _Unit:
    call: Callable[[Connection], Any]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None


class GroupWriter:
    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect
        self._connection: Connection | None = None
        self._queue: asyncio.Queue[_Unit] | None = None
        self._task: asyncio.Task[None] | None = None
        # How many batches were committed, and how many units they held: batching, seen.
        self.batches = 0
        self.units = 0
        self.on_batch: Callable[[int], None] = _ignore  # told each batch's size (metrics)

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(self._queue), name="meetd-writer")

    async def stop(self) -> None:
        """Commit what is queued, then stop."""
        if self._task is None or self._queue is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def write(self, call: Callable[[Connection], T]) -> T:
        if self._queue is None:
            raise RuntimeError("the writer has not started")
        unit = _Unit(call, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(unit)
        result: T = await unit.future
        return result

    async def _run(self, queue: asyncio.Queue[_Unit]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < MAX_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self._commit([unit for unit in batch if not unit.future.cancelled()])
            finally:
                for unit in batch:
                    if not unit.future.done():
                        if unit.error is not None:
                            unit.future.set_exception(unit.error)
                        else:
                            unit.future.set_result(unit.result)
                    queue.task_done()

    async def _commit(self, batch: list[_Unit]) -> None:
        """BEGIN IMMEDIATE in a thread (it may wait for another process's writer), each unit
        in a savepoint here on the event loop, then COMMIT, the fsync, in a thread. The units
        run on the loop: in a thread, each statement would hand the interpreter lock back and
        forth with the loop, and a batch would take many times as long."""
        if not batch:
            return
        if self._connection is None:
            self._connection = self._connect()
        connection = self._connection
        transaction = None
        try:
            transaction = await run_sync(connection.begin)
            # Savepoints straight on the driver: the engine's own cost more than a unit.
            driver = connection.connection.driver_connection
            assert driver is not None
            for unit in batch:
                driver.execute("SAVEPOINT unit")
                try:
                    unit.result = unit.call(connection)
                except Exception as error:
                    driver.execute("ROLLBACK TO unit")
                    unit.error = error
                driver.execute("RELEASE unit")
            await run_sync(transaction.commit)
        except Exception as error:
            # The batch did not commit: none of its units happened.
            log.error("a batch of %d writes failed to commit", len(batch), exc_info=error)
            for unit in batch:
                unit.error = unit.error or error
            connection.invalidate()
            connection.close()
            self._connection = None
        else:
            self.batches += 1
            self.units += len(batch)
            self.on_batch(len(batch))


def _ignore(_size: int) -> None:
    pass
