"""Webhooks (contract A10): their CRUD, and their delivery log with redelivery. Deliveries
are written with each event (meetd.events.store) and sent by meetd.webhooks.worker."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from meetd.clock import clock, from_millis
from meetd.db.tables import Record
from meetd.errors import Conflict, NotFound
from meetd.schemas import iso_millis
from meetd.webhooks import store
from meetd.webhooks.schemas import WebhookCreate, WebhookUpdate

DISABLED = "the webhook was disabled before this delivery succeeded"


def view(row: Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "url": row["url"],
        "events": row["events"],
        "enabled": row["enabled"],
        "created_at": iso_millis(row["created_at"]),
        "updated_at": iso_millis(row["updated_at"]),
    }


def list_webhooks(connection: Connection, *, app_id: uuid.UUID) -> list[dict[str, Any]]:
    return [view(row) for row in store.list_webhooks(connection, app_id)]


def get_webhook(connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID) -> Record:
    row = store.get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    if row is None:
        raise NotFound(f"No webhook with id {webhook_id}")
    return row


def read_webhook(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID
) -> dict[str, Any]:
    return view(get_webhook(connection, app_id=app_id, webhook_id=webhook_id))


def create_webhook(
    connection: Connection, *, app_id: uuid.UUID, data: WebhookCreate
) -> dict[str, Any]:
    _check_url_is_free(connection, app_id=app_id, url=data.url)
    now = clock.app_now(connection, app_id)
    row = {
        "id": uuid.uuid4(),
        "app_id": app_id,
        "name": data.name,
        "url": data.url,
        "events": data.events,
        "enabled": data.enabled,
        "created_at": now,
        "updated_at": now,
    }
    try:
        with connection.begin_nested():
            store.insert_webhook(connection, row)
    except IntegrityError:  # a concurrent create took the URL between the check and the write
        _check_url_is_free(connection, app_id=app_id, url=data.url)
        raise
    return view(row)


def update_webhook(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID, data: WebhookUpdate
) -> dict[str, Any]:
    """PATCH: what is sent changes."""
    webhook = get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    sent = {
        name: getattr(data, name)
        for name in data.model_fields_set
        if getattr(data, name) is not None
    }
    return _change(connection, webhook, sent)


def replace_webhook(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID, data: WebhookCreate
) -> dict[str, Any]:
    """PUT: the webhook becomes the body; its id and created_at stay."""
    webhook = get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    return _change(connection, webhook, data.model_dump())


def _change(connection: Connection, webhook: Record, values: dict[str, Any]) -> dict[str, Any]:
    if "url" in values and values["url"] != webhook["url"]:
        _check_url_is_free(connection, app_id=webhook["app_id"], url=values["url"])
    if webhook["enabled"] and values.get("enabled") is False:
        # What it was still to be sent fails; enabled again, it gets only new events.
        store.fail_pending(connection, webhook["id"], DISABLED)
    values["updated_at"] = clock.app_now(connection, webhook["app_id"])
    try:
        with connection.begin_nested():
            store.update_webhook(connection, webhook["id"], values)
    except IntegrityError:  # a concurrent change took the URL between the check and the write
        _check_url_is_free(connection, app_id=webhook["app_id"], url=values["url"])
        raise
    return view({**webhook, **values})


def delete_webhook(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID
) -> dict[str, Any]:
    """The webhook, its deliveries and their log go; it is answered as it was."""
    webhook = get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    store.delete_webhook(connection, webhook["id"])
    return view(webhook)


def _check_url_is_free(connection: Connection, *, app_id: uuid.UUID, url: str) -> None:
    taken = store.webhook_with_url(connection, app_id=app_id, url=url)
    if taken is not None:
        raise _url_taken(url, taken)


def _url_taken(url: str, webhook_id: uuid.UUID) -> Conflict:
    return Conflict(f"url: webhook {webhook_id} of this app already sends to this URL")


# -- the delivery log -------------------------------------------------------------------------


def delivery_view(row: Record) -> dict[str, Any]:
    pending = row["status"] == "PENDING"
    return {
        "id": row["id"],
        "event": row["event"],
        "payload": json.loads(row["body"]),
        "headers": row["headers"],
        "status": row["status"],
        "attempts": row["attempts"],
        "status_code": row["status_code"],
        "error": row["error"],
        "timestamp": iso_millis(row["created_at"]),
        "last_attempt_at": iso_millis(row["last_attempt_at"]) if row["last_attempt_at"] else None,
        "next_attempt_at": (
            iso_millis(from_millis(row["next_attempt_ms"]))
            if pending and row["next_attempt_ms"]
            else None
        ),
    }


def list_deliveries(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    rows, total = store.list_deliveries(
        connection, webhook_id=webhook_id, offset=offset, limit=limit
    )
    return [delivery_view(row._mapping) for row in rows], total


def redeliver(
    connection: Connection, *, app_id: uuid.UUID, webhook_id: uuid.UUID, delivery_id: uuid.UUID
) -> dict[str, Any]:
    """A delivered or failed delivery, queued again with the same id; its attempts keep
    counting, and the retry schedule starts over."""
    webhook = get_webhook(connection, app_id=app_id, webhook_id=webhook_id)
    if not webhook["enabled"]:
        raise Conflict(f"The webhook {webhook_id} is disabled: enable it to send again")
    row = store.get_delivery(connection, webhook_id=webhook_id, delivery_id=delivery_id)
    if row is None:
        raise NotFound(f"No delivery with id {delivery_id} of this webhook")
    if row["status"] == "PENDING":
        raise Conflict(f"The delivery {delivery_id} is PENDING already: it is still being sent")
    values = {
        "status": "PENDING",
        "queued_at_attempt": row["attempts"],
        "next_attempt_ms": clock.now_millis(),
        "queued_ms": clock.now_millis(),
        "claimed_until_ms": None,
    }
    store.update_delivery(connection, row["seq"], values)
    return delivery_view({**row, **values})
