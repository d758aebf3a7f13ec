"""Where units run on SQLite: a scan stays on the event loop while it is quick, and moves to a
thread, with the same answer, once it passes its budget."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from meetd.db import engine
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


async def scan(database: Database, *counts: int) -> list[tuple[int, bool]]:
    """Each count in turn, on one started database."""
    await database.start()
    try:
        return [await database.scan(count_to, n=n) for n in counts]
    finally:
        await database.stop()


def test_a_quick_scan_runs_on_the_event_loop(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A budget no busy test machine can spend on counting to 100; the rule is the same.
    monkeypatch.setattr(engine, "SCAN_ON_LOOP_SECONDS", 1.0)
    database = Database(database_url)

    assert asyncio.run(scan(database, 100)) == [(100, True)]
    database.dispose()


def test_a_long_scan_is_cut_off_and_run_in_a_thread(database_url: str) -> None:
    database = Database(database_url)

    long, after = asyncio.run(scan(database, 3_000_000, 100))

    assert long == (3_000_000, False)
    # the loop's connection still serves after the cut: no transaction was left open on it
    assert after[0] == 100
    database.dispose()
