"""The database: one engine, and the three ways a unit of work runs on it.

A unit is a plain function of a `Connection` (a store's or a service's), run in one
transaction: `read` (on SQLite, right on the event loop: its statements take microseconds and
never wait, since WAL readers do not block), `scan` (a read whose cost may grow with the data:
on SQLite on the event loop within a budget, else in a thread), and `write` (on SQLite,
committed in a group by the writer, meetd.db.writer; on PostgreSQL, a transaction of its own
in a thread, in parallel with others). On PostgreSQL every unit runs in a thread: its
statements wait for the network.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

import anyio
import sqlalchemy as sa
from anyio.to_thread import run_sync
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from meetd.db.writer import GroupWriter

P = ParamSpec("P")
T = TypeVar("T")

# SQLite connections are cheap. A PostgreSQL server shares its connections (100 by default)
# among every meetd process, so each process keeps a few.
SQLITE_POOL_SIZE = 40
POSTGRES_POOL_SIZE = 10
# A scan on SQLite runs on the event loop for at most this long, then moves to a thread.
SCAN_ON_LOOP_SECONDS = 0.002
_PROGRESS_STEPS = 1000  # SQLite VM steps between two looks at the clock


class _OverBudget(Exception):
    """A scan ran past SCAN_ON_LOOP_SECONDS on the event loop."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # A unit in a thread holds a pooled connection: admitting no more units than there
        # are connections means none waits for one in a thread, and a PostgreSQL unit that
        # holds a row lock always finds a thread for the unit that waits for it.
        self._admitted = anyio.Semaphore(SQLITE_POOL_SIZE if self.is_sqlite else POSTGRES_POOL_SIZE)
        self._loop_connection: Connection | None = None  # SQLite: the event loop's reads
        self.writer = GroupWriter(self._writing_connection) if self.is_sqlite else None

    async def read(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A unit that only reads, and reads little (rows by key)."""
        if not self.is_sqlite:
            return await self.scan(unit, *args, **kwargs)
        with self._on_loop() as connection:
            return unit(connection, *args, **kwargs)

    async def scan(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A unit that only reads, and may read much (a list, a search). On SQLite it runs on
        the event loop while it takes under SCAN_ON_LOOP_SECONDS (a page found by an index
        does), and is cut off and run again in a thread if not: however much a search
        matches, it never holds up the other requests for longer than that."""
        if self.is_sqlite:
            try:
                with self._on_loop(budget=SCAN_ON_LOOP_SECONDS) as connection:
                    return unit(connection, *args, **kwargs)
            except _OverBudget:
                pass
        call = _bound(unit, *args, **kwargs)
        async with self._admitted:
            return await run_sync(self._in_transaction, call, False)

    @contextmanager
    def _on_loop(self, budget: float | None = None) -> Iterator[Connection]:
        """The event loop's own connection, in a transaction; with a budget, its statements
        are cut off once the budget is spent."""
        if self._loop_connection is None:
            self._loop_connection = self.engine.connect()
        connection = self._loop_connection
        if budget is None:
            with connection.begin():
                yield connection
            return
        driver = connection.connection.driver_connection
        assert driver is not None
        over = False

        def check() -> bool:  # SQLite interrupts the statement when this returns true
            nonlocal over
            over = time.perf_counter() > deadline
            return over

        # The budget is the unit's, not BEGIN's: a BEGIN cut off would raise the driver's
        # own error from SQLAlchemy's begin event, which no caller expects.
        try:
            with connection.begin():
                deadline = time.perf_counter() + budget
                driver.set_progress_handler(check, _PROGRESS_STEPS)
                try:
                    yield connection
                finally:
                    driver.set_progress_handler(None, 0)
        except (OperationalError, sqlite3.OperationalError):
            if over:
                raise _OverBudget from None
            raise

    async def write(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A unit that writes; it returns once its transaction is committed."""
        call = _bound(unit, *args, **kwargs)
        if self.writer is not None:
            return await self.writer.write(call)
        async with self._admitted:
            return await run_sync(self._in_transaction, call, True)

    def _in_transaction(self, call: Callable[[Connection], T], write: bool) -> T:
        with self.transaction() if write else self.reading() as connection:
            return call(connection)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A writing transaction, committed when the block ends, rolled back if it raises.
        On SQLite it takes the write lock when it begins, not at its first write: two
        transactions that read and then write would otherwise both read the old state."""
        with (
            self.engine.connect().execution_options(sqlite_immediate=True) as connection,
            connection.begin(),
        ):
            yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A reading transaction. On PostgreSQL, whose READ COMMITTED gives each statement
        its own snapshot inside a transaction or out of it, reads autocommit: no BEGIN and
        COMMIT round trips."""
        connection = self.engine.connect()
        if not self.is_sqlite:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection, connection.begin():
            yield connection

    def _writing_connection(self) -> Connection:
        return self.engine.connect().execution_options(sqlite_immediate=True)

    async def start(self) -> None:
        if self.writer is not None:
            await self.writer.start()

    async def stop(self) -> None:
        if self.writer is not None:
            await self.writer.stop()
        if self._loop_connection is not None:
            self._loop_connection.close()
            self._loop_connection = None

    def dispose(self) -> None:
        self.engine.dispose()


def _bound(
    unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
) -> Callable[[Connection], T]:
    def call(connection: Connection) -> T:
        return unit(connection, *args, **kwargs)

    return call


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
        connect_args={"timeout": 30, "check_same_thread": False},
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
    # Straight to the driver: BEGIN needs none of the engine's statement handling, which
    # costs more than the rest of a read by key.
    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
        "BEGIN IMMEDIATE" if immediate else "BEGIN"
    )


# Any fixed number: the PostgreSQL advisory lock that start-up work of every process takes.
_DEPLOYMENT_LOCK = 0x6D656574


def lock_deployment(connection: Connection) -> None:
    """Serialise start-up work (migrations, first account, keys) across processes.

    On PostgreSQL a transaction-scoped advisory lock; on SQLite the writing transaction that
    the caller began already holds the database's one write lock.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEPLOYMENT_LOCK})
