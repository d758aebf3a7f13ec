"""Helpers the tests share: an account that signs its requests, and a real HTTP server."""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from meetd.accounts import service as accounts
from meetd.config import Settings
from meetd.deployment import Deployment, open_deployment

SECRET_KEY = "test-secret-key-0123456789abcdef-0123456789"
KIT = "/client/v4/accounts/{account_id}/realtime/kit"


class Databases:
    """Fresh databases for tests: a migrated one copied from a template, or an empty one."""

    def new(self) -> str:
        raise NotImplementedError

    def empty(self) -> str:
        raise NotImplementedError

    def release(self, url: str) -> None:
        """The test that had `url` is done with it."""

    def close(self) -> None:
        pass

    @staticmethod
    def migrate(url: str) -> None:
        open_deployment(Settings(database_url=url, secret_key=SECRET_KEY)).database.dispose()


class SqliteDatabases(Databases):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.template = self._path()
        self.migrate(f"sqlite:///{self.template}")

    def _path(self) -> Path:
        self.count += 1
        return self.folder / f"meetd-{self.count}.db"

    def new(self) -> str:
        path = self._path()
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def empty(self) -> str:
        return f"sqlite:///{self._path()}"


class PostgresDatabases(Databases):
    """Each test gets its own database, cloned from a migrated template and dropped
    afterwards. Cloning takes a few hundred milliseconds of PostgreSQL's time, so a thread
    clones the next databases while tests run, and another drops the used ones."""

    AHEAD = 2

    def __init__(self, admin_url: str) -> None:
        self.admin = make_url(admin_url).set(drivername="postgresql")
        self.prefix = f"meetd_test_{os.getpid()}"
        self.count = itertools.count()
        self.template = f"{self.prefix}_template"
        self._execute(f'CREATE DATABASE "{self.template}" TEMPLATE "template0"')
        self.migrate(self._url(self.template))
        self.handed: set[str] = set()
        self.ready: queue.Queue[str] = queue.Queue(maxsize=self.AHEAD)
        self.used: queue.Queue[str | None] = queue.Queue()
        self.closing = threading.Event()
        self.failure: BaseException | None = None
        self.workers = [
            threading.Thread(target=self._clone_ahead, daemon=True),
            threading.Thread(target=self._drop_used, daemon=True),
        ]
        for worker in self.workers:
            worker.start()

    def _url(self, name: str) -> str:
        return self.admin.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self._url(self.admin.database or "postgres"), autocommit=True) as db:
            db.execute(sql)

    def _name(self) -> str:
        return f"{self.prefix}_{next(self.count)}"

    def _clone_ahead(self) -> None:
        try:
            self._clone_until_closed()
        except BaseException as exc:
            self.failure = exc
            raise

    def _clone_until_closed(self) -> None:
        while not self.closing.is_set():
            name = self._name()
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            while True:
                try:
                    self.ready.put(name, timeout=0.2)
                    break
                except queue.Full:
                    if self.closing.is_set():
                        self.used.put(name)
                        return

    def _drop_used(self) -> None:
        while (name := self.used.get()) is not None:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def new(self) -> str:
        while True:
            try:
                name = self.ready.get(timeout=1)
                break
            except queue.Empty:
                if self.failure is not None:
                    raise RuntimeError("cloning a test database failed") from self.failure
        self.handed.add(name)
        return self._url(name)

    def empty(self) -> str:
        name = self._name()
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "template0"')
        self.handed.add(name)
        return self._url(name)

    def release(self, url: str) -> None:
        """Drop the database soon, in the background."""
        name = make_url(url).database
        if name in self.handed:
            self.handed.remove(name)
            self.used.put(name)

    def close(self) -> None:
        self.closing.set()
        self.workers[0].join(timeout=60)
        while not self.ready.empty():
            self.used.put(self.ready.get())
        for name in self.handed:
            self.used.put(name)
        self.used.put(self.template)
        self.used.put(None)
        self.workers[1].join(timeout=120)


class Account:
    """An account with an admin and a read token, and requests signed with either."""

    def __init__(self, client: TestClient, deployment: Deployment, account_id: str) -> None:
        self.client = client
        self.id = account_id
        with deployment.database.transaction() as session:
            self.token = accounts.create_token(session, account_id=account_id)
            self.read_token = accounts.create_token(session, account_id=account_id, scope="read")
        self.kit = KIT.format(account_id=account_id)

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        return self.client.request(method, self.kit + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    def create_app(self, name: str = "my-app") -> str:
        response = self.post("/apps", json={"name": name})
        assert response.status_code == 201, response.text
        app_id: str = response.json()["data"]["app"]["id"]
        return app_id


class Server:
    """meetd served over real HTTP by uvicorn in a thread, for clients that need a socket."""

    def __init__(self, app: FastAPI, *, port: int = 0) -> None:
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self.base_url = ""

    def __enter__(self) -> Server:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the server did not start")
            threading.Event().wait(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/client/v4"
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment without its meetd settings (a developer's exported
    MEETD_RATE_LIMIT must not reach the servers of the tests), with the test secret key,
    changed: None removes a name."""
    own = {name: value for name, value in os.environ.items() if not name.startswith("MEETD_")}
    env = {**own, "MEETD_SECRET_KEY": SECRET_KEY, **changes}
    return {name: value for name, value in env.items() if value is not None}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServeProcess:
    """A real `python -m meetd serve` in its own process, as a user starts it."""

    def __init__(self, *args: str, **env: str | None) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.origin}/client/v4"
        command = [sys.executable, "-m", "meetd", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(**env),
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        # Both pipes are drained all along, so a chatty server never blocks on a full pipe.
        self._readers = [
            threading.Thread(target=self._drain, args=(self.process.stdout, self.stdout)),
            threading.Thread(target=self._drain, args=(self.process.stderr, self.stderr)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(pipe: Any, lines: list[str]) -> None:
        with pipe:
            for line in pipe:
                lines.append(line)

    def wait_ready(self, timeout: float = 30) -> ServeProcess:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"meetd serve exited with {self.process.returncode}")
            try:
                httpx.get(f"{self.base_url}/accounts/x/realtime/kit/apps", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise TimeoutError("meetd serve did not answer")

    def exported(self) -> dict[str, str]:
        """The variables of the `export ...` line printed on first start."""
        line = next(line for line in self.stdout if line.startswith("export "))
        return dict(pair.split("=", 1) for pair in line.split()[1:])

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=15)

    def __enter__(self) -> ServeProcess:
        return self.wait_ready()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.stop()
        for reader in self._readers:
            reader.join(timeout=5)


Call = Callable[[httpx.Client], httpx.Response]


def together(calls: list[Call]) -> list[httpx.Response]:
    """Every call at once: each waits at a barrier until all are ready to send."""
    barrier = threading.Barrier(len(calls))
    limits = httpx.Limits(max_connections=len(calls))
    with httpx.Client(limits=limits, timeout=60) as client:

        def run(call: Call) -> httpx.Response:
            barrier.wait()
            return call(client)

        with ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(run, calls))


def at(text: str) -> datetime:
    """A timestamp as answered (`2026-01-02T03:04:05.123Z`), read."""
    return datetime.fromisoformat(text)


def iso(moment: datetime) -> str:
    """A time written as the API writes it: milliseconds and `Z` (contract A1)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def later(text: str, seconds: float) -> str:
    """`seconds` after a timestamp as answered, written the same way."""
    return iso(at(text) + timedelta(seconds=seconds))
