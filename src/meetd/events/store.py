"""The outbox's SQL: an event is a row written in the transaction of the change it tells
of (contract A10), its body the exact JSON bytes a webhook delivery will carry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import RowMapping, bindparam, select
from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.db.tables import events
from meetd.webhooks import store as webhooks

e = events.c
_INSERT = events.insert().returning(e.seq)
_OF_APP = (
    select(e.id, e.meeting_id, e.type, e.body, e.created_at)
    .where(e.app_id == bindparam("app_id"))
    .order_by(e.seq)
)


def record_event(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID | None,
    payload: dict[str, Any],
    at: datetime,
) -> None:
    """The event, and a delivery of it for each enabled webhook of the app that takes it:
    all in the transaction of the change, so nothing is sent for a change that rolled back."""
    values = {
        "id": uuid.uuid4(),
        "app_id": app_id,
        "meeting_id": meeting_id,
        "type": payload["event"],
        "body": to_json(payload),
        "created_at": at,
    }
    seq = connection.execute(_INSERT, values).scalar_one()
    now_ms = clock.now_millis()  # deliveries are sent, and retried, on the real clock
    webhooks.insert_deliveries(
        connection,
        [
            {
                "id": uuid.uuid4(),
                "webhook_id": webhook_id,
                "event_seq": seq,
                "meeting_id": meeting_id,
                "event": values["type"],
                "status": "PENDING",
                "attempts": 0,
                "queued_at_attempt": 0,
                "next_attempt_ms": now_ms,
                "queued_ms": now_ms,
                "created_at": at,
            }
            for webhook_id in webhooks.subscribed(connection, app_id=app_id, event=values["type"])
        ],
    )


def events_of_app(connection: Connection, app_id: uuid.UUID) -> Sequence[RowMapping]:
    """In the order they happened."""
    return connection.execute(_OF_APP, {"app_id": app_id}).mappings().all()
