"""Where units run on SQLite: a scan stays on the event loop while it is quick, and moves to a
thread, with the same answer, once it passes its budget."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from meetd.db.engine import Database

pytestmark = pytest.mark.sqlite_only


def count_to(connection: Connection, *, n: int) -> tuple[int, bool]:
    """SQLite counts to n; and whether this ran on the event loop's thread."""
    counted = connection.scalar(
        text(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n)"
            " SELECT count(*) FROM c"
        ),
        {"n": n},
    )
    return counted, threading.current_thread() is threading.main_thread()


async def scan(database: Database, n: int) -> tuple[int, bool]:
    await database.start()
    try:
        return await database.scan(count_to, n=n)
    finally:
        await database.stop()


def test_a_quick_scan_runs_on_the_event_loop(database_url: str) -> None:
    database = Database(database_url)

    assert asyncio.run(scan(database, 100)) == (100, True)
    database.dispose()


def test_a_long_scan_is_cut_off_and_run_in_a_thread(database_url: str) -> None:
    database = Database(database_url)

    assert asyncio.run(scan(database, 3_000_000)) == (3_000_000, False)
    # the loop's connection is usable after the cut: no handler or transaction left behind
    assert asyncio.run(scan(database, 100)) == (100, True)
    database.dispose()
