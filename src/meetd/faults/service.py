"""Fault rules (docs/testing.md): an app's requests that answer as Cloudflare's API does when
it throttles (429, code 971) or fails (5xx), or that answer late, so that a client's retries
can be tested. A faulted request changes nothing: it is answered before its operation runs.

The rules of an app are read once a second per process (`FaultRules`); whether a matching
request is faulted is decided in a write on the rule's row, so `count` holds exactly across
processes, and with a `seed` the n-th match draws the same on every run.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.db.tables import Record
from meetd.errors import Conflict, Injected, Invalid, NotFound
from meetd.faults import store
from meetd.faults.schemas import FaultCreate, compile_pattern
from meetd.schemas import iso_millis

MAX_RULES = 100  # per app: each is checked on every request of the app
_REASONS = {
    429: "Please wait and consider throttling your request speed",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass(frozen=True, slots=True)
class FaultRule:
    """A rule as a request is checked against it."""

    id: uuid.UUID
    method: str
    pattern: re.Pattern[str]
    status: int | None
    latency_ms: int
    retry_after: int

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.pattern.match(path) is not None

    def error(self) -> Injected | None:
        if self.status is None:
            return None
        message = f"{_REASONS[self.status]} (meetd fault rule {self.id})"
        return Injected(status=self.status, message=message, retry_after=self.retry_after)


def view(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "path": row["path"],
        "method": row["method"],
        "status": row["status"],
        "rate": row["rate"],
        "count": row["count"],
        "latency_ms": row["latency_ms"],
        "retry_after": row["retry_after"],
        "seed": row["seed"],
        "matched": row["matched"],
        "faulted": row["faulted"],
        "created_at": iso_millis(row["created_at"]),
    }


def create_rule(connection: Connection, *, app_id: uuid.UUID, data: FaultCreate) -> dict[str, Any]:
    if data.status is None and data.latency_ms == 0:
        raise Invalid("status", "is required unless latency_ms is more than 0")
    if store.count_rules(connection, app_id) >= MAX_RULES:
        raise Conflict(f"An app has at most {MAX_RULES} fault rules: delete some first")
    row = {
        **data.model_dump(),
        "id": uuid.uuid4(),
        "app_id": app_id,
        "matched": 0,
        "faulted": 0,
        "created_at": clock.app_now(connection, app_id),
    }
    store.insert_rule(connection, row)
    return view(row)


def list_rules(connection: Connection, *, app_id: uuid.UUID) -> list[dict[str, Any]]:
    return [view(row) for row in store.list_rules(connection, app_id)]


def delete_rules(connection: Connection, *, app_id: uuid.UUID) -> list[dict[str, Any]]:
    removed = list_rules(connection, app_id=app_id)
    store.delete_rules(connection, app_id)
    return removed


def delete_rule(connection: Connection, *, app_id: uuid.UUID, rule_id: uuid.UUID) -> dict[str, Any]:
    row = store.get_rule(connection, app_id=app_id, rule_id=rule_id)
    if row is None:
        raise NotFound(f"No fault rule with id {rule_id}")
    store.delete_rule(connection, app_id=app_id, rule_id=rule_id)
    return view(row)


def rules_of(connection: Connection, *, app_id: uuid.UUID) -> tuple[FaultRule, ...]:
    return tuple(
        FaultRule(
            id=row["id"],
            method=row["method"],
            pattern=compile_pattern(row["path"]),
            status=row["status"],
            latency_ms=row["latency_ms"],
            retry_after=row["retry_after"],
        )
        for row in store.list_rules(connection, app_id)
    )


def draw(connection: Connection, *, rule_id: uuid.UUID) -> bool:
    """Whether the rule faults this request it matches: counted, then drawn at its rate."""
    match = store.count_match(connection, rule_id)
    if match is None:
        return False
    matched, rate, seed = match
    # A seeded rule's n-th match draws the same number on every run and in every process.
    chance = random.Random(f"{seed}:{matched}") if seed is not None else random  # noqa: S311
    if chance.random() >= rate:
        return False
    store.count_fault(connection, rule_id)
    return True
