"""The SQL of webhooks and their deliveries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, RowMapping, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import deliveries, events, webhooks

w, d, e = webhooks.c, deliveries.c, events.c
_OF_APP = select(webhooks).where(w.app_id == bindparam("app_id")).order_by(w.created_at, w.id)
_BY_ID = select(webhooks).where(w.id == bindparam("webhook_id"), w.app_id == bindparam("app_id"))
_BY_URL = select(w.id).where(w.app_id == bindparam("app_id"), w.url == bindparam("url"))
_ENABLED = select(w.id, w.events).where(w.app_id == bindparam("app_id"), w.enabled.is_(True))
_UPDATE = update(webhooks).where(w.id == bindparam("webhook_id"))
_DELETE = delete(webhooks).where(w.id == bindparam("webhook_id"))
_DELETE_DELIVERIES = delete(deliveries).where(d.webhook_id == bindparam("webhook_id"))
_FAIL_PENDING = (
    update(deliveries)
    .where(d.webhook_id == bindparam("failing_webhook"), d.status == "PENDING")
    .values(
        status="FAILED", error=bindparam("failure"), next_attempt_ms=None, claimed_until_ms=None
    )
)
_LOGGED = select(deliveries, e.body).join(events, e.seq == d.event_seq)
_DELIVERY = _LOGGED.where(d.id == bindparam("delivery_id"), d.webhook_id == bindparam("webhook_id"))
_UPDATE_DELIVERY = update(deliveries).where(d.seq == bindparam("delivery_seq"))
# An attempt's outcome counts only while the delivery is still pending: a webhook disabled
# or deleted meanwhile has failed or dropped it.
_RECORD_ATTEMPT = _UPDATE_DELIVERY.where(d.status == "PENDING")

_UNCLAIMED = d.claimed_until_ms.is_(None) | (d.claimed_until_ms < bindparam("now_ms"))
# Each meeting's next pending delivery to each webhook: events of one meeting reach a
# webhook in order. (Deliveries of no meeting go in order per webhook.)
_NEXT_IN_LINE = (
    select(func.min(d.seq)).where(d.status == "PENDING").group_by(d.webhook_id, d.meeting_id)
)
# Those that are due, not claimed, and of an enabled webhook.
_DUE = (
    select(
        d.seq,
        d.id,
        d.webhook_id,
        d.attempts,
        d.queued_at_attempt,
        e.id.label("event_id"),
        e.body,
        w.url,
    )
    .join(events, e.seq == d.event_seq)
    .join(webhooks, w.id == d.webhook_id)
    .where(
        d.seq.in_(_NEXT_IN_LINE),
        d.next_attempt_ms <= bindparam("now_ms"),
        _UNCLAIMED,
        w.enabled.is_(True),
    )
    .order_by(d.seq)
    .limit(bindparam("limit"))
)
# Each delivery is claimed by one process: others skip the rows this transaction locked.
_CLAIM = _DUE.with_for_update(of=deliveries, skip_locked=True)
_ANY_DUE = (
    select(d.seq)
    .where(d.status == "PENDING", d.next_attempt_ms <= bindparam("now_ms"), _UNCLAIMED)
    .limit(1)
)


def list_webhooks(connection: Connection, app_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_OF_APP, {"app_id": app_id}).mappings().all()


def get_webhook(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID
) -> RowMapping | None:
    params = {"webhook_id": webhook_id, "app_id": app_id}
    return connection.execute(_BY_ID, params).mappings().first()


def webhook_with_url(connection: Connection, *, app_id: uuid.UUID, url: str) -> uuid.UUID | None:
    return connection.scalar(_BY_URL, {"app_id": app_id, "url": url})


def insert_webhook(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(webhooks.insert(), values)


def update_webhook(connection: Connection, webhook_id: uuid.UUID, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE, {**values, "webhook_id": webhook_id})


def delete_webhook(connection: Connection, webhook_id: uuid.UUID) -> None:
    connection.execute(_DELETE_DELIVERIES, {"webhook_id": webhook_id})
    connection.execute(_DELETE, {"webhook_id": webhook_id})


def fail_pending(connection: Connection, webhook_id: uuid.UUID, error: str) -> None:
    connection.execute(_FAIL_PENDING, {"failing_webhook": webhook_id, "failure": error})


def subscribed(connection: Connection, *, app_id: uuid.UUID, event: str) -> list[uuid.UUID]:
    """The app's enabled webhooks that take this event."""
    rows = connection.execute(_ENABLED, {"app_id": app_id}).all()
    return [row.id for row in rows if event in row.events]


def insert_deliveries(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(deliveries.insert(), rows)


def list_deliveries(
    connection: Connection, *, webhook_id: uuid.UUID, offset: int, limit: int
) -> tuple[Sequence[Row[Any]], int]:
    return fetch_page(
        connection,
        _LOGGED,
        key=d.seq,
        where=[d.webhook_id == webhook_id],
        order_by=(d.created_at.desc(), d.seq.desc()),
        offset=offset,
        limit=limit,
    )


def get_delivery(
    connection: Connection, *, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> RowMapping | None:
    params = {"webhook_id": webhook_id, "delivery_id": delivery_id}
    return connection.execute(_DELIVERY, params).mappings().first()


def update_delivery(connection: Connection, seq: int, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE_DELIVERY, {**values, "delivery_seq": seq})


def record_attempt(connection: Connection, seq: int, values: dict[str, Any]) -> None:
    connection.execute(_RECORD_ATTEMPT, {**values, "delivery_seq": seq})


def any_due(connection: Connection, *, now_ms: int) -> bool:
    return connection.execute(_ANY_DUE, {"now_ms": now_ms}).first() is not None


def claim_due(
    connection: Connection, *, now_ms: int, until_ms: int, limit: int
) -> Sequence[RowMapping]:
    """Due deliveries whose turn it is, claimed until `until_ms` by this process."""
    rows = connection.execute(_CLAIM, {"now_ms": now_ms, "limit": limit}).mappings().all()
    if rows:
        connection.execute(
            update(deliveries)
            .where(d.seq.in_([row["seq"] for row in rows]))
            .values(claimed_until_ms=until_ms)
        )
    return rows
