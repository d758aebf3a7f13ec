"""Crash safety: a real server killed with SIGKILL in the middle of concurrent writes, which it
commits in groups (meetd.db.writer), loses none that it acknowledged, and its database comes
back whole."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa

from meetd.config import sqlite_path
from tests.support import KIT, ServeProcess

WRITERS = 32
ACKNOWLEDGED_BEFORE_THE_KILL = 600


@dataclass
class Writer:
    """One client writing in a loop: it creates a meeting, patches it, adds a participant to
    it, and remembers what the server acknowledged, and what it sent last without an answer."""

    number: int
    kit: str
    app_id: str
    headers: dict[str, str]
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a patch sent and never answered may or may not have been applied
    unanswered: dict[str, str] = field(default_factory=dict)
    acknowledged: int = 0

    def run(self, stop: threading.Event) -> None:
        meetings = f"{self.kit}/{self.app_id}/meetings"
        with httpx.Client(headers=self.headers, timeout=30) as http:
            for n in range(1_000_000):
                if stop.is_set():
                    return
                try:
                    self._write(http, meetings, f"w{self.number}-{n}")
                except httpx.TransportError:
                    return  # the server is gone

    def _write(self, http: httpx.Client, meetings: str, name: str) -> None:
        created = http.post(meetings, json={"title": name, "persist_chat": True})
        assert created.status_code == 201, created.text
        meeting = created.json()["data"]
        self.meetings[meeting["id"]] = meeting
        self.acknowledged += 1

        self.unanswered[meeting["id"]] = f"{name} patched"
        patched = http.patch(f"{meetings}/{meeting['id']}", json={"title": f"{name} patched"})
        assert patched.status_code == 200, patched.text
        self.meetings[meeting["id"]] = patched.json()["data"]
        del self.unanswered[meeting["id"]]
        self.acknowledged += 1

        body = {"custom_participant_id": name, "preset_name": "group_call_host", "name": name}
        added = http.post(f"{meetings}/{meeting['id']}/participants", json=body)
        assert added.status_code == 201, added.text
        participant = added.json()["data"]
        self.participants[participant["id"]] = {**participant, "meeting_id": meeting["id"]}
        self.acknowledged += 1


def write_until_killed(server: ServeProcess, kit: str, headers: dict[str, str]) -> list[Writer]:
    app_id = httpx.post(f"{kit}/apps", json={"name": "crash"}, headers=headers).json()["data"][
        "app"
    ]["id"]
    writers = [Writer(n, kit, app_id, headers) for n in range(WRITERS)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in writers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while sum(w.acknowledged for w in writers) < ACKNOWLEDGED_BEFORE_THE_KILL:
        assert time.monotonic() < deadline, "the writers made too little progress"
        time.sleep(0.01)
    server.process.kill()  # SIGKILL, mid-load: no shutdown, no flush, no goodbye
    server.process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return writers


def test_every_acknowledged_write_survives_a_sigkill(database_url: str) -> None:
    with ServeProcess("--database-url", database_url, "--no-access-log") as server:
        env = server.exported()
        kit = KIT.format(account_id=env["CLOUDFLARE_ACCOUNT_ID"])
        headers = {"Authorization": f"Bearer {env['CLOUDFLARE_API_TOKEN']}"}
        writers = write_until_killed(server, f"{server.origin}{kit}", headers)
    assert server.process.returncode == -9

    if (path := sqlite_path(database_url)) is not None:
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as db:
            assert db.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        engine.dispose()

    with (
        ServeProcess("--database-url", database_url, "--no-access-log") as restarted,
        httpx.Client(base_url=f"{restarted.origin}{kit}", headers=headers) as http,
    ):
        for writer in writers:
            assert_survived(http, writer)
        meetings = f"/{writers[0].app_id}/meetings"
        listed: list[str] = []
        for page in range(1, 1000):
            params = {"page_no": page, "per_page": 100}
            found = http.get(meetings, params=params).json()["data"]
            listed += [meeting["id"] for meeting in found]
            if len(found) < 100:
                break
        total = http.get(meetings).json()["paging"]["total_count"]

    acknowledged = {meeting for writer in writers for meeting in writer.meetings}
    print(
        f"{sum(w.acknowledged for w in writers)} writes acknowledged before the kill, "
        f"{sum(len(w.unanswered) for w in writers)} unanswered patch(es), {total} meetings stored"
    )
    assert sum(writer.acknowledged for writer in writers) >= ACKNOWLEDGED_BEFORE_THE_KILL
    assert acknowledged <= set(listed)
    assert total == len(listed) == len(set(listed))  # the app's count agrees with its rows


def assert_survived(http: httpx.Client, writer: Writer) -> None:
    for meeting_id, acknowledged in writer.meetings.items():
        response = http.get(f"/{writer.app_id}/meetings/{meeting_id}")
        assert response.status_code == 200, f"acknowledged meeting {meeting_id} is lost"
        stored = response.json()["data"]
        if meeting_id in writer.unanswered and stored != acknowledged:
            # the unanswered patch was applied: its title, and nothing else changed
            assert stored["title"] == writer.unanswered[meeting_id]
            ignored = {"title", "updated_at"}
            stored = {k: v for k, v in stored.items() if k not in ignored}
            acknowledged = {k: v for k, v in acknowledged.items() if k not in ignored}
        assert stored == acknowledged
    for participant_id, added in writer.participants.items():
        path = f"/{writer.app_id}/meetings/{added['meeting_id']}/participants/{participant_id}"
        response = http.get(path)
        assert response.status_code == 200, f"acknowledged participant {participant_id} is lost"
        stored = response.json()["data"]
        for name in ("custom_participant_id", "preset_name", "name", "created_at"):
            assert stored[name] == added[name]
