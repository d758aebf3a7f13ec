"""meetd's metrics, in Prometheus's format through prometheus-client (docs/deployment.md).

Each process counts its own requests, writer batches and webhook deliveries. Under `meetd
serve` every process writes them to files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's
multiprocess mode, set up by `meetd serve` before this module is imported), and a scrape,
whichever process answers it, adds up all of them. What is read from the database at the
scrape (live sessions, the oldest pending delivery) is the same from any process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUESTS = Counter(
    "meetd_requests",
    "Requests answered, by operation (the route's name), method and status",
    ("operation", "method", "status"),
)
LATENCY = Histogram(
    "meetd_request_duration_seconds",
    "Time from a request's arrival to its answer, by operation",
    ("operation",),
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WRITER_BATCH = Histogram(
    "meetd_writer_batch_size",
    "Writes committed together by the group writer (SQLite; on PostgreSQL each write "
    "commits alone)",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
DELIVERIES = Counter(
    "meetd_webhook_deliveries",
    "Webhook delivery attempts, by outcome: delivered, retrying (to be tried again), failed",
    ("outcome",),
)
_OUTCOMES = {"DELIVERED": "delivered", "PENDING": "retrying", "FAILED": "failed"}
# A client may send any method: the others count as one, so labels stay few.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(operation: str, method: str, status: int, seconds: float) -> None:
    if method not in _METHODS:
        method = "OTHER"
    key = (operation, method, status)
    children = _children.get(key)
    if children is None:  # the label lookups, once per kind of request
        children = (REQUESTS.labels(operation, method, str(status)), LATENCY.labels(operation))
        _children[key] = children
    children[0].inc()
    children[1].observe(seconds)


def observe_delivery(status: str) -> None:
    DELIVERIES.labels(_OUTCOMES.get(status, status.lower())).inc()


@dataclass(frozen=True, slots=True)
class Figures:
    """What a scrape reads from the database."""

    live_sessions: int
    pending_deliveries: int
    oldest_pending_seconds: float


class _Scrape(Collector):
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            collector = MultiProcessCollector(None)  # type: ignore[no-untyped-call]
            yield from collector.collect()  # type: ignore[no-untyped-call]
        else:
            yield from REGISTRY.collect()
        figures = self.figures
        yield GaugeMetricFamily(
            "meetd_sessions_live", "Sessions LIVE now, in every app", figures.live_sessions
        )
        yield GaugeMetricFamily(
            "meetd_webhook_deliveries_pending",
            "Webhook deliveries waiting to be delivered",
            figures.pending_deliveries,
        )
        yield GaugeMetricFamily(
            "meetd_webhook_oldest_pending_seconds",
            "How long the longest-waiting pending delivery has waited since it was queued "
            "(0 when none waits)",
            figures.oldest_pending_seconds,
        )


def exposition(figures: Figures) -> bytes:
    return generate_latest(_Scrape(figures))
