"""Dependencies, written once and used as plain parameters: the session, the caller, the app,
the page. Path resources are loaded and checked here, so no handler repeats fetch-or-404."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from meetd.accounts import service as accounts
from meetd.accounts.service import Principal
from meetd.apps import service as apps
from meetd.db.tables import App
from meetd.deployment import Deployment
from meetd.errors import Forbidden, Unauthenticated, UnsupportedMediaType

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LEGACY_SEGMENT = "/realtimekit/"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE_NO = 1_000_000


async def get_deployment(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the answer is sent (scope="function")
    and rolled back when the request fails, so an error never leaves a partial write."""
    database = request.app.state.deployment.database
    # A legacy path may create the account's default app, even on a GET.
    write = request.method not in SAFE_METHODS or LEGACY_SEGMENT in request.scope["path"]
    async with database.admit(write=write):
        session = database.session(write=write)  # no I/O until its first query
        try:
            yield session
            await run_in_threadpool(session.commit)
        finally:
            # Rolls back what was not committed, and returns the connection to the pool.
            await run_in_threadpool(session.close)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def require_json(request: Request) -> None:
    content_type = request.headers.get("content-type")
    if content_type is None or request.method in SAFE_METHODS:
        return
    media_type = content_type.partition(";")[0].strip().lower()
    is_json = media_type == "application/json" or media_type.endswith("+json")
    if not is_json and request.headers.get("content-length", "0") != "0":
        raise UnsupportedMediaType("Content-Type: must be application/json")


def _api_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # The SDKs send X-Auth-Email + X-Auth-Key instead when both are configured (contract A2).
    return request.headers.get("x-auth-key") or None


def authenticate(request: Request, account_id: str, session: SessionDep) -> Principal:
    """The caller: a valid API token of the account in the path (401, else 403)."""
    token = _api_token(request)
    if token is None:
        raise Unauthenticated(
            "Authentication error: send an API token as 'Authorization: Bearer <token>'"
        )
    principal = accounts.authenticate(session, token=token)
    if principal is None:
        raise Unauthenticated("Authentication error: the API token is not valid")
    if principal.account_id != account_id:
        raise Forbidden("Authentication error: the API token does not belong to this account")
    return principal


Caller = Annotated[Principal, Depends(authenticate)]


async def writes_need_admin(request: Request, caller: Caller) -> None:
    """Read tokens only read. Every router applies this but the token check's (contract A5)."""
    if caller.scope == "read" and request.method not in SAFE_METHODS:
        raise Forbidden("Authentication error: a read token cannot make changes")


def app_from_path(app_id: str, caller: Caller, session: SessionDep) -> App:
    return apps.get_app(session, account_id=caller.account_id, app_id=app_id)


def default_app(caller: Caller, session: SessionDep) -> App:
    """The account's app behind the legacy `/realtimekit/...` paths (contract A4)."""
    return apps.get_default_app(session, account_id=caller.account_id)


AppDependency = Callable[..., App]
AppFromPath = Annotated[App, Depends(app_from_path)]


@dataclass(frozen=True, slots=True)
class PageParams:
    page_no: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page_no - 1) * self.per_page

    def of(self, rows: Sequence[Any], total: int) -> dict[str, Any]:
        """A page body; offsets are 1-based and inclusive, and past the end the page is
        empty with end_offset = start_offset - 1 (contract A4)."""
        return {
            "data": rows,
            "paging": {
                "total_count": total,
                "start_offset": self.offset + 1,
                "end_offset": self.offset + len(rows),
            },
        }


async def page_params(
    page_no: Annotated[int, Query(ge=0, le=MAX_PAGE_NO, description="1-based; 0 reads as 1")] = 1,
    per_page: Annotated[
        int, Query(ge=0, le=MAX_PER_PAGE, description=f"0 reads as {DEFAULT_PER_PAGE}")
    ] = DEFAULT_PER_PAGE,
) -> PageParams:
    return PageParams(page_no=max(page_no, 1), per_page=per_page or DEFAULT_PER_PAGE)


PageDep = Annotated[PageParams, Depends(page_params)]
