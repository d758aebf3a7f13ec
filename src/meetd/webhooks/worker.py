"""The delivery worker of a `meetd serve` process (contract A10).

The worker claims the deliveries that are due and whose turn it is (nothing earlier of the
same meeting pending for the same webhook), for as long as an attempt may take plus a
margin, and sends each on its own: one slow receiver holds up nothing but its own meeting's
next events. Each outcome is written as soon as it is known (on SQLite, the writer commits
the outcomes that arrive together in one go). A process that dies mid-attempt leaves its
claims to run out: another process (or this one, restarted) sends those deliveries again
(at least once).

    2xx                          DELIVERED
    5xx, timeout, no connection  retried after the next wait of the schedule, or FAILED
    any other status             FAILED at once (the real service does not retry those)
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from anyio.to_thread import run_sync
from sqlalchemy.engine import Connection

from meetd import __version__
from meetd.clock import clock
from meetd.config import Settings
from meetd.db.engine import Database
from meetd.webhooks import destinations, store
from meetd.webhooks.keys import WebhookKeys

log = logging.getLogger("meetd.webhooks")
# httpx logs every request at INFO: a line per delivery, and a receiver's URL may carry a
# credential in its query. The delivery log is where attempts are seen.
logging.getLogger("httpx").setLevel(logging.WARNING)
IN_FLIGHT = 200  # attempts under way at once in a process
IDLE_SECONDS = 0.05  # how often an idle worker looks for due deliveries
CLAIM_MARGIN_MS = 5_000
SIGNATURES_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    seq: int
    values: dict[str, Any]


class DeliveryWorker:
    def __init__(self, database: Database, keys: WebhookKeys, settings: Settings) -> None:
        self._database = database
        self._keys = keys
        self._schedule = settings.webhook_retry_schedule
        self._timeout = settings.webhook_timeout
        self._policy = settings.webhook_destinations
        self._stopping = asyncio.Event()
        self._ended = asyncio.Event()  # an attempt ended: its meeting's next may be due
        self._task: asyncio.Task[None] | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        # One signature per event body, whatever the webhooks and attempts it goes to.
        self._signatures: OrderedDict[tuple[str, Any], str] = OrderedDict()
        # Told each attempt's recorded outcome: DELIVERED, PENDING (to retry) or FAILED.
        self.on_outcome: Callable[[str], None] = _ignore

    async def start(self) -> None:
        self._stopping.clear()
        # One client: its pool keeps connections to each destination open.
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT),
            headers={"user-agent": f"meetd/{__version__} webhooks"},
            verify=_tls(),
        )
        self._task = asyncio.create_task(self._loop(), name="meetd-webhooks")

    async def stop(self) -> None:
        """After the attempts under way: what they sent is recorded, not sent again."""
        if self._task is not None:
            self._stopping.set()
            await self._task
            self._task = None
        await asyncio.gather(*self._in_flight)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                claimed = await self.run_once()
            except Exception:  # the database away for a moment: try again
                log.exception("delivering webhooks failed")
                claimed = 0
            if not claimed:
                await self._pause()

    async def _pause(self) -> None:
        """Until an attempt ends, the worker is stopped, or IDLE_SECONDS pass."""
        self._ended.clear()
        waits = [asyncio.ensure_future(event.wait()) for event in (self._stopping, self._ended)]
        await asyncio.wait(waits, timeout=IDLE_SECONDS, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()

    async def run_once(self) -> int:
        """Claim what is due, up to IN_FLIGHT attempts at once, and start sending it; how
        many deliveries it claimed."""
        room = IN_FLIGHT - len(self._in_flight)
        now_ms = clock.now_millis()
        if room <= 0 or not await self._database.scan(store.any_due, now_ms=now_ms):
            return 0
        until_ms = now_ms + int(self._timeout * 1000) + CLAIM_MARGIN_MS
        claimed = await self._database.write(
            store.claim_due, now_ms=now_ms, until_ms=until_ms, limit=room
        )
        if claimed:
            kid, _ = await self._database.read(self._keys.current)
            # An RSA signature takes about a millisecond: they are made in a thread, so that
            # requests keep being served meanwhile.
            await run_sync(self._sign_all, kid, claimed)
            for row in claimed:
                task = asyncio.create_task(self._deliver(row, kid))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
        return len(claimed)

    async def _deliver(self, row: Any, kid: str) -> None:
        try:
            outcome = await self._attempt(row, kid)
            await self._database.write(_record, outcome=outcome)
            self.on_outcome(outcome.values["status"])
        except Exception:  # unrecorded, its claim runs out and it is sent again
            log.exception("a webhook delivery failed unrecorded; it will be sent again")
        finally:
            self._ended.set()

    def _sign_all(self, kid: str, rows: Sequence[Any]) -> None:
        """Each body's signature, made once however many webhooks and attempts it goes to."""
        for row in rows:
            key = (kid, row["event_id"])
            if key not in self._signatures:
                self._signatures[key] = self._keys.sign(kid, row["body"])
        while len(self._signatures) > SIGNATURES_KEPT:
            self._signatures.popitem(last=False)

    async def _attempt(self, row: Any, kid: str) -> Outcome:
        headers = {
            "content-type": "application/json",
            "rtk-signature": self._signatures[kid, row["event_id"]],
            "rtk-uuid": str(row["id"]),
            "rtk-webhook-id": str(row["webhook_id"]),
        }
        attempt = {"attempts": row["attempts"] + 1, "headers": headers}
        assert self._client is not None
        try:
            await destinations.check(row["url"], self._policy)
            # The whole attempt, however slowly the receiver answers, within the timeout.
            async with asyncio.timeout(self._timeout):
                response = await self._client.post(row["url"], content=row["body"], headers=headers)
        except destinations.Refused as refused:
            return self._failed(row, attempt, None, str(refused))
        except destinations.Unresolved as unresolved:
            return self._retry(row, attempt, None, str(unresolved))
        except (TimeoutError, httpx.TimeoutException):
            return self._retry(row, attempt, None, f"no answer within {self._timeout:g} s")
        except httpx.HTTPError as error:
            return self._retry(row, attempt, None, f"{type(error).__name__}: {error}"[:1024])
        code = response.status_code
        if 200 <= code < 300:
            return self._finished(row, attempt, "DELIVERED", code, None)
        if code >= 500:
            return self._retry(row, attempt, code, f"the receiver answered {code}")
        return self._failed(row, attempt, code, f"the receiver answered {code}; not retried")

    def _retry(self, row: Any, attempt: dict[str, Any], code: int | None, error: str) -> Outcome:
        retries = row["attempts"] - row["queued_at_attempt"]  # before this attempt
        if retries >= len(self._schedule):
            return self._failed(row, attempt, code, f"{error}; no retries left")
        wait_ms = int(self._schedule[retries] * 1000)
        outcome = self._finished(row, attempt, "PENDING", code, error)
        outcome.values["next_attempt_ms"] = clock.now_millis() + wait_ms
        return outcome

    def _failed(self, row: Any, attempt: dict[str, Any], code: int | None, error: str) -> Outcome:
        return self._finished(row, attempt, "FAILED", code, error)

    def _finished(
        self, row: Any, attempt: dict[str, Any], status: str, code: int | None, error: str | None
    ) -> Outcome:
        values = {
            **attempt,
            "status": status,
            "status_code": code,
            "error": error,
            "last_attempt_at": clock.now(),
            "next_attempt_ms": None,
            "claimed_until_ms": None,
        }
        return Outcome(row["seq"], values)


def _record(connection: Connection, *, outcome: Outcome) -> None:
    store.record_attempt(connection, outcome.seq, outcome.values)


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of deliveries, made once per process: loading the CA certificates
    takes 30 ms of CPU, which every start of an application would otherwise pay again."""
    return httpx.create_ssl_context()


def _ignore(_status: str) -> None:
    pass
