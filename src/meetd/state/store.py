"""The SQL of an app's state as a whole: emptying it, and reading and writing the rows a
state file holds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from meetd.db import tables as t

_APP: BindParameter[uuid.UUID] = bindparam("app_id")
_sessions = select(t.sessions.c.id).where(t.sessions.c.app_id == _APP)
_meetings = select(t.meetings.c.id).where(t.meetings.c.app_id == _APP)
_recordings = select(t.recordings.c.id).where(t.recordings.c.app_id == _APP)
_webhooks = select(t.webhooks.c.id).where(t.webhooks.c.app_id == _APP)


def _of_sessions(table: Table) -> ColumnElement[bool]:
    return table.c.session_id.in_(_sessions)


# What an app holds, in the order its rows can go: each before what it refers to.
_EMPTY: tuple[tuple[str, Table, ColumnElement[bool]], ...] = (
    ("deliveries", t.deliveries, t.deliveries.c.webhook_id.in_(_webhooks)),
    ("events", t.events, t.events.c.app_id == _APP),
    ("webhooks", t.webhooks, t.webhooks.c.app_id == _APP),
    ("timers", t.timers, t.timers.c.app_id == _APP),
    ("fault_rules", t.fault_rules, t.fault_rules.c.app_id == _APP),
    ("", t.recording_files, t.recording_files.c.recording_id.in_(_recordings)),
    ("recordings", t.recordings, t.recordings.c.app_id == _APP),
    ("", t.livestream_sessions, t.livestream_sessions.c.app_id == _APP),
    ("livestreams", t.livestreams, t.livestreams.c.app_id == _APP),
    ("", t.peer_events, _of_sessions(t.peer_events)),
    ("", t.chat_messages, _of_sessions(t.chat_messages)),
    ("", t.utterances, _of_sessions(t.utterances)),
    ("", t.session_files, _of_sessions(t.session_files)),
    ("", t.polls, _of_sessions(t.polls)),
    ("", t.peers, _of_sessions(t.peers)),
    ("sessions", t.sessions, t.sessions.c.app_id == _APP),
    ("participants", t.participants, t.participants.c.meeting_id.in_(_meetings)),
    ("meetings", t.meetings, t.meetings.c.app_id == _APP),
)
_LOCK_MEETINGS = _meetings.with_for_update()
_REWIND = update(t.apps).where(t.apps.c.id == _APP).values(meeting_count=0, clock_offset_ms=0)


def empty_app(connection: Connection, app_id: uuid.UUID) -> dict[str, int]:
    """Deletes what the app holds but its presets; how many rows of each kind went."""
    params = {"app_id": app_id}
    # Changes to a meeting take its row lock: each waits for this, then finds it gone.
    connection.execute(_LOCK_MEETINGS, params)
    removed = {}
    for name, table, condition in _EMPTY:
        count = connection.execute(delete(table).where(condition), params).rowcount
        if name:
            removed[name] = count
    connection.execute(_REWIND, params)
    return removed


def select_rows(
    connection: Connection,
    table: Table,
    condition: ColumnElement[bool] | None,
    params: dict[str, Any],
) -> Sequence[Any]:
    statement = select(table)
    if condition is not None:
        statement = statement.where(condition)
    return connection.execute(statement.order_by(*table.primary_key.columns), params).all()


def existing_keys(connection: Connection, table: Table, column: str, keys: list[Any]) -> set[Any]:
    found: set[Any] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(connection.scalars(select(table.c[column]).where(table.c[column].in_(chunk))))
    return found


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(table.insert(), rows)


def count_rows(connection: Connection, table: Table) -> int:
    return connection.scalar(select(func.count()).select_from(table)) or 0
