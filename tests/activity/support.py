"""What the activity tests share: times as the API writes them, and the rows it leaves."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from meetd.db.tables import (
    chat_messages,
    events,
    peer_events,
    peers,
    session_files,
    sessions,
    timers,
    utterances,
)
from meetd.events.store import events_of_app

# Every table an activity request may write to.
ACTIVITY_TABLES: tuple[Table, ...] = (
    sessions,
    peers,
    peer_events,
    chat_messages,
    utterances,
    session_files,
    timers,
    events,
)
NOTHING = {table.name: 0 for table in ACTIVITY_TABLES}


def rows(connection: Connection) -> dict[str, int]:
    """How many rows each activity table holds."""
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in ACTIVITY_TABLES
    }


def event_types(connection: Connection, app_id: str) -> list[str]:
    """The types of the app's event rows, in the order they happened."""
    return [str(row["type"]) for row in events_of_app(connection, uuid.UUID(app_id))]


def ended_sessions(connection: Connection, app_id: str) -> list[str]:
    """The session ids of the app's meeting.ended rows, in the order they happened."""
    bodies: list[dict[str, Any]] = [
        json.loads(row["body"])
        for row in events_of_app(connection, uuid.UUID(app_id))
        if row["type"] == "meeting.ended"
    ]
    return [str(body["meeting"]["sessionId"]) for body in bodies]
