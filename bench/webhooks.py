"""The webhooks part of meetd's benchmark (bench/README.md, part 4): a real `meetd serve`
delivering to a receiver in a process of its own (bench/receiver.py), which verifies every
delivery's signature and records when it arrived. One webhook takes all nine events.

1. Burst: `meetings` meetings with `joins` participants joining each (the first join also
   starts the meeting: `joins + 1` events a meeting, 10,000 in all), as fast as 64 clients
   get them in; from the first request to the last verified delivery, with every delivery
   checked: verified, none missing, none twice, each meeting's in order.
2. Steady: joins paced at `rate` a second for `seconds`; the latency from each join's
   request (sent, and answered) to the arrival of the events it caused.
3. Queued: get meeting under wrk (as the throughput part) with the receiver down and
   10,000 deliveries PENDING, against the same with none pending, back to back.

The joins are made by this process, pinned to LOAD_CORE with the receiver and wrk; meetd is
pinned to SERVER_CORE, as in the other parts.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from run import (
    CONNECTIONS,
    LOAD_CORE,
    SECRET_KEY,
    WARMUP_SECONDS,
    Operation,
    Result,
    Target,
    load,
    load_meetings,
    measure,
    median,
    meetd_server,
    postgres_url,
    report,
    serving,
)
from sqlalchemy import func, insert, select

from meetd.accounts import service as accounts
from meetd.apps import service as apps
from meetd.config import Settings
from meetd.db import tables
from meetd.deployment import open_deployment
from meetd.presets import service as presets
from meetd.webhooks.schemas import EVENT_NAMES

RECEIVER = Path(__file__).resolve().parent / "receiver.py"
CLIENTS = 64  # concurrent clients of the burst, as wrk's connections elsewhere
ANSWER_SECONDS = 60  # at most, for meetd to answer a join
IDLE_SECONDS = 2  # a connection idle for longer is closed, not used again
# The targets (bench/README.md), judged on SQLite.
BURST_SECONDS = 20.0
STEADY_P99_MS = 500.0
QUEUED_OF_IDLE = 0.8


@dataclass
class Sizes:
    meetings: int  # of a burst, and of each queued run
    joins: int  # per meeting: events = meetings * (joins + 1)
    rate: float  # steady joins a second
    seconds: float  # of the steady part
    wait: float  # at most, for the deliveries of a burst or of the steady part

    @property
    def events(self) -> int:
        return self.meetings * (self.joins + 1)

    @property
    def steady_joins(self) -> int:
        return round(self.rate * self.seconds)


FULL = Sizes(meetings=100, joins=99, rate=50.0, seconds=30.0, wait=300.0)
SMOKE = Sizes(meetings=10, joins=9, rate=50.0, seconds=1.0, wait=30.0)


@dataclass
class App:
    account_id: str
    token: str
    app_id: str
    burst: list[str]  # meetings
    steady: list[str]
    queued: list[list[str]]  # one set of meetings per run

    @property
    def kit(self) -> str:
        return f"/client/v4/accounts/{self.account_id}/realtime/kit/{self.app_id}"


@dataclass
class Join:
    meeting: str
    participant: str
    sent: float = 0.0  # time.monotonic(), as the receiver's
    answered: float = 0.0
    status: int = 0
    peer: str | None = None
    session: str | None = None


# -- data ---------------------------------------------------------------------------------


def prepare(database_url: str, sizes: Sizes, runs: int) -> App:
    """An account, a token and an app with one set of meetings for the burst, one for the
    steady part and one per queued run, each meeting with its participants `p-0`, ..."""
    deployment = open_deployment(Settings(database_url=database_url, secret_key=SECRET_KEY))
    with deployment.database.transaction() as connection:
        account_id = uuid.uuid4().hex
        token = accounts.create_token(connection, account_id=account_id)
        app = apps.create_app(connection, account_id=account_id, name="bench")
    per_meeting = max(sizes.joins, -(-sizes.steady_joins // sizes.meetings))
    count = sizes.meetings * (2 + runs)
    load_meetings(deployment, app.id, count, datetime.now(UTC).replace(microsecond=0))
    meetings = tables.meetings.c
    with deployment.database.transaction() as connection:
        ids = list(
            connection.scalars(
                select(meetings.id).where(meetings.app_id == app.id).order_by(meetings.created_at)
            )
        )
        preset = presets.get_preset_for_participant(
            connection, app_id=app.id, name="group_call_participant"
        )
        for meeting in ids:
            connection.execute(
                insert(tables.participants),
                [
                    {
                        "id": uuid.uuid4(),
                        "meeting_id": meeting,
                        "custom_participant_id": f"p-{n}",
                        "preset_id": preset["id"],
                        "token_generation": 0,
                    }
                    for n in range(per_meeting)
                ],
            )
    deployment.database.dispose()
    names = [str(m) for m in ids]
    size = sizes.meetings
    return App(
        account_id,
        token,
        str(app.id),
        burst=names[:size],
        steady=names[size : 2 * size],
        queued=[names[(2 + run) * size : (3 + run) * size] for run in range(runs)],
    )


@contextmanager
def reading(database_url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(Settings(database_url=database_url).database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def deliveries_of(database_url: str, meetings: list[str]) -> dict[str, tuple[int, str, str]]:
    """The deliveries of these meetings' events: rtk-uuid -> (seq, meeting, status)."""
    d = tables.deliveries.c
    ids = [uuid.UUID(m) for m in meetings]
    query = select(d.id, d.seq, d.meeting_id, d.status).where(d.meeting_id.in_(ids))
    with reading(database_url) as connection:
        return {
            str(row.id): (row.seq, str(row.meeting_id), row.status)
            for row in connection.execute(query)
        }


def pending(database_url: str) -> int:
    d = tables.deliveries.c
    with reading(database_url) as connection:
        count = connection.scalar(
            select(func.count()).select_from(tables.deliveries).where(d.status == "PENDING")
        )
        return int(count or 0)


# -- the receiver -------------------------------------------------------------------------


@contextmanager
def receiving(meetd: str) -> Iterator[str]:
    """The receiver, pinned to LOAD_CORE; yields its base URL."""
    command = [sys.executable, str(RECEIVER), "--key-url", f"{meetd}/.well-known/webhooks.json"]
    with serving(command, {}, core=LOAD_CORE) as (base, _):
        yield base


def stats(receiver: str) -> dict[str, int]:
    answer: dict[str, int] = httpx.get(f"{receiver}/_stats", timeout=30).json()
    return answer


def records(receiver: str) -> list[list[Any]]:
    answer: list[list[Any]] = httpx.get(f"{receiver}/_records", timeout=60).json()
    return answer


def wait_for(receiver: str, count: int, seconds: float) -> bool:
    """Until the receiver has `count` deliveries or `seconds` passed: whether it has."""
    deadline = time.monotonic() + seconds
    while stats(receiver)["received"] < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- the joins ----------------------------------------------------------------------------


def spread(meetings: list[str], joins: int) -> list[Join]:
    """Round the meetings, one participant at a time: every meeting live at once."""
    return [Join(m, f"p-{n}") for n in range(joins) for m in meetings]


class Client:
    """HTTP/1.1 with keep-alive, straight on asyncio's streams, one request at a time on each
    connection: httpx's connection pool could not pass ~120 joins a second from one core at
    64 connections (wrk sends ~870 a second to the same server), so it measured itself."""

    def __init__(self, base: str, app: App) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.prefix = app.kit
        self.head = (
            f"Host: {parts.netloc}\r\nAuthorization: Bearer {app.token}\r\n"
            "Content-Type: application/json\r\n"
        ).encode()
        # connections idle since: meetd (uvicorn) closes one idle for 5 s, so one idle for
        # IDLE_SECONDS is not used again, lest a join be sent as the server closes it
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._open: list[asyncio.StreamWriter] = []

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < IDLE_SECONDS and not reader.at_eof():
                return reader, writer
            writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self._open.append(writer)
        return reader, writer

    async def join(self, join: Join) -> None:
        """The join, on an idle connection or a new one; its times, status and answer."""
        reader, writer = await self._connection()
        body = b'{"custom_participant_id": "%s"}' % join.participant.encode()
        path = f"{self.prefix}/meetings/{join.meeting}/simulate/join".encode()
        join.sent = time.monotonic()
        writer.write(
            b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s"
            % (path, self.head, len(body), body)
        )
        head, answer = await asyncio.wait_for(self._answer(reader), ANSWER_SECONDS)
        join.answered = time.monotonic()
        join.status = int(head.split(b" ", 2)[1])
        self._idle.append((reader, writer, time.monotonic()))
        if join.status == 201:
            data = json.loads(answer)["data"]
            join.peer, join.session = data["peer_id"], data["session_id"]

    @staticmethod
    async def _answer(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return head, await reader.readexactly(length)

    async def close(self) -> None:
        for writer in self._open:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in self._open), return_exceptions=True)


async def as_fast_as_taken(base: str, app: App, joins: list[Join]) -> None:
    """CLIENTS clients, each sending its next join as soon as its last is answered."""
    queue = iter(joins)
    http = Client(base, app)

    async def one_client() -> None:
        for join in queue:
            await http.join(join)

    try:
        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
    finally:
        await http.close()


async def paced(base: str, app: App, joins: list[Join], rate: float) -> None:
    """Each join sent at its time (`rate` a second), whether the last was answered or not."""
    http = Client(base, app)
    try:
        # unrecorded, to open a connection: a meeting of the burst, live already, so that its
        # one event (participantJoined) is not taken for another join's
        await http.join(Join(app.burst[0], "p-0"))
        start = time.monotonic() + 0.1
        tasks = []
        for n, join in enumerate(joins):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            tasks.append(asyncio.create_task(http.join(join)))
        await asyncio.gather(*tasks)
    finally:
        await http.close()


def check(
    received: list[list[Any]], expected: dict[str, tuple[int, str, str]], webhook_id: str
) -> dict[str, Any]:
    """Every delivery verified, none missing, none twice, each meeting's in order."""
    mine = [r for r in received if r[0] in expected]
    arrivals: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for delivery, arrived, *_ in mine:
        seq, meeting, _ = expected[delivery]
        arrivals[meeting].append((arrived, seq))
    out_of_order = sum(
        1
        for each in arrivals.values()
        for (_, earlier), (_, later) in zip(sorted(each), sorted(each)[1:], strict=False)
        if later < earlier
    )
    distinct = {r[0] for r in mine}
    return {
        "expected": len(expected),
        "received": len(mine),
        "verified": sum(1 for r in mine if r[2]),
        "unverified": sum(1 for r in mine if not r[2]),
        "missing": len(expected.keys() - distinct),
        "duplicates": len(mine) - len(distinct),
        "unexpected": len(received) - len(mine),
        "wrong_webhook_id": sum(1 for r in mine if r[3] != webhook_id),
        "out_of_order": out_of_order,
        "not_delivered_in_db": sum(1 for *_, status in expected.values() if status != "DELIVERED"),
    }


def all_good(checked: dict[str, Any]) -> bool:
    return bool(
        checked["received"] == checked["verified"] == checked["expected"]
        and not any(
            checked[k]
            for k in (
                "missing",
                "duplicates",
                "unexpected",
                "wrong_webhook_id",
                "out_of_order",
                "not_delivered_in_db",
            )
        )
    )


def burst(
    base: str, receiver: str, database_url: str, app: App, webhook: str, sizes: Sizes
) -> dict[str, Any]:
    joins = spread(app.burst, sizes.joins)
    httpx.post(f"{receiver}/_reset", timeout=30)
    asyncio.run(as_fast_as_taken(base, app, joins))
    complete = wait_for(receiver, sizes.events, sizes.wait)
    received = records(receiver)
    first_sent = min(j.sent for j in joins)
    last_answered = max(j.answered for j in joins)
    arrivals = sorted(r[1] for r in received if r[2])
    checked = check(received, deliveries_of(database_url, app.burst), webhook)
    statuses = [j.status for j in joins]
    out: dict[str, Any] = {
        "meetings": sizes.meetings,
        "joins": len(joins),
        "events": sizes.events,
        "joins_refused": sum(1 for s in statuses if s != 201),
        "complete": complete,
        "create_seconds": last_answered - first_sent,
        "total_seconds": (arrivals[-1] - first_sent) if arrivals else None,
        "first_delivery_seconds": (arrivals[0] - first_sent) if arrivals else None,
        "drain_seconds": (arrivals[-1] - last_answered) if arrivals else None,
        "checks": checked,
        "all_good": complete and all_good(checked) and all(s == 201 for s in statuses),
    }
    out["joins_per_second"] = len(joins) / out["create_seconds"]
    if arrivals:
        out["deliveries_per_second"] = len(arrivals) / out["total_seconds"]
        window = arrivals[-1] - arrivals[0]
        out["deliveries_per_second_while_delivering"] = len(arrivals) / window if window else None
    print(
        f"webhooks burst: {len(joins):,} joins ({sizes.events:,} events) in "
        f"{out['create_seconds']:.1f} s ({out['joins_per_second']:.0f}/s); last verified "
        f"delivery {_s(out['total_seconds'])} after the first request; "
        f"{'all delivered, verified, once, in order' if out['all_good'] else 'CHECKS FAILED'}"
        f" {checked}",
        flush=True,
    )
    return out


def steady(base: str, receiver: str, app: App, sizes: Sizes) -> dict[str, Any]:
    meetings = app.steady
    joins = [
        Join(meetings[n % len(meetings)], f"p-{n // len(meetings)}")
        for n in range(sizes.steady_joins)
    ]
    httpx.post(f"{receiver}/_reset", timeout=30)
    asyncio.run(paced(base, app, joins, sizes.rate))
    starts = {j.session for j in joins if j.session}
    expected = len(joins) + len(starts) + 1  # the unrecorded first join's event
    complete = wait_for(receiver, expected, sizes.wait)
    by_peer = {j.peer: j for j in joins if j.peer}
    by_session: dict[str, Join] = {}
    for j in sorted(joins, key=lambda j: j.sent):
        if j.session:
            by_session.setdefault(j.session, j)  # the join that started the session
    from_sent, from_answered = [], []
    for _, arrived, verified, _, event, _, session, peer in records(receiver):
        if not verified:
            continue
        cause = by_peer.get(peer) if event == "meeting.participantJoined" else None
        if event == "meeting.started":
            cause = by_session.get(session)
        if cause is None:
            continue
        from_sent.append((arrived - cause.sent) * 1000)
        from_answered.append((arrived - cause.answered) * 1000)
    elapsed = max(j.sent for j in joins) - min(j.sent for j in joins)
    out: dict[str, Any] = {
        "rate": sizes.rate,
        "seconds": sizes.seconds,
        "joins": len(joins),
        "joins_refused": sum(1 for j in joins if j.status != 201),
        "sent_per_second": (len(joins) - 1) / elapsed if elapsed else None,
        "events": len(from_sent),
        "complete": complete,
        "from_sent_ms": _percentiles(from_sent),
        "from_answered_ms": _percentiles(from_answered),
        "join_ms": _percentiles([(j.answered - j.sent) * 1000 for j in joins]),
    }
    sent, answered = out["from_sent_ms"], out["from_answered_ms"]
    print(
        f"webhooks steady: {len(joins):,} joins at {sizes.rate:g}/s, {len(from_sent):,} events; "
        f"from the request sent p50 {sent['p50']:.1f} ms p99 {sent['p99']:.1f} ms; from its "
        f"answer p50 {answered['p50']:.1f} ms p99 {answered['p99']:.1f} ms",
        flush=True,
    )
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {"p50": at(0.5), "p99": at(0.99), "max": ordered[-1], "mean": statistics.fmean(values)}


def _s(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.1f} s"


def queued(
    args: Any, base: str, database_url: str, app: App, webhook: str, database: str, sizes: Sizes
) -> tuple[list[Result], dict[str, Any]]:
    """get meeting under wrk with nothing pending, then with `sizes.events` deliveries
    PENDING (the receiver is down: each meeting's first is retried after its wait, the rest
    wait their turn), `args.runs` times back to back. Each run queues its own meetings' events;
    disabling the webhook after it fails them (nothing pending again), and it is enabled again
    for the next run."""
    op = Operation("get meeting", "GET", "", [f"{app.kit}/meetings/{app.burst[0]}"])
    hook = f"{base}{app.kit}/webhooks/{webhook}"
    headers = {"Authorization": f"Bearer {app.token}"}
    none = f"{database}, none queued"
    some = f"{database}, {sizes.events:,} queued"
    load(base, op, app.token, WARMUP_SECONDS, CONNECTIONS)  # unrecorded
    runs: dict[str, list[Result]] = {none: [], some: []}
    pending_idle, pending_before, pending_after, queue_seconds = [], [], [], []
    for run in range(args.runs):
        pending_idle.append(pending(database_url))
        runs[none].append(measure(base, op, app.token, none, args.seconds, CONNECTIONS))
        joins = spread(app.queued[run], sizes.joins)
        started = time.monotonic()
        asyncio.run(as_fast_as_taken(base, app, joins))
        queue_seconds.append(time.monotonic() - started)
        refused = sum(1 for j in joins if j.status != 201)
        if refused:
            print(f"webhooks queued: {refused} joins refused", file=sys.stderr)
        pending_before.append(pending(database_url))
        runs[some].append(measure(base, op, app.token, some, args.seconds, CONNECTIONS))
        pending_after.append(pending(database_url))
        for enabled in (False, True):
            answer = httpx.patch(hook, json={"enabled": enabled}, headers=headers, timeout=60)
            answer.raise_for_status()
        if args.runs > 1:
            for each in (runs[none][-1], runs[some][-1]):
                report(each, f"run {run + 1} of {args.runs}")
    idle, busy = median(runs[none]), median(runs[some])
    busy.extra = {"of_none_queued": busy.requests_per_second / idle.requests_per_second}
    for result in (idle, busy):
        report(result, f"median of {args.runs}" if args.runs > 1 else "")
    details = {
        "events_queued_per_run": sizes.events,
        "pending_with_none_queued": pending_idle,
        "pending_before": pending_before,
        "pending_after": pending_after,
        "queue_seconds": queue_seconds,
        "none_queued": _brief(idle),
        "queued": _brief(busy),
        "of_none_queued": busy.extra["of_none_queued"],
    }
    print(
        f"webhooks queued: get meeting {busy.requests_per_second:,.0f}/s with "
        f"{min(pending_before):,}-{max(pending_before):,} pending against "
        f"{idle.requests_per_second:,.0f}/s with none: {details['of_none_queued']:.0%}",
        flush=True,
    )
    return [idle, busy], details


def _brief(result: Result) -> dict[str, Any]:
    return {
        "requests_per_second": result.requests_per_second,
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "errors": result.errors,
    }


def create_webhook(base: str, app: App, url: str) -> str:
    answer = httpx.post(
        f"{base}{app.kit}/webhooks",
        json={"name": "bench", "url": url, "events": list(EVENT_NAMES)},
        headers={"Authorization": f"Bearer {app.token}"},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    webhook: str = answer.json()["data"]["id"]
    return webhook


def webhooks(args: Any, folder: Path) -> tuple[list[Result], dict[str, Any]]:
    """The three measures on SQLite, and on PostgreSQL when a server answers (unless
    --sqlite-only); the get meeting runs as Results, and everything in a summary by database."""
    sizes = SMOKE if args.smoke else FULL
    databases = {"sqlite": f"sqlite:///{folder}/webhooks.db"}
    if not args.sqlite_only and (url := postgres_url()):
        databases["postgresql"] = url
    results: list[Result] = []
    summary: dict[str, Any] = {}
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {int(LOAD_CORE)})  # with the receiver and wrk, off meetd's core
    try:
        for database, url in databases.items():
            app = prepare(url, sizes, args.runs)
            with meetd_server(url) as (base, _):
                with receiving(base) as receiver:
                    webhook = create_webhook(base, app, f"{receiver}/hook")
                    burst_out = burst(base, receiver, url, app, webhook, sizes)
                    steady_out = steady(base, receiver, app, sizes)
                # the receiver is down from here
                ran, queued_out = queued(args, base, url, app, webhook, database, sizes)
            results += ran
            summary[database] = {"burst": burst_out, "steady": steady_out, "queued": queued_out}
    finally:
        os.sched_setaffinity(0, affinity)
    return results, summary


def judge(summary: dict[str, Any]) -> list[Target]:
    """The three targets, on SQLite."""
    found = summary.get("sqlite")
    sizes = FULL
    burst_out = found["burst"] if found else None
    steady_out = found["steady"] if found else None
    queued_out = found["queued"] if found else None
    events = burst_out["events"] if burst_out else sizes.events
    rate = steady_out["rate"] if steady_out else sizes.rate
    measured = burst_out["total_seconds"] if burst_out else None
    burst_met = (
        None
        if burst_out is None
        else bool(burst_out["all_good"] and measured is not None and measured < BURST_SECONDS)
    )
    p99 = steady_out["from_sent_ms"]["p99"] if steady_out else None
    ratio = queued_out["of_none_queued"] if queued_out else None
    return [
        Target(
            f"{events:,} webhook events delivered, verified, each once, < {BURST_SECONDS:g} s "
            "(SQLite)",
            "webhooks burst",
            "sqlite",
            "seconds",
            BURST_SECONDS,
            measured,
            burst_met,
        ),
        Target(
            f"webhook p99 from a join's request to its event's delivery < {STEADY_P99_MS:g} ms "
            f"at {rate:g} joins/s (SQLite)",
            "webhooks steady",
            "sqlite",
            "p99",
            STEADY_P99_MS,
            p99,
            None if p99 is None else p99 < STEADY_P99_MS,
        ),
        Target(
            f"get meeting with {events:,} webhooks queued ≥ {QUEUED_OF_IDLE:g} of its rate with "
            "none (SQLite)",
            "get meeting",
            "sqlite",
            "idle",
            QUEUED_OF_IDLE,
            ratio,
            None if ratio is None else ratio >= QUEUED_OF_IDLE,
        ),
    ]


def table(summary: dict[str, Any]) -> str:
    """The webhooks part as a Markdown table, a column per database."""
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = [
        "| webhooks | " + " | ".join(names[d] for d in summary) + " |",
        "|---|" + "---:|" * len(summary),
    ]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(s) for s in summary.values()) + " |")

    first = next(iter(summary.values()))
    events, joins = first["burst"]["events"], first["burst"]["joins"]
    row(
        f"burst: {events:,} events ({joins:,} joins), first request to last delivery",
        lambda s: _s(s["burst"]["total_seconds"]),
    )
    row("burst: creating the events", lambda s: _s(s["burst"]["create_seconds"]))
    row("burst: joins/s", lambda s: f"{s['burst']['joins_per_second']:,.0f}")
    row(
        "burst: deliveries/s (first request to last delivery)",
        lambda s: f"{s['burst'].get('deliveries_per_second', 0):,.0f}",
    )
    row(
        "burst: every delivery verified, once, in order",
        lambda s: "yes" if s["burst"]["all_good"] else "NO",
    )
    rate = first["steady"]["rate"]
    for key, label in (("from_sent_ms", "request sent"), ("from_answered_ms", "request answered")):
        for q in ("p50", "p99"):
            row(
                f"steady {rate:g} joins/s: {q} ms, {label} to delivery",
                lambda s, key=key, q=q: f"{s['steady'][key][q]:.1f}",
            )
    queued_events = first["queued"]["events_queued_per_run"]
    row(
        "get meeting, none queued: requests/s",
        lambda s: f"{s['queued']['none_queued']['requests_per_second']:,.0f}",
    )
    row(
        f"get meeting, {queued_events:,} queued: requests/s",
        lambda s: f"{s['queued']['queued']['requests_per_second']:,.0f}",
    )
    row("get meeting, queued/none", lambda s: f"{s['queued']['of_none_queued']:.0%}")
    row(
        "get meeting p99 ms, none / queued",
        lambda s: (
            f"{s['queued']['none_queued']['p99_ms']:.1f} / {s['queued']['queued']['p99_ms']:.1f}"
        ),
    )
    return "\n".join(lines)
