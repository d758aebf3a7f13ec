"""ASGI middleware: the requests' metrics, the SDK path prefix, what a request body may be,
and what its path and query may be."""

from __future__ import annotations

import time
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meetd import metrics
from meetd.web.handlers import too_large
from meetd.web.replies import error_response

_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class RequestBody:
    """A body must be JSON (415 otherwise) and at most `max_bytes` long (413): refused at
    once when the headers say so, and as soon as a streamed body passes the limit
    otherwise, before any handler sees it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = _length(headers)
        if length > self.max_bytes:
            await too_large()(scope, receive, send)
            return
        has_body = length > 0 or "transfer-encoding" in headers
        if has_body and not _is_json(headers.get("content-type")):
            response = error_response(415, 415, ["Content-Type: must be application/json"])
            await response(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # An HTTPException passes through the framework's body parsing untouched
                # and reaches the error handlers, which render it as a 413.
                raise HTTPException(413)
            return message

        await self.app(scope, receive_within_limit, send)


def _length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0


def _is_json(content_type: str | None) -> bool:
    if content_type is None:  # curl and friends; the body must still parse as JSON
        return True
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


class RequestTarget:
    """Percent-escapes in the path and the query must decode to UTF-8 (400 otherwise): the
    framework would quietly turn bad bytes into U+FFFD and look up, or search for,
    something the client never sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for part, raw in (("path", scope.get("raw_path")), ("query", scope["query_string"])):
                if raw and not _decodes(raw):
                    rule = "percent-escapes must decode to valid UTF-8"
                    await error_response(400, 400, [f"{part}: {rule}"])(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _decodes(raw: bytes) -> bool:
    if b"%" not in raw and raw.isascii():
        return True
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode()
    except UnicodeDecodeError:
        return False
    return True


class SdkPrefix:
    """Serves every route under `prefix` too (contract A1: the SDKs append their paths to a
    base URL ending in /client/v4). The prefix becomes the request's root path, as if the
    API were mounted there, so one route tree serves both."""

    def __init__(self, app: ASGIApp, *, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root = scope.get("root_path", "") + self.prefix
            path: str = scope["path"]
            if path == root or path.startswith(root + "/"):
                # In place, as the router sets the route: Measure, outside, reads both.
                scope["root_path"] = root
        await self.app(scope, receive, send)


class Measure:
    """Counts and times every request by its operation (the route's name) and status
    (meetd.metrics); a request no route took is `unmatched`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = scope.get("route")
            operation = route.name if route is not None else "unmatched"
            elapsed = time.perf_counter() - started
            metrics.observe_request(operation, scope["method"], status, elapsed)
