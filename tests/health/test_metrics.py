"""/metrics in Prometheus's format, on both databases: requests by operation and status,
latency, the writer's batches, webhook deliveries by outcome and the oldest pending one,
live sessions; and, under `meetd serve --workers 2`, the sums of both processes."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.sessions.support import Activity
from tests.support import Account, ServeProcess

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(get: object) -> Samples:
    response = get("/metrics")  # type: ignore[operator]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def requests(samples: Samples, operation: str, status: str, method: str = "GET") -> float:
    labels = {"operation": operation, "method": method, "status": status}
    return value(samples, "meetd_requests_total", **labels)


class _Answering(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(params=[200, 500], ids=["answering", "failing"])
def receiver(request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    handler = type("Receiver", (_Answering,), {"status": request.param})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", request.param
    server.shutdown()
    server.server_close()


class TestMetrics:
    def test_requests_by_operation_and_status(
        self, client: TestClient, account: Account, app_id: str
    ) -> None:
        before = scrape(client.get)
        for _ in range(3):
            assert account.get(f"/{app_id}/meetings").status_code == 200
        unknown = "00000000-0000-4000-8000-000000000000"
        assert account.get(f"/{app_id}/meetings/{unknown}").status_code == 404
        assert client.get("/no/such/route").status_code == 404
        assert client.request("BREW", "/healthz").status_code == 405
        after = scrape(client.get)
        assert (
            requests(after, "list_meetings", "200") - requests(before, "list_meetings", "200") == 3
        )
        assert requests(after, "get_meeting", "404") - requests(before, "get_meeting", "404") == 1
        assert requests(after, "unmatched", "404") - requests(before, "unmatched", "404") == 1
        # Any method a client makes up counts as one label.
        assert (
            requests(after, "healthz", "405", "OTHER") - requests(before, "healthz", "405", "OTHER")
            == 1
        )
        count = "meetd_request_duration_seconds_count"
        assert (
            value(after, count, operation="list_meetings")
            - value(before, count, operation="list_meetings")
            == 3
        )
        assert (
            value(
                after, "meetd_request_duration_seconds_bucket", operation="list_meetings", le="+Inf"
            )
            >= 3
        )

    @pytest.mark.sqlite_only
    def test_the_writers_batches(self, client: TestClient, account: Account, app_id: str) -> None:
        before = scrape(client.get)
        for _ in range(4):
            assert account.post(f"/{app_id}/meetings", json={}).status_code == 201
        after = scrape(client.get)
        batches = value(after, "meetd_writer_batch_size_count") - value(
            before, "meetd_writer_batch_size_count"
        )
        writes = value(after, "meetd_writer_batch_size_sum") - value(
            before, "meetd_writer_batch_size_sum"
        )
        assert 1 <= batches <= writes
        assert writes >= 4

    def test_live_sessions(self, client: TestClient, account: Account, app_id: str) -> None:
        activity = Activity(account, app_id)
        meeting = activity.meeting()
        before = value(scrape(client.get), "meetd_sessions_live")
        joined = activity.join(meeting, activity.participant(meeting, "alice"))
        assert value(scrape(client.get), "meetd_sessions_live") == before + 1
        activity.leave(meeting, joined["peer_id"])
        activity.advance(61)
        assert value(scrape(client.get), "meetd_sessions_live") == before

    def test_webhook_deliveries_by_outcome(
        self,
        client: TestClient,
        account: Account,
        app_id: str,
        receiver: tuple[str, int],
    ) -> None:
        url, status = receiver
        webhook = {"name": "w", "url": url, "events": ["meeting.started"]}
        assert account.post(f"/{app_id}/webhooks", json=webhook).status_code == 201
        outcome = "delivered" if status == 200 else "retrying"
        name = "meetd_webhook_deliveries_total"
        before = scrape(client.get)
        activity = Activity(account, app_id)
        meeting = activity.meeting()
        activity.join(meeting, activity.participant(meeting, "alice"))
        deadline = time.monotonic() + 10
        while True:
            after = scrape(client.get)
            if value(after, name, outcome=outcome) > value(before, name, outcome=outcome):
                break
            assert time.monotonic() < deadline, f"no {outcome} delivery counted"
            time.sleep(0.1)
        if status == 500:  # retried in 10 s: it waits, and its wait shows
            time.sleep(0.2)
            waiting = scrape(client.get)
            assert value(waiting, "meetd_webhook_deliveries_pending") >= 1
            assert value(waiting, "meetd_webhook_oldest_pending_seconds") > 0
            assert account.delete(f"/{app_id}/simulate/state").status_code == 200


class TestAcrossWorkers:
    def test_every_process_counted(
        self, tmp_path: Path, database_url: str, account: Account
    ) -> None:
        with ServeProcess(
            "--database-url",
            database_url,
            "--workers",
            "2",
            "--no-access-log",
            PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
        ) as server:
            apps = f"{server.base_url}/accounts/{account.id}/realtime/kit/apps"
            headers = {"Authorization": f"Bearer {account.token}"}
            for _ in range(30):  # a connection each: the processes share them out
                assert httpx.get(apps, headers=headers).status_code == 200
            for _ in range(3):  # whichever process answers, it counts all of them
                samples = scrape(lambda path: httpx.get(server.origin + path))
                assert requests(samples, "list_apps", "200") == 30
        pids = {path.stem.rsplit("_", 1)[-1] for path in tmp_path.glob("*.db")}
        assert len(pids) >= 3  # the two workers and the process that started them
