"""meetd's benchmark: throughput and latency per operation beside the floor of its server
stack, the cost of its queries at 1,000,000 meetings against 10,000, and its memory under a
long mixed load. See bench/README.md.

    python bench/run.py [--smoke] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, update
from sqlalchemy.engine import make_url

from meetd.accounts import service as accounts
from meetd.apps import service as apps
from meetd.config import Settings
from meetd.db.tables import App, Meeting, Participant
from meetd.deployment import Deployment, open_deployment
from meetd.presets import service as presets

BENCH = Path(__file__).resolve().parent
SECRET_KEY = "bench-secret-key-0123456789abcdef-0123456789"
SERVER_CORE, LOAD_CORE = "0", "1"
CONNECTIONS = 64
SEARCH_TERM = "zebra"  # in exactly SEARCH_HITS titles, whatever the number of meetings
SEARCH_HITS = 20
WINDOW = timedelta(hours=1)  # meetings are one second apart: 3,600 fall in any full hour
WORDS = ["weekly", "sync", "planning", "review", "standup", "retro", "demo", "kickoff", "budget"]


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


# -- data ---------------------------------------------------------------------------------


def prepare(database_url: str, meetings: int) -> Data:
    """An account, a token, an app with `meetings` meetings one second apart (the newest
    now) and 100 participants, written through the storage layer."""
    deployment = open_deployment(Settings(database_url=database_url, secret_key=SECRET_KEY))
    newest = datetime.now(UTC).replace(microsecond=0)
    with deployment.database.transaction() as session:
        account_id = uuid.uuid4().hex
        token = accounts.create_token(session, account_id=account_id)
        app = apps.create_app(session, account_id=account_id, name="bench")
    load_meetings(deployment, app.id, meetings, newest)
    with deployment.database.transaction() as session:
        first = session.get_one(Meeting, first_meeting(deployment, app.id))
        preset = presets.get_preset_for_participant(
            session, app_id=app.id, name="group_call_participant"
        )
        participants = [uuid.uuid4() for _ in range(100)]
        session.execute(
            insert(Participant),
            [
                {
                    "id": pid,
                    "meeting_id": first.id,
                    "custom_participant_id": f"seed-{n}",
                    "preset_id": preset.id,
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
        with deployment.database.transaction() as session:
            session.execute(insert(Meeting), rows)
            session.execute(
                update(App)
                .where(App.id == app_id)
                .values(meeting_count=App.meeting_count + len(rows))
            )


def first_meeting(deployment: Deployment, app_id: uuid.UUID) -> uuid.UUID:
    return recent_meetings(deployment, app_id)[0]


def recent_meetings(deployment: Deployment, app_id: uuid.UUID) -> list[uuid.UUID]:
    with deployment.database.session(write=False) as session:
        query = (
            Meeting.__table__.select()
            .with_only_columns(Meeting.id)
            .where(Meeting.app_id == app_id)
            .order_by(Meeting.created_at.desc())
            .limit(100)
        )
        return list(session.scalars(query))


# -- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(command: list[str], env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A server pinned to SERVER_CORE; yields its base URL and process id."""
    port = free_port()
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *command, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
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
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        {"MEETD_BENCH_CANNED": str(canned)},
    )


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
    operation: str
    database: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    floor_ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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
    """Every operation on the floor, then at once on meetd with each database: the machine
    changes speed over minutes, and a ratio is only fair between neighbours in time."""
    databases = {"sqlite": f"sqlite:///{folder}/meetd.db"}
    if not args.sqlite_only and (url := postgres_url()):
        databases["postgresql"] = url
    prepared = {name: prepare(url, args.meetings) for name, url in databases.items()}
    ops_of = {name: operations(data) for name, data in prepared.items()}
    results: list[Result] = []
    with ExitStack() as servers:
        bases = {
            name: servers.enter_context(meetd_server(url))[0] for name, url in databases.items()
        }
        canned = folder / "canned.json"
        canned.write_text(
            json.dumps(capture(bases["sqlite"], prepared["sqlite"], ops_of["sqlite"]))
        )
        floor_base, _ = servers.enter_context(floor_server(canned))
        for index, op in enumerate(ops_of["sqlite"]):
            floor = measure(floor_base, op, "-", "floor", args.seconds, CONNECTIONS)
            results.append(floor)
            report(floor)
            for name, base in bases.items():
                own = ops_of[name][index]
                result = measure(base, own, prepared[name].token, name, args.seconds, CONNECTIONS)
                result.floor_ratio = result.requests_per_second / floor.requests_per_second
                results.append(result)
                report(result)
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


def report(result: Result) -> None:
    ratio = f"{result.floor_ratio:6.1%}" if result.floor_ratio is not None else "      "
    print(
        f"{result.database:>28} {result.operation:<16} {result.requests_per_second:8.0f}/s "
        f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  {ratio}"
        f"{'  ERRORS ' + str(result.errors) if result.errors else ''}",
        flush=True,
    )


def table(results: list[Result]) -> str:
    """The results as a Markdown table: one row per operation and database."""
    lines = [
        "| operation | database | requests/s | p50 ms | p99 ms | of the floor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.floor_ratio:.0%}" if r.floor_ratio is not None else ""
        lines.append(
            f"| {r.operation} | {r.database} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} "
            f"| {r.p99_ms:.1f} | {ratio} |"
        )
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
        "--only", choices=("throughput", "scale", "memory"), help="run one part, not all three"
    )
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.meetings, args.memory_seconds = 1, 500, 0
        args.scale_base, args.scale, args.scale_connections, args.sqlite_only = 500, 2_000, 4, True
    else:
        args.seconds, args.meetings, args.memory_seconds = 10, 10_000, 300
        args.scale_base, args.scale, args.scale_connections = 10_000, 1_000_000, 16
    if os.environ.get("MEETD_BENCH_SECONDS"):  # for quick looks while optimising
        args.seconds = int(os.environ["MEETD_BENCH_SECONDS"])
    if shutil.which("wrk") is None:
        print("bench: wrk is missing (make bench installs it)", file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="meetd-bench-") as tmp:
        folder = Path(tmp)
        results = throughput(args, folder) if args.only in (None, "throughput") else []
        results += scale(args, folder) if args.only in (None, "scale") else []
        run_memory = args.memory_seconds and args.only in (None, "memory")
        mem = memory(args, folder) if run_memory else None
    summary = {
        "machine": machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds_per_run": args.seconds,
        "connections": CONNECTIONS,
        "results": [asdict(r) for r in results],
        "memory": mem,
        "took_seconds": round(time.monotonic() - started),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2))
    print()
    print(table(results))
    print(f"bench: done in {summary['took_seconds']} s; results in {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
