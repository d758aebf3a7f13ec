"""Each request's unit of work: one session, opened on first use, committed before the answer
is sent and rolled back when the request fails, so an error never leaves a partial write.

The session is opened by a plain dependency and finished by the route class, not by a
dependency with `yield`: that costs this version of FastAPI more per request than every
other dependency of a request together (bench/README.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar, Concatenate, ParamSpec, TypeVar

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from meetd.db.engine import Database

P = ParamSpec("P")
T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WORK = "meetd.work"


class Work:
    """A request's session, and whether its statements run on the event loop."""

    def __init__(self, database: Database, *, write: bool) -> None:
        self.database = database
        self.write = write
        # SQLite statements take microseconds and never wait for a lock (see
        # Database.admit): they run right on the event loop. PostgreSQL's wait for the
        # network: they run in the thread pool.
        self.inline = database.is_sqlite
        self.session = database.session(write=write)  # no I/O until its first statement
        self.session.info[_WORK] = self
        self.admitted = False

    async def begin(self) -> None:
        await self.database.admit(write=self.write)
        self.admitted = True
        if self.write and self.inline:
            # BEGIN IMMEDIATE may wait for a writer of another process: in a thread, so
            # that the statements after it, on the event loop, never wait.
            await run_in_threadpool(self.session.connection)

    async def finish(self, *, commit: bool) -> None:
        try:
            if commit and self.inline and not self.write:
                self.session.commit()
            elif commit:
                await run_in_threadpool(self.session.commit)  # a write waits for the disk
        finally:
            try:
                # Rolls back what was not committed; returns the connection to the pool.
                if self.inline:
                    self.session.close()
                else:
                    await run_in_threadpool(self.session.close)
            finally:
                if self.admitted:
                    self.database.release(write=self.write)


def writes(request: Request) -> bool:
    """Whether the request's route writes: what it reads for changing, it locks."""
    route: WorkRoute = request.scope["route"]
    return route.writes


async def get_session(request: Request) -> Session:
    work: Work | None = request.scope.get(_WORK)
    if work is None:
        database: Database = request.app.state.deployment.database
        work = request.scope[_WORK] = Work(database, write=writes(request))
        await work.begin()
    return work.session


class WorkRoute(APIRoute):
    """A route whose request's unit of work ends before its response is sent. It writes if
    its method does; the two subclasses say otherwise."""

    writing: ClassVar[bool | None] = None  # None: as its method says

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        methods = self.methods or set()
        self.writes = self.writing if self.writing is not None else not methods <= SAFE_METHODS

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_unit_of_work(request: Request) -> Response:
            try:
                response = await handle(request)
            except BaseException:
                await _finish(request, commit=False)
                raise
            await _finish(request, commit=response.status_code < 400)
            return response

        return handle_in_unit_of_work


class ReadingRoute(WorkRoute):
    """A POST that only reads (a token refresh or check): it need not queue for the write
    lock that SQLite gives one request at a time."""

    writing = False


class WritingRoute(WorkRoute):
    """A route that may write even on a GET: the legacy paths, which create the account's
    default app on first use."""

    writing = True


async def _finish(request: Request, *, commit: bool) -> None:
    work: Work | None = request.scope.pop(_WORK, None)
    if work is not None:
        await work.finish(commit=commit)


async def db(
    service: Callable[Concatenate[Session, P], T],
    session: Session,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run service code on the request's session, where its statements belong (see Work)."""
    if session.info[_WORK].inline:
        return service(session, *args, **kwargs)
    return await run_in_threadpool(functools.partial(service, session, *args, **kwargs))


async def db_scan(
    service: Callable[Concatenate[Session, P], T],
    session: Session,
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run service code whose cost grows with the data (a list, a search) in the thread pool,
    on every database: a search that matches half a million titles must not hold up every
    other request while it counts them."""
    return await run_in_threadpool(functools.partial(service, session, *args, **kwargs))
