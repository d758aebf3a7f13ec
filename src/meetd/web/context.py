"""The request context: the one dependency of every operation. It resolves, in one step, who
calls (an API token of the account in the path, within its rate limit) and in which app, from
per-process caches; a handler then runs its work through it as a read, a scan or a write,
and reads its body from bytes.

    async def get_meeting(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
        return reply(await ctx.read(service.read_meeting, app_id=ctx.app.id, meeting_id=meeting_id))
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection
from starlette.convertors import Convertor, register_url_convertor

from meetd.accounts import service as accounts
from meetd.accounts.service import Principal
from meetd.apps import service as apps
from meetd.apps.store import AppRow
from meetd.deployment import Deployment
from meetd.errors import Forbidden, RateLimited, Unauthenticated
from meetd.faults import service as faults
from meetd.web.replies import PageParams

P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

KIT_PREFIX = "/accounts/{account_id}/realtime/kit"
LEGACY_PREFIX = "/accounts/{account_id}/realtimekit"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE_NO = 1_000_000


@dataclass(slots=True)
class Ctx:
    """An operation on the account itself (its apps): who calls, and where its work runs."""

    request: Request
    deployment: Deployment
    caller: Principal

    async def read(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self.deployment.database.read(unit, *args, **kwargs)

    async def scan(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self.deployment.database.scan(unit, *args, **kwargs)

    async def write(
        self, unit: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self.deployment.database.write(unit, *args, **kwargs)

    async def body(self, model: type[M]) -> M:
        """The request body, parsed and checked in one pass from its bytes."""
        raw = await self.request.body()
        if not raw:
            missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
            raise RequestValidationError([missing])
        try:
            return model.model_validate_json(raw)
        except ValidationError as error:
            if error.errors()[0]["type"] != "json_invalid":
                raise _in_body(error) from None
        # Text pydantic's parser refuses but Python's accepts (a lone surrogate escape, NaN)
        # is checked as Python reads it, so that the message names the field.
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            raise _not_json(error.msg) from None
        except Exception:  # not text, or nested past the parser's depth
            raise _not_json("it could not be parsed") from None
        try:
            return model.model_validate(value)
        except ValidationError as error:
            raise _in_body(error) from None


@dataclass(slots=True)
class InApp(Ctx):
    """An operation in an app."""

    app: AppRow


def _not_json(reason: str) -> RequestValidationError:
    error = {"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}
    return RequestValidationError([{**error, "ctx": {"error": reason}}])


def _in_body(error: ValidationError) -> RequestValidationError:
    return RequestValidationError(
        [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
    )


def _api_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # The SDKs send X-Auth-Email + X-Auth-Key instead when both are configured (contract A2).
    return request.headers.get("x-auth-key") or None


async def _caller(
    request: Request, deployment: Deployment, account_id: str, *, reads_only: bool
) -> Principal:
    """A valid API token of the account in the path (401, else 403), within its rate limit
    if there is one (429); a read token only where the operation only reads."""
    token = _api_token(request)
    if token is None:
        raise Unauthenticated(
            "Authentication error: send an API token as 'Authorization: Bearer <token>'"
        )
    token_hash = accounts.hash_token(token)
    principal = deployment.token_cache.get(token_hash)
    if principal is None:
        principal = await deployment.database.read(accounts.find_principal, token_hash=token_hash)
        if principal is None:
            raise Unauthenticated("Authentication error: the API token is not valid")
        deployment.token_cache.put(token_hash, principal)
    if deployment.requests is not None:
        wait = deployment.requests.take(principal.token_hash)
        if wait:
            raise RateLimited(limit=str(deployment.requests.limit), retry_after=wait)
    if principal.account_id != account_id:
        raise Forbidden("Authentication error: the API token does not belong to this account")
    if principal.scope == "read" and not reads_only and request.method not in SAFE_METHODS:
        raise Forbidden("Authentication error: a read token cannot make changes")
    return principal


async def _app(deployment: Deployment, caller: Principal, app_id: str | None) -> AppRow:
    """The app in the path; on the legacy paths, which have none, the account's default
    app (contract A4), created on first use."""
    database, account_id = deployment.database, caller.account_id
    if app_id is None:
        app = deployment.default_app_cache.get(account_id)
        if app is None:
            app = await database.read(apps.find_default_app, account_id=account_id)
            if app is None:
                app = await database.write(apps.get_default_app, account_id=account_id)
            deployment.default_app_cache.put(account_id, app)
        return app
    app = deployment.app_cache.get(app_id)
    if app is None:
        app = await database.read(apps.get_app, app_id=app_id)
        deployment.app_cache.put(app_id, app)
    apps.check_owner(app, account_id=account_id)
    return app


async def _apply_faults(request: Request, deployment: Deployment, app: AppRow) -> None:
    """The app's fault rules (docs/testing.md), before the operation runs: a faulted request
    changes nothing."""
    rules = deployment.fault_rules.get(app.id)
    if rules is None:
        rules = await deployment.database.read(faults.rules_of, app_id=app.id)
        deployment.fault_rules.put(app.id, rules)
    if not rules:
        return
    path = request.scope["path"].removeprefix(request.scope.get("root_path", ""))
    for rule in rules:
        if not rule.matches(request.method, path):
            continue
        if await deployment.database.write(faults.draw, rule_id=rule.id):
            await asyncio.sleep(rule.latency_ms / 1000)
            error = rule.error()
            if error is not None:
                raise error
            return


async def app_context(request: Request, account_id: str) -> InApp:
    """Operations in an app: `{app_id}` in the path, or the legacy paths' default app."""
    context = await simulation_context(request, account_id)
    await _apply_faults(request, context.deployment, context.app)
    return context


async def simulation_context(request: Request, account_id: str) -> InApp:
    """meetd's own `simulate/` operations in an app: as app_context, but never faulted, so
    that a rule cannot lock out its own removal, nor stop the activity that drives a test."""
    deployment: Deployment = request.app.state.deployment
    caller = await _caller(request, deployment, account_id, reads_only=False)
    app = await _app(deployment, caller, request.path_params.get("app_id"))
    return InApp(request, deployment, caller, app)


async def token_check_context(request: Request, account_id: str, app_id: str) -> InApp:
    """As app_context, for a POST that only reads: any token of the account may ask."""
    deployment: Deployment = request.app.state.deployment
    caller = await _caller(request, deployment, account_id, reads_only=True)
    return InApp(request, deployment, caller, await _app(deployment, caller, app_id))


async def account_context(request: Request, account_id: str) -> Ctx:
    """Operations on the account itself: its apps."""
    deployment: Deployment = request.app.state.deployment
    caller = await _caller(request, deployment, account_id, reads_only=False)
    return Ctx(request, deployment, caller)


AppCtx = Annotated[InApp, Depends(app_context)]
SimulationCtx = Annotated[InApp, Depends(simulation_context)]
TokenCheckCtx = Annotated[InApp, Depends(token_check_context)]
AccountCtx = Annotated[Ctx, Depends(account_context)]


def paging(page_no: int, per_page: int) -> PageParams:
    return PageParams(page_no=max(page_no, 1), per_page=per_page or DEFAULT_PER_PAGE)


PageNo = Annotated[int, Query(ge=0, le=MAX_PAGE_NO, description="1-based; 0 reads as 1")]
PerPage = Annotated[int, Query(ge=0, le=MAX_PER_PAGE, description=f"0 reads as {DEFAULT_PER_PAGE}")]
# Where the reference sets a minimum of 1 for both (the app list).
StrictPageNo = Annotated[int, Query(ge=1, le=MAX_PAGE_NO, description="1-based")]
StrictPerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


# The models operations read with Ctx.body, by name, for the OpenAPI document.
REQUEST_MODELS: dict[str, type[BaseModel]] = {}


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody of an operation that reads `model` with Ctx.body; the model's
    schema joins the document's components (meetd.web.openapi)."""
    REQUEST_MODELS[model.__name__] = model
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def id_segment(name: str, *reserved: str) -> None:
    """A path convertor `{x:name}` matching any segment but the `reserved` words, which are
    paths of their own: a method they do not serve is then a 405, not an id refused."""

    class Segment(Convertor[str]):
        regex = "".join(f"(?!{re.escape(word)}$)" for word in reserved) + "[^/]+"

        def convert(self, value: str) -> str:
            return value

        def to_string(self, value: str) -> str:
            return value

    register_url_convertor(name, Segment())
