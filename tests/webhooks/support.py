"""What the webhooks tests share: a receiver that verifies deliveries as RealtimeKit's docs
show (the public key of /.well-known/webhooks.json, RSASSA-PKCS1-v1_5 SHA-256 over the raw
body), an app's webhooks driven through the API, and waiting with a deadline."""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from meetd.webhooks.schemas import EVENT_NAMES
from tests.support import Account

SIGNED_HEADERS = ("rtk-signature", "rtk-uuid", "rtk-webhook-id")
ALL_EVENTS: list[str] = list(EVENT_NAMES)
WEBHOOK_FIELDS = {"id", "name", "url", "events", "enabled", "created_at", "updated_at"}
DELIVERY_FIELDS = {
    "id",
    "event",
    "payload",
    "headers",
    "status",
    "attempts",
    "status_code",
    "error",
    "timestamp",
    "last_attempt_at",
    "next_attempt_at",
}
TIMEOUT = 0.5  # seconds an attempt may take, in these tests
HANG: Final = -1  # an answer: read the request, then say nothing until the receiver closes
TRICKLE: Final = -2  # an answer: 200, one header line at a time, each a while after the last
TRICKLE_LINES = 5
TRICKLE_PAUSE = 0.3  # seconds between the lines: under the timeout of each read, not overall


def verifies(pem: str, signature: str, body: bytes) -> bool:
    """Whether `signature` (base64) is the key's RSASSA-PKCS1-v1_5 SHA-256 one of `body`."""
    public_key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(public_key, rsa.RSAPublicKey)
    try:
        public_key.verify(base64.b64decode(signature), body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def until(done: Callable[[], bool], *, seconds: float = 10, what: str = "") -> None:
    """Waits until `done` comes true, polling; fails if `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what or done}")
        time.sleep(0.01)


@dataclass(frozen=True)
class Received:
    """One request the receiver got, and what it made of it."""

    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    verified: bool
    problem: str  # why it was not verified; empty when it was
    key: str | None  # the public key (PEM) that verified it
    answered: int | None  # the status answered; None when it hung
    at: float  # time.monotonic() when it arrived

    @property
    def uuid(self) -> str:
        return self.headers.get("rtk-uuid", "")

    @property
    def webhook_id(self) -> str:
        return self.headers.get("rtk-webhook-id", "")

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def event(self) -> str:
        return str(self.payload["event"])

    @property
    def meeting_id(self) -> str:
        payload = self.payload
        return str(payload["meeting"]["id"] if "meeting" in payload else payload["meetingId"])


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = False  # closing joins the handlers: none outlives the receiver
    receiver: Receiver


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.receiver.handle(self, body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet


class Receiver:
    """A webhook receiver on a free port of this process: it verifies every delivery as the
    RealtimeKit docs' receiver does and records it. It answers 200 unless told otherwise:
    `answer(500, 500)` answers the next two verified deliveries 500, `answer(then=HANG)`
    hangs from now on, `answer(HANG, path="slow")` hangs once at /slow only. `stop()` takes
    it down (connections are refused) and `start()` brings it back on the same port."""

    def __init__(self, keys_url: str = "") -> None:
        self.keys_url = keys_url
        self.port = 0
        self.hang_seconds = 30.0
        self._received: list[Received] = []
        # what to answer, by path (None: any other path): the next answers, then the rest
        self._programs: dict[str | None, tuple[deque[int], int]] = {}
        self._key: str | None = None
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- what a test does ------------------------------------------------------------------

    def trust(self, origin: str) -> None:
        """Verify with the key that meetd at `origin` publishes."""
        self.keys_url = f"{origin}/.well-known/webhooks.json"

    def url(self, path: str = "hook") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def answer(self, *statuses: int, then: int = 200, path: str | None = None) -> None:
        """Answer the next verified deliveries (to `path`, or to any path without a program
        of its own) with `statuses`, and those after them with `then`."""
        with self._lock:
            self._programs[None if path is None else f"/{path}"] = (deque(statuses), then)

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if path is None or r.path == f"/{path}"]

    def wait_for(self, count: int, path: str | None = None, seconds: float = 10) -> list[Received]:
        """The requests received (to `path`), once there are at least `count`."""
        until(
            lambda: len(self.received(path)) >= count,
            seconds=seconds,
            what=f"{count} deliveries to {path or 'any path'}; got {self.received(path)}",
        )
        return self.received(path)

    def start(self) -> Receiver:
        server = _HttpServer(("127.0.0.1", self.port), _Handler)
        server.receiver = self
        self.port = server.server_address[1]
        self._released.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Down: nothing listens on the port until `start()`."""
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._released.set()  # hung answers end
        self._server.server_close()
        self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the server thread does -------------------------------------------------------

    def handle(self, handler: _Handler, body: bytes) -> None:
        arrived = time.monotonic()
        headers = {name.lower(): value for name, value in handler.headers.items()}
        verified, problem, key = self._verify(headers, body)
        if not verified:
            status: int = 400 if problem.startswith("missing") else 401
        else:
            with self._lock:
                program = self._programs.get(handler.path) or self._programs.get(None)
                answers, then = program or (deque(), 200)
                status = answers.popleft() if answers else then
        received = Received(
            path=handler.path,
            headers=headers,
            body=body,
            verified=verified,
            problem=problem,
            key=key,
            answered=None if status == HANG else status,
            at=arrived,
        )
        with self._lock:
            self._received.append(received)
        try:
            if status == HANG:
                self._released.wait(self.hang_seconds)
                return
            if status == TRICKLE:
                self._trickle(handler)
                return
            handler.send_response(status)
            handler.send_header("content-length", "0")
            handler.end_headers()
        except OSError:
            pass  # the sender gave up waiting

    def _trickle(self, handler: _Handler) -> None:
        handler.wfile.write(b"HTTP/1.0 200 OK\r\n")
        handler.wfile.flush()
        for line in range(TRICKLE_LINES):
            if self._released.wait(TRICKLE_PAUSE):
                return
            handler.wfile.write(f"x-line-{line}: {line}\r\n".encode())
            handler.wfile.flush()
        handler.wfile.write(b"content-length: 0\r\n\r\n")

    def _verify(self, headers: dict[str, str], body: bytes) -> tuple[bool, str, str | None]:
        """As the docs' receiver: the three headers, then the signature over the raw body
        with the published key (fetched again once, in case it was rotated)."""
        missing = [name for name in SIGNED_HEADERS if not headers.get(name)]
        if missing:
            return False, f"missing {', '.join(missing)}", None
        signature = headers["rtk-signature"]
        try:
            base64.b64decode(signature, validate=True)
        except binascii.Error:
            return False, "rtk-signature is not base64", None
        for fresh in (False, True):
            pem = self._public_key(fresh)
            if verifies(pem, signature, body):
                return True, "", pem
        return False, "the signature does not verify", None

    def _public_key(self, fresh: bool) -> str:
        with self._lock:
            if self._key is not None and not fresh:
                return self._key
        assert self.keys_url, "the receiver trusts no meetd yet"
        response = httpx.get(self.keys_url, timeout=5)
        assert response.status_code == 200, response.text
        published = response.json()
        assert published["success"] is True
        key: str = published["data"]["publicKey"]
        with self._lock:
            self._key = key
        return key


class Webhooks:
    """An app's webhooks and their delivery log, through the API."""

    def __init__(self, account: Account, app_id: str) -> None:
        self.account = account
        self.app_id = app_id
        self.path = f"/{app_id}/webhooks"

    def create(
        self, url: str, events: list[str] | None = None, name: str = "hook", **body: Any
    ) -> str:
        body = {"name": name, "url": url, "events": events or ALL_EVENTS, **body}
        response = self.account.post(self.path, json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["id"])

    def get(self, webhook_id: str) -> dict[str, Any]:
        response = self.account.get(f"{self.path}/{webhook_id}")
        assert response.status_code == 200, response.text
        webhook: dict[str, Any] = response.json()["data"]
        return webhook

    def patch(self, webhook_id: str, **body: Any) -> dict[str, Any]:
        response = self.account.patch(f"{self.path}/{webhook_id}", json=body)
        assert response.status_code == 200, response.text
        webhook: dict[str, Any] = response.json()["data"]
        return webhook

    def delete(self, webhook_id: str) -> None:
        response = self.account.delete(f"{self.path}/{webhook_id}")
        assert response.status_code == 200, response.text

    def delete_all(self) -> None:
        for webhook in self.account.get(self.path).json()["data"]:
            self.delete(webhook["id"])

    def log(self, webhook_id: str) -> list[dict[str, Any]]:
        """The webhook's deliveries, newest first (all of them: up to 100)."""
        response = self.account.get(
            f"{self.path}/{webhook_id}/deliveries", params={"per_page": 100}
        )
        assert response.status_code == 200, response.text
        deliveries: list[dict[str, Any]] = response.json()["data"]
        return deliveries

    def settled(self, webhook_id: str, count: int, seconds: float = 10) -> list[dict[str, Any]]:
        """The log, once it holds `count` deliveries and none is PENDING; oldest first."""
        log: list[dict[str, Any]] = []

        def done() -> bool:
            nonlocal log
            log = self.log(webhook_id)
            return len(log) == count and all(d["status"] != "PENDING" for d in log)

        until(done, seconds=seconds, what=f"{count} settled deliveries; the log: {log}")
        return log[::-1]

    def redeliver(self, webhook_id: str, delivery_id: str, **kwargs: Any) -> Any:
        return self.account.post(
            f"{self.path}/{webhook_id}/deliveries/{delivery_id}/redeliver", **kwargs
        )


def new_id() -> str:
    return str(uuid.uuid4())
