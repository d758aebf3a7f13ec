"""The HTTP/1.1 protocol meetd is served with: uvicorn's httptools protocol, with a limit on the
size of a request head (request line and headers), which httptools does not have: without
one, a client sending an endless header makes the server buffer all of it."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from meetd.api.handlers import error_response

MAX_HEAD_BYTES = 64 * 1024
_TOO_LARGE = error_response(
    431, 431, [f"Request line and headers are larger than the {MAX_HEAD_BYTES // 1024} KiB limit"]
)


class HttpProtocol(HttpToolsProtocol):
    """Counts the bytes of each request head as they arrive and answers 431 once they pass
    `MAX_HEAD_BYTES`. A read in which a head ends is not counted (part of it may be a body or
    the next request), so a head may pass the limit by one read, at most 256 KiB: the bound
    holds all the same."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._in_head = True  # the next bytes belong to a request head
        self._heads_ended = 0
        self._head_bytes = 0
        super().connection_made(transport)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._heads_ended += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        in_head, heads_ended = self._in_head, self._heads_ended
        super().data_received(data)
        if not (in_head and self._in_head and heads_ended == self._heads_ended):
            return  # some of these bytes were not part of the head still being read
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self._in_head = False
            self._answer_too_large()

    def _answer_too_large(self) -> None:
        status = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
        headers = [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(_TOO_LARGE.body),
            b"connection: close\r\n",
        ]
        self.transport.write(b"".join([status, *headers, b"\r\n", _TOO_LARGE.body]))
        self.transport.close()
