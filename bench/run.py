"""meetd's benchmark: throughput and latency per operation beside the floor of its server
stack and beside Prism (the mock server a user would otherwise run on the reference spec),
the cost of its queries at 1,000,000 meetings against 10,000, its memory under a long
mixed load, and its webhook deliveries (bench/webhooks.py); then the targets, met or not.
See bench/README.md.

    python bench/run.py [--smoke] [--only PART] [--sqlite-only] [--runs N] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import insert, select, update
from sqlalchemy.engine import make_url

from meetd.accounts import service as accounts
from meetd.apps import service as apps
from meetd.config import Settings
from meetd.db import tables
from meetd.deployment import Deployment, open_deployment
from meetd.presets import service as presets

BENCH = Path(__file__).resolve().parent
# Prism: `make bench` installs it here from npm when missing (the Makefile pins its version).
PRISM = BENCH / ".prism" / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = BENCH / ".prism" / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
PRISM_INSTALL = "make bench/.prism/node_modules/.bin/prism"
# The reference spec Prism mocks.
SPEC = BENCH.parent / "tests" / "reference" / "realtimekit-openapi.json"
SECRET_KEY = "bench-secret-key-0123456789abcdef-0123456789"
SERVER_CORE, LOAD_CORE = "0", "1"
CONNECTIONS = 64
WARMUP_SECONDS = 1  # of load on each server before an operation's measured runs
SEARCH_TERM = "zebra"  # in exactly SEARCH_HITS titles, whatever the number of meetings
SEARCH_HITS = 20
WINDOW = timedelta(hours=1)  # meetings are one second apart: 3,600 fall in any full hour
WORDS = ["weekly", "sync", "planning", "review", "standup", "retro", "demo", "kickoff", "budget"]
# bench/webhooks.py imports this module's helpers as `run`: the same module when it is the
# script, not a second copy.
sys.modules.setdefault("run", sys.modules[__name__])


@dataclass
class Data:
    """What a prepared database holds, for the requests to aim at."""

    account_id: str
    token: str
    app_id: str
    meetings: list[str]
    participants: list[str]
    newest: datetime

    @property
    def kit(self) -> str:
        return f"/client/v4/accounts/{self.account_id}/realtime/kit/{self.app_id}"


@dataclass
class Operation:
    name: str
    method: str
    template: str  # the route, as the floor serves it
    paths: list[str]
    body: str | None = None  # may hold {n}: a counter, unique per request
    status: int = 200


def operations(data: Data) -> list[Operation]:
    kit, first = data.kit, data.meetings[0]
    meeting_t = "/client/v4/accounts/{account_id}/realtime/kit/{app_id}/meetings"
    participants = [f"{kit}/meetings/{first}/participants/{p}/token" for p in data.participants]
    return [
        Operation("get meeting", "GET", meeting_t + "/{meeting_id}", [f"{kit}/meetings/{first}"]),
        Operation("list meetings", "GET", meeting_t, [f"{kit}/meetings"]),
        Operation("search meetings", "GET", meeting_t, [f"{kit}/meetings?search={SEARCH_TERM}"]),
        Operation(
            "create meeting",
            "POST",
            meeting_t,
            [f"{kit}/meetings"],
            '{"title": "bench {n}", "record_on_start": true}',
            201,
        ),
        Operation(
            "patch meeting",
            "PATCH",
            meeting_t + "/{meeting_id}",
            [f"{kit}/meetings/{m}" for m in data.meetings[:100]],
            '{"title": "patched {n}"}',
        ),
        Operation(
            "add participant",
            "POST",
            meeting_t + "/{meeting_id}/participants",
            [f"{kit}/meetings/{m}/participants" for m in data.meetings[:100]],
            '{"custom_participant_id": "p-{n}", "preset_name": "group_call_participant"}',
            201,
        ),
        Operation(
            "refresh token",
            "POST",
            meeting_t + "/{meeting_id}/participants/{participant_id}/token",
            participants,
        ),
    ]


def prism_operations(data: Data, ops: list[Operation]) -> list[Operation]:
    """The same requests (headers, bodies, ids) as Prism serves them. Prism serves the spec's
    paths without its servers' base path (`/client/v4`: 404 with it), and the spec caps an
    app id at 32 characters (422 for meetd's 36-character form), so Prism gets the same
    UUID as 32 hex digits."""
    spec = json.loads(SPEC.read_text())
    base = urlsplit(spec["servers"][0]["url"]).path.rstrip("/")
    short = uuid.UUID(data.app_id).hex

    def path(meetd: str) -> str:
        return meetd.removeprefix(base).replace(f"/kit/{data.app_id}/", f"/kit/{short}/", 1)

    return [replace(op, paths=[path(p) for p in op.paths]) for op in ops]


# -- data ---------------------------------------------------------------------------------


def prepare(database_url: str, meetings: int) -> Data:
    """An account, a token, an app with `meetings` meetings one second apart (the newest
    now) and 100 participants, written through the storage layer."""
    deployment = open_deployment(Settings(database_url=database_url, secret_key=SECRET_KEY))
    newest = datetime.now(UTC).replace(microsecond=0)
    with deployment.database.transaction() as connection:
        account_id = uuid.uuid4().hex
        token = accounts.create_token(connection, account_id=account_id)
        app = apps.create_app(connection, account_id=account_id, name="bench")
    load_meetings(deployment, app.id, meetings, newest)
    with deployment.database.transaction() as connection:
        first = first_meeting(deployment, app.id)
        preset = presets.get_preset_for_participant(
            connection, app_id=app.id, name="group_call_participant"
        )
        participants = [uuid.uuid4() for _ in range(100)]
        connection.execute(
            insert(tables.participants),
            [
                {
                    "id": pid,
                    "meeting_id": first,
                    "custom_participant_id": f"seed-{n}",
                    "preset_id": preset["id"],
                    "token_generation": 0,
                }
                for n, pid in enumerate(participants)
            ],
        )
        recent = [str(m) for m in recent_meetings(deployment, app.id)]
    deployment.database.dispose()
    return Data(account_id, token, str(app.id), recent, [str(p) for p in participants], newest)


def load_meetings(deployment: Deployment, app_id: uuid.UUID, count: int, newest: datetime) -> None:
    """Meetings one second apart, ending at `newest`; SEARCH_HITS of them, spread out, have
    SEARCH_TERM in their titles."""
    rng = random.Random(count)
    hits = {round(i * count / SEARCH_HITS) for i in range(SEARCH_HITS)}
    batch = 20_000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(start + batch, count)):
            created = newest - timedelta(seconds=count - 1 - n)
            words = rng.sample(WORDS, 3) + ([SEARCH_TERM] if n in hits else [])
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "app_id": app_id,
                    "title": f"{' '.join(words).title()} #{n}",
                    "status": "ACTIVE",
                    "record_on_start": False,
                    "live_stream_on_start": False,
                    "persist_chat": False,
                    "summarize_on_end": False,
                    "transcribe_on_end": False,
                    "session_keep_alive_time_in_secs": 60,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        apps = tables.apps
        with deployment.database.transaction() as connection:
            connection.execute(insert(tables.meetings), rows)
            connection.execute(
                update(apps)
                .where(apps.c.id == app_id)
                .values(meeting_count=apps.c.meeting_count + len(rows))
            )


def first_meeting(deployment: Deployment, app_id: uuid.UUID) -> uuid.UUID:
    return recent_meetings(deployment, app_id)[0]


def recent_meetings(deployment: Deployment, app_id: uuid.UUID) -> list[uuid.UUID]:
    meetings = tables.meetings.c
    with deployment.database.reading() as connection:
        query = (
            select(meetings.id)
            .where(meetings.app_id == app_id)
            .order_by(meetings.created_at.desc())
            .limit(100)
        )
        return list(connection.scalars(query))


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    command: list[str], env: dict[str, str], core: str = SERVER_CORE
) -> Iterator[tuple[str, int]]:
    """A server pinned to `core`; yields its base URL and process id."""
    port = free_port()
    # Its log goes to a file: a pipe that nobody reads fills up, and the server stops at its
    # next line of log.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below, with the server)
    process = subprocess.Popen(
        ["taskset", "-c", core, *command, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read().decode()[-2000:]}")
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def meetd_server(database_url: str) -> Any:
    return serving(
        [sys.executable, "-m", "meetd", "serve", "--database-url", database_url, "--no-access-log"],
        {"MEETD_SECRET_KEY": SECRET_KEY},
    )


def floor_server(canned: Path) -> Any:
    return serving(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "floor:create_floor",
            "--app-dir",
            str(BENCH),
            # as `meetd serve` runs (meetd.cli)
            "--loop",
            "asyncio",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        {"MEETD_BENCH_CANNED": str(canned)},
    )


def prism_server() -> Any:
    """Prism's mock server on the reference spec, as a user would run it, serving the spec's
    examples (static, not generated) and logging only errors, as meetd logs no access."""
    return serving(
        [
            str(PRISM),
            "mock",
            "-h",
            "127.0.0.1",
            "--errors",
            "false",
            "--dynamic",
            "false",
            "--verboseLevel",
            "error",
            str(SPEC),
        ],
        {},
    )


def prism_version() -> str | None:
    if not PRISM_PACKAGE.exists():
        return None
    version: str = json.loads(PRISM_PACKAGE.read_text())["version"]
    return version


def probe(base: str, op: Operation, token: str) -> int:
    """The status of one request of the operation's, as wrk will send it."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = op.body.replace("{n}", "probe") if op.body else None
    return httpx.request(op.method, base + op.paths[0], headers=headers, content=body).status_code


def capture(base: str, data: Data, ops: list[Operation]) -> dict[str, list[Any]]:
    """One real answer of meetd's per operation: what the floor serves in its place."""
    canned: dict[str, list[Any]] = {}
    headers = {"Authorization": f"Bearer {data.token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers) as client:
        for op in ops:
            body = op.body.replace("{n}", "capture") if op.body else None
            response = client.request(op.method, op.paths[0], content=body)
            assert response.status_code == op.status, (op.name, response.text)
            canned[f"{op.method} {op.template}"] = [response.status_code, response.text]
    return canned


# -- load ---------------------------------------------------------------------------------


@dataclass
class Result:
    """One wrk run, or (with `runs`) the medians of several: requests/s, p50 and p99 each
    the median of its own, the errors summed."""

    operation: str
    database: str  # or "floor", "prism"
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    floor_ratio: float | None = None  # of the medians
    prism_ratio: float | None = None  # of the medians; when Prism answered 2xx
    runs: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def median(runs: list[Result]) -> Result:
    return Result(
        runs[0].operation,
        runs[0].database,
        statistics.median(r.requests_per_second for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
        runs=[
            {
                k: v
                for k, v in asdict(r).items()
                if k in ("requests_per_second", "p50_ms", "p99_ms", "errors")
            }
            for r in runs
        ],
    )


LUA = """
local paths = {%(paths)s}
local body = %(body)s
local headers = {["Authorization"] = "Bearer %(token)s", ["Content-Type"] = "application/json"}
local n = 0
local prefix = tostring(math.random(1, 1000000000))
request = function()
  n = n + 1
  local b = nil
  if body then b = string.gsub(body, "{n}", prefix .. "-" .. n) end
  return wrk.format("%(method)s", paths[(n %% #paths) + 1], headers, b)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "errors": %%d, ' ..
    '"p50_us": %%d, "p99_us": %%d}\\n', summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def load(base: str, op: Operation, token: str, seconds: int, connections: int) -> dict[str, Any]:
    script = LUA % {
        "paths": ", ".join(json.dumps(p) for p in op.paths),
        "body": json.dumps(op.body) if op.body else "nil",
        "token": token,
        "method": op.method,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                "taskset",
                "-c",
                LOAD_CORE,
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                file.name,
                base + op.paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(file.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    return {
        "requests_per_second": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"],
    }


def measure(
    base: str, op: Operation, token: str, database: str, seconds: int, connections: int
) -> Result:
    return Result(op.name, database, **load(base, op, token, seconds, connections))


# -- the runs -----------------------------------------------------------------------------


def postgres_url() -> str | None:
    """A fresh PostgreSQL database for the benchmark, if a server answers."""
    admin = os.environ.get("MEETD_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
    url = make_url(admin).set(drivername="postgresql")
    try:
        import psycopg

        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as db:
            db.execute("DROP DATABASE IF EXISTS meetd_bench WITH (FORCE)")
            db.execute("CREATE DATABASE meetd_bench")
    except Exception as exc:  # any failure means: no PostgreSQL run
        print(f"bench: no PostgreSQL run ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return None
    return url.set(database="meetd_bench").render_as_string(hide_password=False)


def throughput(args: argparse.Namespace, folder: Path) -> list[Result]:
    """Every operation on the floor, on Prism and on meetd with each database, back to back,
    after a second's warm-up on each, `args.runs` times round-robin; then each one's medians.
    The machine changes speed over minutes, and a ratio is only fair between neighbours in
    time."""
    databases = {"sqlite": f"sqlite:///{folder}/meetd.db"}
    if not args.sqlite_only and (url := postgres_url()):
        databases["postgresql"] = url
    prepared = {name: prepare(url, args.meetings) for name, url in databases.items()}
    ops_of = {name: operations(data) for name, data in prepared.items()}
    tokens = {name: data.token for name, data in prepared.items()} | {"floor": "-"}
    ops_of["floor"] = ops_of["sqlite"]
    results: list[Result] = []
    with ExitStack() as servers:
        bases = {
            name: servers.enter_context(meetd_server(url))[0] for name, url in databases.items()
        }
        canned = folder / "canned.json"
        canned.write_text(
            json.dumps(capture(bases["sqlite"], prepared["sqlite"], ops_of["sqlite"]))
        )
        meetd, bases = bases, {"floor": servers.enter_context(floor_server(canned))[0]}
        if args.prism:
            tokens["prism"] = prepared["sqlite"].token  # Prism wants a bearer token, any
            ops_of["prism"] = prism_operations(prepared["sqlite"], ops_of["sqlite"])
            bases["prism"] = servers.enter_context(prism_server())[0]
        bases |= meetd  # the order of every round: floor, Prism, SQLite, PostgreSQL
        for index, op in enumerate(ops_of["sqlite"]):
            if args.prism:  # a Prism answer counts when it is a 2xx
                prism_op = ops_of["prism"][index]
                status = probe(bases["prism"], prism_op, tokens["prism"])
                if not 200 <= status < 300:
                    print(f"bench: Prism answers {op.name} with {status}: not counted")
            for name, base in bases.items():  # unrecorded: Node's JIT and caches warm up
                load(base, ops_of[name][index], tokens[name], WARMUP_SECONDS, CONNECTIONS)
            runs: dict[str, list[Result]] = {name: [] for name in bases}
            for run in range(args.runs):
                for name, base in bases.items():
                    own = ops_of[name][index]
                    result = measure(base, own, tokens[name], name, args.seconds, CONNECTIONS)
                    runs[name].append(result)
                    if args.runs > 1:
                        report(result, f"run {run + 1} of {args.runs}")
            medians = {name: median(each) for name, each in runs.items()}
            if prism := medians.get("prism"):
                prism.extra = {"status": status, "path": prism_op.paths[0]}
                if not 200 <= status < 300:
                    prism = None
            for name, result in medians.items():
                if name != "floor":
                    result.floor_ratio = (
                        result.requests_per_second / medians["floor"].requests_per_second
                    )
                if prism and name not in ("floor", "prism"):
                    result.prism_ratio = result.requests_per_second / prism.requests_per_second
                results.append(result)
                report(result, f"median of {args.runs}" if args.runs > 1 else "")
    return results


SCALE_QUERIES = ("page 1", "page 2000", "title search", "time window")


def scale_queries(data: Data) -> list[Operation]:
    kit = f"{data.kit}/meetings"
    start = (data.newest - WINDOW + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    end = data.newest.isoformat().replace("+00:00", "Z")
    paths = [
        kit,
        f"{kit}?page_no=2000",
        f"{kit}?search={SEARCH_TERM}",
        f"{kit}?start_time={start}&end_time={end}",
    ]
    return [
        Operation(name, "GET", "", [path]) for name, path in zip(SCALE_QUERIES, paths, strict=True)
    ]


def scale(args: argparse.Namespace, folder: Path) -> list[Result]:
    """The listed queries at 10,000 meetings and at 1,000,000 (SQLite)."""
    results = []
    for count in (args.scale_base, args.scale):
        url = f"sqlite:///{folder}/scale-{count}.db"
        started = time.monotonic()
        data = prepare(url, count)
        loaded = time.monotonic() - started
        with meetd_server(url) as (base, _):
            for op in scale_queries(data):
                result = measure(
                    base,
                    op,
                    data.token,
                    f"sqlite, {count:,} meetings",
                    args.seconds,
                    args.scale_connections,
                )
                result.extra = {"meetings": count, "load_seconds": round(loaded, 1)}
                results.append(result)
                report(result)
    return results


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def memory(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """RSS after the first minute of a mixed load, and at its end (SQLite)."""
    url = f"sqlite:///{folder}/memory.db"
    data = prepare(url, args.meetings)
    ops = operations(data)
    with meetd_server(url) as (base, pid):
        started = time.monotonic()
        samples: list[tuple[float, int]] = []
        first_minute: int | None = None
        while (elapsed := time.monotonic() - started) < args.memory_seconds:
            for op in ops:  # each operation in turn, a few seconds each
                load(base, op, data.token, min(5, args.memory_seconds), 16)
            elapsed = time.monotonic() - started
            samples.append((round(elapsed), rss_kib(pid)))
            if first_minute is None and elapsed >= args.memory_seconds / 5:
                first_minute = samples[-1][1]
        end = samples[-1][1]
    first = first_minute or samples[0][1]
    growth = (end - first) / first
    print(
        f"memory: RSS {first / 1024:.1f} MiB after the first fifth, {end / 1024:.1f} MiB at "
        f"the end ({growth:+.1%})"
    )
    return {"first_kib": first, "end_kib": end, "growth": growth, "samples": samples}


def report(result: Result, note: str = "") -> None:
    floor = f"  {result.floor_ratio:6.1%} of the floor" if result.floor_ratio is not None else ""
    prism = f"  {result.prism_ratio:5.2f}x Prism" if result.prism_ratio is not None else ""
    status = f"  status {result.extra['status']}" if "status" in result.extra else ""
    print(
        f"{result.database:>28} {result.operation:<16} {result.requests_per_second:8.0f}/s "
        f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms{floor}{prism}{status}"
        f"{'  ERRORS ' + str(result.errors) if result.errors else ''}"
        f"{'  (' + note + ')' if note else ''}",
        flush=True,
    )


def table(results: list[Result]) -> str:
    """The results as a Markdown table: one row per operation and server."""
    lines = [
        "| operation | server | requests/s | p50 ms | p99 ms | of the floor | of Prism |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        floor = f"{r.floor_ratio:.0%}" if r.floor_ratio is not None else ""
        prism = f"{r.prism_ratio:.2f}x" if r.prism_ratio is not None else ""
        lines.append(
            f"| {r.operation} | {r.database} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} "
            f"| {r.p99_ms:.1f} | {floor} | {prism} |"
        )
    return "\n".join(lines)


# -- the targets --------------------------------------------------------------------------

# (operation, database, judged on, bound): "floor" and "prism" are ratios of requests/s to
# theirs in the same run (at least the bound), "p99" the p99 in ms at CONNECTIONS (at most).
FIVE = ("get meeting", "list meetings", "search meetings", "create meeting", "patch meeting")
TARGETS: list[tuple[str, str, str, float]] = [
    ("get meeting", "sqlite", "floor", 0.5),
    ("list meetings", "sqlite", "floor", 0.3),
    ("search meetings", "sqlite", "floor", 0.2),
    ("create meeting", "sqlite", "floor", 0.3),
    ("patch meeting", "sqlite", "floor", 0.3),
    *((operation, "sqlite", "prism", 2.0) for operation in FIVE),
    *(
        (operation, "sqlite", "p99", 50.0)
        for operation in ("get meeting", "list meetings", "create meeting", "patch meeting")
    ),
    ("get meeting", "postgresql", "floor", 0.3),
    ("refresh token", "sqlite", "floor", 0.2),
    ("refresh token", "sqlite", "prism", 1.5),
    ("add participant", "sqlite", "floor", 0.15),
    ("add participant", "sqlite", "prism", 1.3),
]
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Target:
    target: str
    operation: str
    database: str
    judged_on: str
    bound: float
    measured: float | None  # None: not measured in this run
    met: bool | None


def judge(results: list[Result]) -> list[Target]:
    """Each target against the medians: met, missed, or not measured (no PostgreSQL, no
    Prism, or Prism did not answer 2xx)."""
    found = {(r.operation, r.database): r for r in results}
    targets = []
    for operation, database, judged_on, bound in TARGETS:
        where = DATABASE_NAMES[database]
        result = found.get((operation, database))
        measured: float | None
        if judged_on == "p99":
            text = f"{operation} p99 ≤ {bound:g} ms at {CONNECTIONS} connections ({where})"
            measured = result.p99_ms if result else None
            met = measured <= bound if measured is not None else None
        elif judged_on == "prism":
            text = f"{operation} ≥ {bound:g}x Prism ({where})"
            measured = result.prism_ratio if result else None
            met = measured >= bound if measured is not None else None
        else:
            text = f"{operation} ≥ {bound:g} of the floor ({where})"
            measured = result.floor_ratio if result else None
            met = measured >= bound if measured is not None else None
        targets.append(Target(text, operation, database, judged_on, bound, measured, met))
    return targets


def targets_table(targets: list[Target]) -> str:
    lines = ["| target | measured | met |", "|---|---:|---|"]
    for t in targets:
        if t.measured is None:
            measured = "not measured"
        elif t.judged_on == "p99":
            measured = f"{t.measured:.1f} ms"
        elif t.judged_on == "prism":
            measured = f"{t.measured:.2f}x"
        elif t.judged_on == "seconds":
            measured = f"{t.measured:.1f} s"
        else:
            measured = f"{t.measured:.2f}"
        met = {True: "yes", False: "no", None: ""}[t.met]
        lines.append(f"| {t.target} | {measured} | {met} |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds: does it all run?")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--only",
        choices=("throughput", "scale", "memory", "webhooks"),
        help="run one part, not all four",
    )
    parser.add_argument(
        "--runs",
        type=int,
        help="throughput runs of each operation on each server, for the medians "
        "(default 3; 1 with --smoke)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.meetings, args.memory_seconds = 1, 500, 0
        args.scale_base, args.scale, args.scale_connections, args.sqlite_only = 500, 2_000, 4, True
    else:
        args.seconds, args.meetings, args.memory_seconds = 10, 10_000, 300
        args.scale_base, args.scale, args.scale_connections = 10_000, 1_000_000, 16
    if args.runs is None:
        args.runs = 1 if args.smoke else 3
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if os.environ.get("MEETD_BENCH_SECONDS"):  # for quick looks while optimising
        args.seconds = int(os.environ["MEETD_BENCH_SECONDS"])
    if shutil.which("wrk") is None:
        print("bench: wrk is missing (make bench installs it)", file=sys.stderr)
        return 2
    args.prism = PRISM.exists()
    if not args.prism and args.only in (None, "throughput"):
        if not args.smoke:
            print(
                f"bench: Prism is missing ({PRISM.relative_to(BENCH.parent)}): make bench "
                f"installs it, or `{PRISM_INSTALL}` alone (npm)",
                file=sys.stderr,
            )
            return 2
        print(f"bench: Prism is not installed: the smoke run skips it (`{PRISM_INSTALL}`)")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="meetd-bench-") as tmp:
        folder = Path(tmp)
        results = throughput(args, folder) if args.only in (None, "throughput") else []
        targets = judge(results)
        results += scale(args, folder) if args.only in (None, "scale") else []
        run_memory = args.memory_seconds and args.only in (None, "memory")
        mem = memory(args, folder) if run_memory else None
        hooks = None
        if args.only in (None, "webhooks"):
            import webhooks

            ran, hooks = webhooks.webhooks(args, folder)
            results += ran
            targets += webhooks.judge(hooks)
    summary = {
        "machine": machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds_per_run": args.seconds,
        "runs": args.runs,
        "connections": CONNECTIONS,
        "prism": {"version": prism_version(), "spec": SPEC.name} if args.prism else None,
        "results": [asdict(r) for r in results],
        "targets": [asdict(t) for t in targets],
        "memory": mem,
        "webhooks": hooks,
        "took_seconds": round(time.monotonic() - started),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2))
    print()
    print(table(results))
    statuses = [f"{r.operation} {r.extra['status']}" for r in results if "status" in r.extra]
    if statuses:
        print(f"\nPrism's statuses: {', '.join(statuses)}")
    if hooks:
        print()
        print(webhooks.table(hooks))
    shown = [t for t in targets if t.measured is not None or args.only in (None, "throughput")]
    if shown:
        print(f"\nTargets (medians of {args.runs} run{'s' if args.runs > 1 else ''}):\n")
        print(targets_table(shown))
    print(f"bench: done in {summary['took_seconds']} s; results in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
