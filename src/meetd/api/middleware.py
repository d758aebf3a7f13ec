"""The request-size limit, answered with the contract's error body (413)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meetd.api.handlers import TOO_LARGE_MESSAGE, error_response


class BodyLimit:
    """Refuses a body over `max_bytes`: at once when Content-Length says so, and as soon as
    a streamed body passes the limit otherwise, before the handler sees any of it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            response = error_response(413, 413, [TOO_LARGE_MESSAGE], {"connection": "close"})
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


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
