"""The HTTP/1.1 protocol meetd is served with: uvicorn's httptools protocol, with a limit on the
size of a request head (request line and headers), which httptools does not have: without
one, a client sending an endless header makes the server buffer all of it."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from meetd.web.replies import error_response

MAX_HEAD_BYTES = 64 * 1024
_TOO_LARGE = error_response(
    431, 431, [f"Request line and headers are larger than the {MAX_HEAD_BYTES // 1024} KiB limit"]
)


class HttpProtocol(HttpToolsProtocol):
    """While a request head is being read, the parser is fed at most `MAX_HEAD_BYTES` of it;
    a head that has not ended by then is answered 431 and the connection closed, once every
    request before it on the connection has had its answer."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._in_head = True  # the next bytes belong to a request head
        self._heads_ended = 0
        self._head_bytes = 0
        self._refusing = False
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
        if self._refusing:
            return  # the rest of an oversized head
        if not self._in_head:
            super().data_received(data)
            return
        room = MAX_HEAD_BYTES - self._head_bytes
        fed, rest = data[:room], data[room:]
        heads_ended = self._heads_ended
        if fed:
            super().data_received(fed)
        if self._heads_ended != heads_ended:
            # The head ended within what was fed; what follows is a body or the next request.
            # (A pipelined request whose head began within what was fed gets the whole limit
            # from here on: a bound all the same.)
            if rest and not self.transport.is_closing():
                self.data_received(rest)
            return
        self._head_bytes += len(fed)
        if rest:
            self._refuse()

    def _refuse(self) -> None:
        self._refusing = True
        self.flow.pause_reading()
        if self.cycle is None or self.cycle.response_complete:
            self._answer_too_large()
        # otherwise the request before this one is still being answered: see below

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._refusing and not self.pipeline:
            self._answer_too_large()

    def _answer_too_large(self) -> None:
        if self.transport.is_closing():
            return
        status = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
        headers = [
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(_TOO_LARGE.body),
            b"connection: close\r\n",
        ]
        self.transport.write(b"".join([status, *headers, b"\r\n", _TOO_LARGE.body]))
        self.transport.close()
