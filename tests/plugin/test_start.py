"""How the plugin starts `meetd serve`: a server that exits at once is tried again on
another port, up to three times; one that never answers is stopped; something else on the
port is left to itself; each failure ends with the tail of the server's log."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import httpx
import pytest

from meetd import pytest_plugin
from meetd.pytest_plugin import MeetdStartError, _serve_command, _start_server, _stop

# About processes and ports, not the database: once is enough.
pytestmark = pytest.mark.sqlite_only


def _database(folder: Path) -> str:
    return f"sqlite:///{folder / 'meetd.db'}"


def _exits(port: int, database_url: str) -> list[str]:
    return [sys.executable, "-c", "import sys; print('cannot serve', flush=True); sys.exit(3)"]


def test_a_server_that_exits_is_tried_three_times_then_reported(tmp_path: Path) -> None:
    with pytest.raises(MeetdStartError) as raised:
        _start_server(_database(tmp_path), tmp_path, command=_exits)

    message = str(raised.value)
    assert message.startswith("meetd serve did not start in 3 attempts (exited with status 3 ")
    assert message.count("exited with status 3 on port") == 3
    assert message.count("cannot serve") == 3  # the log's tail
    assert str(tmp_path / "meetd.log") in message


def test_a_later_attempt_may_start_it(tmp_path: Path) -> None:
    ports: list[int] = []

    def flaky(port: int, database_url: str) -> list[str]:
        ports.append(port)
        return (_exits if len(ports) == 1 else _serve_command)(port, database_url)

    process, server = _start_server(_database(tmp_path), tmp_path, command=flaky)
    try:
        assert len(ports) == 2
        assert server.url == f"http://127.0.0.1:{ports[1]}"
        assert server.pid == process.pid
        headers = {"Authorization": f"Bearer {server.api_token}"}
        assert httpx.get(f"{server.kit_url}/apps", headers=headers).status_code == 200
    finally:
        _stop(process)
    assert process.returncode is not None


def test_a_server_that_never_answers_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    def hangs(port: int, database_url: str) -> list[str]:
        code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
        return [sys.executable, "-c", code + "time.sleep(60)"]

    with pytest.raises(MeetdStartError, match=r"did not answer on http://127\.0\.0\.1:\d+ within"):
        _start_server(_database(tmp_path), tmp_path, timeout=1.0, command=hangs)

    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)  # stopped, and reaped


class _Refusing(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_server() -> Iterator[int]:
    """Something else listening on 127.0.0.1, which refuses meetd's token."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_port_another_server_answers_on_is_given_up(
    tmp_path: Path, other_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = iter([other_server])  # as if the other server had bound it after the probe
    free_port = pytest_plugin._free_port
    monkeypatch.setattr(pytest_plugin, "_free_port", lambda: next(ports, None) or free_port())

    process, server = _start_server(_database(tmp_path), tmp_path)
    try:
        assert server.url != f"http://127.0.0.1:{other_server}"
    finally:
        _stop(process)
