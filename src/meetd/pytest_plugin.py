"""meetd's pytest plugin (docs/testing.md): a real `meetd serve` for the test session, the
official SDK pointed at it, a fresh app for each test with the activity API, the app clock
and fault rules at hand, and a webhook receiver that verifies what meetd sends.

pytest loads this module in every run of every project that has meetd installed, meetd's own
suite included, so at import it takes only the standard library's light modules and pytest;
each fixture imports what it needs when it runs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    import httpx
    from cloudflare import Cloudflare
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = [
    "MeetdApp",
    "MeetdError",
    "MeetdServer",
    "MeetdWebhooks",
    "RejectedDelivery",
    "WebhookDelivery",
]

START_ATTEMPTS = 3
START_TIMEOUT = 30.0  # seconds for `meetd serve` to answer
STOP_TIMEOUT = 10.0  # seconds for it to exit on SIGTERM before it is killed
LOG_TAIL_LINES = 40
APP_NAME_MAX = 255
WEBHOOK_NAME = "meetd_webhooks"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("meetd", "meetd (a RealtimeKit-compatible server for tests)")
    group.addoption(
        "--meetd-database-url",
        metavar="URL",
        default=None,
        help="database of the meetd server that the meetd_* fixtures start, such as "
        "postgresql://127.0.0.1/meetd_tests (set MEETD_SECRET_KEY for PostgreSQL); "
        "default: a temporary SQLite database per test session, i.e. per xdist worker",
    )


# -- the server -----------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class MeetdServer:
    """The `meetd serve` of this test session (of this xdist worker), and the account whose
    admin API token the fixtures use."""

    url: str  # http://127.0.0.1:PORT
    account_id: str
    api_token: str
    database_url: str
    log_path: Path  # the server's stdout and stderr
    pid: int = field(default=0)

    @property
    def base_url(self) -> str:
        """What the SDKs take as their base URL."""
        return f"{self.url}/client/v4"

    @property
    def kit_url(self) -> str:
        """The account's RealtimeKit API: apps are under it."""
        return f"{self.base_url}/accounts/{self.account_id}/realtime/kit"

    def __repr__(self) -> str:
        # A failing test's report may show it: never the token, nor a database password.
        return (
            f"MeetdServer(url={self.url!r}, account_id={self.account_id!r}, "
            f"database_url={_without_password(self.database_url)!r}, log_path={self.log_path!r})"
        )


_PASSWORD = re.compile(r"(://[^:/@]*:)[^/@]*@")


def _without_password(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


class MeetdStartError(RuntimeError):
    """`meetd serve`, or the account made before it, could not be had."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _meetd_command(*args: str) -> list[str]:
    # The meetd of this interpreter: the one whose plugin this is, so client and server agree.
    return [sys.executable, "-m", "meetd", *args]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # `serve` only defaults MEETD_PUBLIC_URL: an exported one would point this server's
    # download URLs at another server.
    env.pop("MEETD_PUBLIC_URL", None)
    return env


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-LOG_TAIL_LINES:]) or "(empty)"


def _create_account(database_url: str, log_path: Path, env: dict[str, str]) -> tuple[str, str]:
    """A new account and an admin API token for it, by the CLI: it migrates a new database
    first, and a server started after it finds an account and prints no token."""
    account_id = uuid.uuid4().hex
    command = _meetd_command(
        "token", "create", "--account-id", account_id, "--database-url", database_url
    )
    with log_path.open("ab") as log:
        log.write(b"--- meetd token create\n")
        log.flush()
        # The token goes to a pipe, never to the log.
        done = subprocess.run(  # noqa: S603  # our own interpreter, our own arguments
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            timeout=120,
            check=False,
        )
    token = done.stdout.decode().strip()
    if done.returncode != 0 or not token:
        raise MeetdStartError(
            f"`meetd token create` failed (exit status {done.returncode}) on "
            f"{_without_password(database_url)}; the end of {log_path}:\n{_tail(log_path)}"
        )
    return account_id, token


def _serve_command(port: int, database_url: str) -> list[str]:
    return _meetd_command(
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--no-access-log",
        "--log-level",
        "warning",
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _PortTaken(Exception):
    """Something else answers on the port picked: another process bound it first."""


def _wait_ready(
    process: subprocess.Popen[bytes], url: str, account_id: str, token: str, timeout: float
) -> bool:
    """True once the server answers; False if it exited first. Raises _PortTaken when another
    server answers in its place, MeetdStartError when it neither answers nor exits in time."""
    import httpx

    # Listing the apps proves more than a health check would: the routes are up, and the
    # token is valid on this server's database.
    apps = f"{url}/client/v4/accounts/{account_id}/realtime/kit/apps"
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                status = client.get(apps, headers=headers, params={"per_page": 1}).status_code
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            if status == 200:
                return True
            if status < 500:
                raise _PortTaken(f"something else answers {status} on {url}")
            time.sleep(0.05)
    raise MeetdStartError(f"meetd serve did not answer on {url} within {timeout:g} s")


def _start_server(
    database_url: str,
    folder: Path,
    *,
    attempts: int = START_ATTEMPTS,
    timeout: float = START_TIMEOUT,
    command: Callable[[int, str], list[str]] = _serve_command,
) -> tuple[subprocess.Popen[bytes], MeetdServer]:
    log_path = folder / "meetd.log"
    env = _environment()
    account_id, token = _create_account(database_url, log_path, env)
    problems: list[str] = []
    for attempt in range(1, attempts + 1):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            log.write(f"--- meetd serve on port {port} (attempt {attempt})\n".encode())
            log.flush()
            process = subprocess.Popen(  # noqa: S603  # our own interpreter, our own arguments
                command(port, database_url),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        try:
            ready = _wait_ready(process, url, account_id, token, timeout)
        except _PortTaken as taken:
            _stop(process)
            problems.append(str(taken))
            continue
        except BaseException as exc:
            _stop(process)
            if isinstance(exc, MeetdStartError):
                raise MeetdStartError(f"{exc}; the end of {log_path}:\n{_tail(log_path)}") from None
            raise
        if ready:
            server = MeetdServer(
                url=url,
                account_id=account_id,
                api_token=token,
                database_url=database_url,
                log_path=log_path,
                pid=process.pid,
            )
            return process, server
        problems.append(f"exited with status {process.wait()} on port {port}")
    raise MeetdStartError(
        f"meetd serve did not start in {attempts} attempts ({'; '.join(problems)}); "
        f"the end of {log_path}:\n{_tail(log_path)}"
    )


@pytest.fixture(scope="session")
def meetd_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MeetdServer]:
    """A real `meetd serve` on a free port of 127.0.0.1 for the whole session, with an
    account and its admin API token. Its database is --meetd-database-url, or a temporary
    SQLite database of its own (its secret key beside it)."""
    folder = tmp_path_factory.mktemp("meetd")
    database_url = request.config.getoption("meetd_database_url") or (
        f"sqlite:///{folder / 'meetd.db'}"
    )
    try:
        process, server = _start_server(database_url, folder)
    except MeetdStartError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def _meetd_http(meetd_server: MeetdServer) -> Iterator[httpx.Client]:
    """One connection pool for the helpers of every test: opening a client costs more than
    the requests most tests make."""
    import httpx

    headers = {"Authorization": f"Bearer {meetd_server.api_token}"}
    # Longer than the longest delay a fault rule may add (60 s), so that one never times out.
    with httpx.Client(headers=headers, timeout=120.0, trust_env=False) as client:
        yield client


@pytest.fixture(scope="session")
def meetd_client(meetd_server: MeetdServer) -> Iterator[Cloudflare]:
    """The official SDK (`cloudflare.Cloudflare`), pointed at meetd_server with its admin
    token; the SDK's defaults otherwise (it retries a 429 or a 5xx twice)."""
    try:
        from cloudflare import Cloudflare
    except ImportError:
        pytest.fail(
            "meetd_client is the official Cloudflare SDK, which is not installed here: "
            "pip install cloudflare",
            pytrace=False,
        )
    client = Cloudflare(api_token=meetd_server.api_token, base_url=meetd_server.base_url)
    # The SDK prefers these to the token, and takes them from the environment when not
    # given: a developer's own Cloudflare credentials would be sent to meetd instead.
    client.api_key = client.api_email = client.user_service_key = None
    try:
        yield client
    finally:
        client.close()


# -- an app ---------------------------------------------------------------------------------


class MeetdError(Exception):
    """meetd answered a helper's request with an error (not 2xx)."""

    def __init__(self, status: int, code: int, message: str, method: str, path: str) -> None:
        super().__init__(status, code, message, method, path)
        self.status = status
        self.code = code
        self.message = message
        self.method = method
        self.path = path

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.status} (code {self.code}) {self.message}"


def _error(response: httpx.Response, method: str, path: str) -> MeetdError:
    try:
        error = response.json()["error"]
        code, message = int(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        code, message = response.status_code, response.text[:500]
    return MeetdError(response.status_code, code, message, method, path)


def _segment(value: object) -> str:
    return quote(str(value), safe="")


def _present(**body: Any) -> dict[str, Any]:
    """A request body of the arguments given: meetd applies its own defaults to the rest."""
    return {name: value for name, value in body.items() if value is not None}


class MeetdApp:
    """An app of its own for one test, and the meetd extensions that drive it: the activity
    API (docs/simulation.md), the app clock, resetting the app, and fault rules. Each helper
    returns the `data` of meetd's answer, and raises MeetdError on an error."""

    def __init__(self, server: MeetdServer, http: httpx.Client, app_id: str, name: str) -> None:
        self.server = server
        self.id = app_id
        self.name = name
        self.url = f"{server.kit_url}/{_segment(app_id)}"
        self._http = http
        self._peers: dict[str, str] = {}  # peer id -> meeting id, for leave()
        self._after_reset: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        return f"MeetdApp(id={self.id!r}, name={self.name!r})"

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """Any operation under the app's path (`/meetings`, `/simulate/chat`...): the
        answer's `data`."""
        response = self._http.request(
            method, self.url + path, json=body, params=_present(**params) or None
        )
        if not response.is_success:
            raise _error(response, method, path)
        return response.json()["data"]

    # -- the activity API

    def join(
        self,
        meeting_id: str,
        *,
        participant_id: str | None = None,
        custom_participant_id: str | None = None,
        token: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A participant joins (give exactly one of the three): a new peer, and the meeting's
        session started if it has none. Answers peer_id, session_id, participant_id,
        custom_participant_id and joined_at."""
        body = _present(
            token=token,
            participant_id=participant_id,
            custom_participant_id=custom_participant_id,
            metadata=metadata,
        )
        joined: dict[str, Any] = self.request(
            "POST", f"/meetings/{_segment(meeting_id)}/simulate/join", body
        )
        self._peers[str(joined["peer_id"])] = str(meeting_id)
        return joined

    def _meeting_of(self, peer_id: str, meeting_id: str | None) -> str:
        if meeting_id is not None:
            return meeting_id
        try:
            return self._peers[str(peer_id)]
        except KeyError:
            raise ValueError(
                f"peer {peer_id} did not join through this MeetdApp: pass its meeting_id="
            ) from None

    def leave(self, peer_id: str, *, meeting_id: str | None = None) -> dict[str, Any]:
        """A peer leaves; the last one out starts the session's keep-alive (60 s by
        default, on the app clock). `meeting_id` only for a peer that join() did not make."""
        meeting = self._meeting_of(peer_id, meeting_id)
        left: dict[str, Any] = self.request(
            "POST", f"/meetings/{_segment(meeting)}/simulate/leave", {"peer_id": str(peer_id)}
        )
        return left

    def chat(self, peer_id: str, message: str, *, meeting_id: str | None = None) -> dict[str, Any]:
        """A peer in the session sends a chat message."""
        meeting = self._meeting_of(peer_id, meeting_id)
        sent: dict[str, Any] = self.request(
            "POST",
            f"/meetings/{_segment(meeting)}/simulate/chat",
            {"peer_id": str(peer_id), "message": message},
        )
        return sent

    def speak(
        self,
        peer_id: str,
        text: str,
        *,
        duration_ms: int | None = None,
        meeting_id: str | None = None,
    ) -> dict[str, Any]:
        """A peer in the session says `text` (the transcript's material)."""
        meeting = self._meeting_of(peer_id, meeting_id)
        said: dict[str, Any] = self.request(
            "POST",
            f"/meetings/{_segment(meeting)}/simulate/speak",
            _present(peer_id=str(peer_id), text=text, duration_ms=duration_ms),
        )
        return said

    # -- the clock

    def clock(self) -> dict[str, Any]:
        """The app's time: now and offset_seconds."""
        now: dict[str, Any] = self.request("GET", "/simulate/clock")
        return now

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Moves the app's clock forward, running the timers that fall due (such as a
        session's end) before it answers: now, offset_seconds and timers_run."""
        moved: dict[str, Any] = self.request(
            "POST", "/simulate/clock/advance", {"seconds": seconds}
        )
        return moved

    # -- reset and faults

    def reset(self) -> dict[str, Any]:
        """Empties the app (meetings, sessions, webhooks...), keeping its presets."""
        done: dict[str, Any] = self.request("DELETE", "/simulate/state")
        self._peers.clear()
        for then in self._after_reset:
            then()
        return done

    def add_fault(
        self,
        *,
        path: str,
        status: int | None = None,
        method: str = "*",
        rate: float = 1.0,
        count: int | None = None,
        latency_ms: int = 0,
        seed: int | None = None,
        retry_after: int | None = None,
    ) -> dict[str, Any]:
        """A fault rule: the app's requests whose path (without /client/v4) matches the
        shell-style `path` answer `status` (429, 500, 502, 503), or late by `latency_ms`."""
        body = _present(
            path=path,
            status=status,
            method=method,
            rate=rate,
            count=count,
            latency_ms=latency_ms,
            seed=seed,
            retry_after=retry_after,
        )
        rule: dict[str, Any] = self.request("POST", "/simulate/faults", body)
        return rule

    def faults(self) -> list[dict[str, Any]]:
        """The app's fault rules, with how many requests each matched and faulted."""
        rules: list[dict[str, Any]] = self.request("GET", "/simulate/faults")
        return rules

    def clear_faults(self) -> list[dict[str, Any]]:
        """Removes every fault rule of the app; answers those removed."""
        removed: list[dict[str, Any]] = self.request("DELETE", "/simulate/faults")
        return removed


def _app_name(request: pytest.FixtureRequest) -> str:
    # The end of a long node id is what tells tests apart.
    return request.node.nodeid[-APP_NAME_MAX:] or "meetd_app"


@pytest.fixture
def meetd_app(
    request: pytest.FixtureRequest, meetd_server: MeetdServer, _meetd_http: httpx.Client
) -> MeetdApp:
    """A new app of meetd_server for this test alone, named after the test."""
    name = _app_name(request)
    response = _meetd_http.post(f"{meetd_server.kit_url}/apps", json={"name": name})
    if response.status_code != 201:
        raise _error(response, "POST", "/apps")
    app = response.json()["data"]["app"]
    return MeetdApp(meetd_server, _meetd_http, str(app["id"]), str(app["name"]))


# -- webhooks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookDelivery:
    """A delivery that verified: its event, its JSON payload and its headers (lower case)."""

    event: str
    payload: dict[str, Any]
    headers: dict[str, str]

    @property
    def uuid(self) -> str:
        return self.headers.get("rtk-uuid", "")


@dataclass(frozen=True)
class RejectedDelivery:
    """A request to the receiver that did not verify, answered 401 (400: not an event)."""

    reason: str
    headers: dict[str, str]
    body: bytes = field(repr=False)


_SIGNED_HEADERS = ("rtk-signature", "rtk-uuid", "rtk-webhook-id")


def _verifies(key: RSAPublicKey, signature: bytes, body: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


class MeetdWebhooks:
    """A webhook receiver on a free port of 127.0.0.1, subscribed to every event of an app.
    It verifies each delivery as RealtimeKit's receivers do (docs/webhooks.md) and collects
    those that verify; wait_for() hands them to the test, event by event, in order."""

    def __init__(self, app: MeetdApp) -> None:
        self.app = app
        self.url = ""
        self.webhook_id = ""
        self.events: tuple[str, ...] = ()
        self._condition = threading.Condition()
        self._deliveries: list[WebhookDelivery] = []
        self._rejected: list[RejectedDelivery] = []
        self._uuids: set[str] = set()
        self._taken: dict[str, int] = {}  # event -> deliveries of it wait_for() has returned
        self._key: RSAPublicKey | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"MeetdWebhooks(url={self.url!r}, webhook_id={self.webhook_id!r})"

    # -- what a test reads

    @property
    def received(self) -> list[tuple[str, dict[str, Any]]]:
        """(event, payload) of each delivery that verified, in the order they arrived."""
        with self._condition:
            return [(d.event, d.payload) for d in self._deliveries]

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        with self._condition:
            return list(self._deliveries)

    @property
    def rejected(self) -> list[RejectedDelivery]:
        with self._condition:
            return list(self._rejected)

    def wait_for(self, event: str, timeout: float = 10.0) -> dict[str, Any]:
        """The payload of the next delivery of `event` that no earlier wait_for returned,
        waiting up to `timeout` seconds for it. Fails if any delivery did not verify."""
        if self.events and event not in self.events:
            raise ValueError(f"no such event: {event!r}; meetd sends {', '.join(self.events)}")
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                if self._rejected:
                    raise AssertionError(self._rejection_report())
                taken = self._taken.get(event, 0)
                matching = [d for d in self._deliveries if d.event == event]
                if len(matching) > taken:
                    self._taken[event] = taken + 1
                    return matching[taken].payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(event, taken, timeout))
                self._condition.wait(remaining)

    def _rejection_report(self) -> str:
        reasons = "; ".join(r.reason for r in self._rejected)
        return f"the webhook receiver rejected {len(self._rejected)} delivery(ies): {reasons}"

    def _timeout_report(self, event: str, taken: int, timeout: float) -> str:
        which = f"a delivery of {event!r}" if taken == 0 else f"delivery {taken + 1} of {event!r}"
        got = ", ".join(d.event for d in self._deliveries) or "nothing"
        return f"no {which} within {timeout:g} s; received: {got}"

    # -- setting up and down

    def _start(self) -> None:
        self._server = _receiver_server(self)
        port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"meetd_webhooks:{port}",
            daemon=True,
        )
        self._thread.start()

    def _subscribe(self) -> None:
        """A webhook of the app for every event it may take, to this receiver."""
        self.events = tuple(self.app.request("GET", "/webhooks/all"))
        self._fetch_key()
        body = {"name": WEBHOOK_NAME, "url": self.url, "events": list(self.events)}
        webhook = self.app.request("POST", "/webhooks", body)
        with self._condition:
            self.webhook_id = str(webhook["id"])

    def _resubscribe(self) -> None:
        """After the app was reset: the reset deleted the webhook, and what the test had yet
        to see went with the app's events."""
        with self._condition:
            self._deliveries.clear()
            self._uuids.clear()
            self._taken.clear()
            self.webhook_id = ""  # a late delivery of the old webhook is stale
        self._subscribe()

    def _stop(self) -> None:
        if self.webhook_id:
            # Deleting it drops its pending deliveries: none is retried at this port, which
            # a later test's receiver may have.
            try:
                self.app.request("DELETE", f"/webhooks/{_segment(self.webhook_id)}")
            except MeetdError as exc:
                if exc.status != 404:
                    raise
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- what the receiver's threads do

    def _fetch_key(self) -> RSAPublicKey:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

        response = self.app._http.get(f"{self.app.server.url}/.well-known/webhooks.json")
        if not response.is_success:
            raise _error(response, "GET", "/.well-known/webhooks.json")
        pem = response.json()["data"]["publicKey"]
        key = serialization.load_pem_public_key(pem.encode())
        if not isinstance(key, RSAPublicKey):
            raise TypeError(f"meetd published a {type(key).__name__}, not an RSA public key")
        with self._condition:
            self._key = key
        return key

    def _signature_problem(self, headers: dict[str, str], body: bytes) -> str | None:
        import base64
        import binascii

        missing = [name for name in _SIGNED_HEADERS if not headers.get(name)]
        if missing:
            return f"no {', '.join(missing)} header"
        try:
            signature = base64.b64decode(headers["rtk-signature"], validate=True)
        except binascii.Error:
            return "rtk-signature is not base64"
        with self._condition:
            key = self._key
        if key is not None and _verifies(key, signature, body):
            return None
        # Keys rotate (`meetd keys rotate --webhooks`): a signature that fails with the key
        # at hand gets one more try with the key published now.
        if _verifies(self._fetch_key(), signature, body):
            return None
        return "the signature does not verify with the key meetd publishes"

    def _receive(self, headers: dict[str, str], body: bytes) -> int:
        """The status to answer a POST with."""
        status = 401
        try:
            problem = self._signature_problem(headers, body)
        except Exception as exc:  # the key could not be had: meetd will send it again
            problem, status = f"the receiver could not verify it: {exc!r}", 500
        payload: Any = None
        if problem is None:
            status = 400
            try:
                payload = json.loads(body)
            except ValueError:
                problem = "the body is not JSON"
            else:
                if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
                    problem = "the body is not an event: it has no event name"
        with self._condition:
            if problem is not None:
                self._rejected.append(RejectedDelivery(problem, headers, body))
                self._condition.notify_all()
                return status
            if headers["rtk-webhook-id"] != self.webhook_id:
                # Another webhook's delivery, signed by the same meetd, to a port this
                # receiver now has: fail it (a 4xx is not retried) and let it pass unseen.
                return 410
            delivery_id = headers["rtk-uuid"]
            if delivery_id not in self._uuids:  # at least once: drop repeats
                self._uuids.add(delivery_id)
                self._deliveries.append(WebhookDelivery(payload["event"], payload, headers))
                self._condition.notify_all()
            return 200


def _receiver_server(receiver: MeetdWebhooks) -> ThreadingHTTPServer:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            # The raw bytes, as signed: verified before they are parsed.
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = receiver._receive(headers, body)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # an access log line per delivery would only clutter pytest's output

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def meetd_webhooks(meetd_app: MeetdApp) -> Iterator[MeetdWebhooks]:
    """A verifying webhook receiver, subscribed to every event of meetd_app."""
    receiver = MeetdWebhooks(meetd_app)
    receiver._start()
    try:
        receiver._subscribe()
        meetd_app._after_reset.append(receiver._resubscribe)
        yield receiver
    finally:
        receiver._stop()
