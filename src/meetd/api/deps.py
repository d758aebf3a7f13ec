"""Dependencies, written once and used as plain parameters: the session, the caller, the app,
the page. Path resources are loaded and checked here, so no handler repeats fetch-or-404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from meetd.accounts import service as accounts
from meetd.accounts.service import Principal
from meetd.api.work import SAFE_METHODS as SAFE_METHODS
from meetd.api.work import ReadingRoute as ReadingRoute
from meetd.api.work import WorkRoute as WorkRoute
from meetd.api.work import WritingRoute as WritingRoute
from meetd.api.work import db as db
from meetd.api.work import db_scan as db_scan
from meetd.api.work import get_session
from meetd.api.work import writes as writes
from meetd.apps import service as apps
from meetd.db.tables import App
from meetd.deployment import Deployment
from meetd.errors import Forbidden, RateLimited, Unauthenticated

KIT_PREFIX = "/accounts/{account_id}/realtime/kit"
LEGACY_PREFIX = "/accounts/{account_id}/realtimekit"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE_NO = 1_000_000


async def get_deployment(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


SessionDep = Annotated[Session, Depends(get_session)]


def _api_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # The SDKs send X-Auth-Email + X-Auth-Key instead when both are configured (contract A2).
    return request.headers.get("x-auth-key") or None


async def authenticate(
    request: Request, account_id: str, session: SessionDep, deployment: DeploymentDep
) -> Principal:
    """The caller: a valid API token of the account in the path (401, else 403), within its
    rate limit if there is one (429)."""
    token = _api_token(request)
    if token is None:
        raise Unauthenticated(
            "Authentication error: send an API token as 'Authorization: Bearer <token>'"
        )
    principal = await db(accounts.authenticate, session, token=token, cache=deployment.principals)
    if principal is None:
        raise Unauthenticated("Authentication error: the API token is not valid")
    if deployment.requests is not None:
        wait = deployment.requests.take(principal.token_hash)
        if wait:
            raise RateLimited(limit=str(deployment.requests.limit), retry_after=wait)
    if principal.account_id != account_id:
        raise Forbidden("Authentication error: the API token does not belong to this account")
    return principal


Caller = Annotated[Principal, Depends(authenticate)]


async def writes_need_admin(request: Request, caller: Caller) -> None:
    """Read tokens only read. Every router applies this but the token check's (contract A5)."""
    if caller.scope == "read" and request.method not in SAFE_METHODS:
        raise Forbidden("Authentication error: a read token cannot make changes")


# What every router applies, but the participant-token check's (which read tokens may make).
GUARDED = [Depends(writes_need_admin)]


async def app_from_path(
    app_id: str, caller: Caller, session: SessionDep, deployment: DeploymentDep
) -> App:
    return await db(
        apps.get_app,
        session,
        account_id=caller.account_id,
        app_id=app_id,
        cache=deployment.apps,
    )


async def default_app(caller: Caller, session: SessionDep) -> App:
    """The account's app behind the legacy `/realtimekit/...` paths (contract A4)."""
    return await db(apps.get_default_app, session, account_id=caller.account_id)


AppDependency = Callable[..., Awaitable[App]]
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


async def strict_page_params(
    page_no: Annotated[int, Query(ge=1, le=MAX_PAGE_NO, description="1-based")] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = DEFAULT_PER_PAGE,
) -> PageParams:
    """Paging where the reference sets a minimum of 1 for both (the app list)."""
    return PageParams(page_no=page_no, per_page=per_page)


StrictPageDep = Annotated[PageParams, Depends(strict_page_params)]
