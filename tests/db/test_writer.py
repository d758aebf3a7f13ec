"""The SQLite writer's rules: waiting writes commit together, one fsync for the batch; a unit
that fails rolls back alone and fails only its own caller; a batch that cannot commit fails
every unit in it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from meetd.db.engine import Database
from meetd.db.tables import meta

pytestmark = pytest.mark.sqlite_only


def put(connection: Connection, *, key: str) -> str:
    connection.execute(meta.insert(), {"key": key, "value": "v"})
    return key


def stored(database: Database) -> list[str]:
    with database.reading() as connection:
        return list(connection.scalars(select(meta.c.key).where(meta.c.key.like("k%"))))


async def write_all(database: Database, keys: list[str]) -> list[Any]:
    await database.start()
    try:
        return await asyncio.gather(
            *(database.write(put, key=key) for key in keys), return_exceptions=True
        )
    finally:
        await database.stop()


def test_waiting_writes_commit_in_one_batch(database_url: str) -> None:
    database = Database(database_url)
    results = asyncio.run(write_all(database, [f"k{n}" for n in range(50)]))

    assert results == [f"k{n}" for n in range(50)]
    assert database.writer is not None
    assert (database.writer.batches, database.writer.units) == (1, 50)
    assert sorted(stored(database)) == sorted(f"k{n}" for n in range(50))
    database.dispose()


def test_a_failing_unit_fails_alone(database_url: str) -> None:
    database = Database(database_url)
    results = asyncio.run(write_all(database, ["k1", "k2", "k1", "k3"]))

    assert results[:2] == ["k1", "k2"]
    assert isinstance(results[2], IntegrityError)
    assert results[3] == "k3"
    assert database.writer is not None
    assert database.writer.batches == 1
    assert sorted(stored(database)) == ["k1", "k2", "k3"]
    database.dispose()


def test_a_batch_that_cannot_commit_fails_every_unit(database_url: str) -> None:
    database = Database(database_url)

    def broken(connection: Connection) -> None:
        # a deferred foreign key fails at COMMIT, after every unit has run
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        connection.exec_driver_sql(
            "INSERT INTO api_tokens (id, account_id, token_hash, scope, created_at)"
            " VALUES ('x', 'nobody', 'h', 'read', '2026-01-01')"
        )

    async def run() -> list[Any]:
        await database.start()
        try:
            return list(
                await asyncio.gather(
                    database.write(put, key="k1"), database.write(broken), return_exceptions=True
                )
            )
        finally:
            await database.stop()

    results = asyncio.run(run())

    assert all(isinstance(result, IntegrityError) for result in results)
    assert stored(database) == []
    database.dispose()
