"""Renders every error, ours and the framework's, as the one error body of contract A3."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from meetd.errors import ApiError
from meetd.schemas import describe_error
from meetd.web.replies import error_response

log = logging.getLogger("meetd.web")

NO_ROUTE_CODE = 7003
METHOD_NOT_ALLOWED_CODE = 7001
_MAX_LISTED_ERRORS = 10
TOO_LARGE_MESSAGE = "Request body is larger than the 1 MiB limit"


def too_large() -> Response:
    """A 413 that hangs up: the rest of the body is not worth reading."""
    return error_response(413, 413, [TOO_LARGE_MESSAGE], {"connection": "close"})


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, [exc.message], exc.headers())


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    messages = []
    for error in exc.errors()[:_MAX_LISTED_ERRORS]:
        where, *path = error["loc"]
        if error["type"] == "json_invalid":
            reason = error.get("ctx", {}).get("error", "decode error")
            messages.append(f"body: is not valid JSON ({reason})")
        else:
            field, rule = describe_error(error, path)
            messages.append(f"{field or where}: {rule}")
    return error_response(400, 400, list(dict.fromkeys(messages)))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(404, NO_ROUTE_CODE, ["No route for the URI"])
    if exc.status_code == 405:
        allowed = ", ".join(_allowed_methods(request))
        message = f"Method not allowed for this route; it allows {allowed}"
        return error_response(405, METHOD_NOT_ALLOWED_CODE, [message], {"Allow": allowed})
    if exc.status_code == 413:
        return too_large()
    return error_response(exc.status_code, exc.status_code, [str(exc.detail)], exc.headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path: one route answers a 405, and it knows
    only its own."""
    routes = request.app.router.routes

    def serves(method: str) -> bool:
        scope = {**request.scope, "method": method}
        return any(route.matches(scope)[0] == Match.FULL for route in routes)

    return [method for method in ("GET", "POST", "PUT", "PATCH", "DELETE") if serves(method)]


async def _unexpected_error(_request: Request, exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    return error_response(500, 500, ["Internal server error"])


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
