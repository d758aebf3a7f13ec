"""Engines and sessions: SQLite set up for a server, PostgreSQL as it comes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

# SQLite connections are cheap. A PostgreSQL server shares its connections (100 by default)
# among every meetd process, so each process keeps a few. See Database.admit().
SQLITE_POOL_SIZE = 40
POSTGRES_POOL_SIZE = 10


class Database:
    """One engine, and a session factory for reads and one for writes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        # On SQLite a writing transaction takes the write lock when it begins, not at its
        # first write: two transactions that read and then write would otherwise both read
        # the old state, and the second would fail instead of waiting its turn.
        self._write = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )
        pool_size = SQLITE_POOL_SIZE if self.is_sqlite else POSTGRES_POOL_SIZE
        self._admitted = anyio.Semaphore(pool_size)
        self._writer = anyio.Semaphore(1) if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def admit(self, *, write: bool) -> None:
        """Wait, in the event loop, until a request may use the database; then release().

        A request holds a pool connection from its first statement to its end, across its
        awaits. Admitting no more requests than there are connections means none ever waits
        for one: on SQLite, whose statements run on the event loop, such a wait would stall
        every request; on PostgreSQL, whose statements run in the thread pool, a request
        holding a row lock always finds a thread for its next statement, instead of finding
        every thread taken by requests waiting for its lock. SQLite has one writer at a
        time: admitting one per process means a writer never waits for another of its own.
        """
        if write and self._writer is not None:
            await self._writer.acquire()
        try:
            await self._admitted.acquire()
        except BaseException:
            if write and self._writer is not None:
                self._writer.release()
            raise

    def release(self, *, write: bool) -> None:
        self._admitted.release()
        if write and self._writer is not None:
            self._writer.release()

    def session(self, *, write: bool) -> Session:
        return (self._write if write else self._read)()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing session that commits when the block ends and rolls back if it raises."""
        with self.session(write=True) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _create_engine(url: str) -> Engine:
    # Statement parameters may hold hashes and sealed secrets: keep them out of logs and
    # error messages at any log level.
    if not url.startswith("sqlite"):
        return sa.create_engine(
            url,
            pool_size=POSTGRES_POOL_SIZE,
            max_overflow=0,
            pool_pre_ping=True,
            hide_parameters=True,
        )
    engine = sa.create_engine(
        url,
        pool_size=SQLITE_POOL_SIZE,
        max_overflow=0,
        connect_args={"timeout": 30},
        hide_parameters=True,
    )
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let the "begin" listener below issue BEGIN, not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL syncs the WAL at every commit: a write that was answered survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite's own lower() folds ASCII only; searches match "Ärger" for "ärger" as PostgreSQL
    # does.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _begin_sqlite(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Any fixed number: the PostgreSQL advisory lock that start-up work of every process takes.
_DEPLOYMENT_LOCK = 0x6D656574


def lock_deployment(bind: Connection | Session) -> None:
    """Serialise start-up work (migrations, first account, keys) across processes.

    On PostgreSQL a transaction-scoped advisory lock; on SQLite the writing transaction that
    the caller began already holds the database's one write lock.
    """
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    if dialect.name == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEPLOYMENT_LOCK})
