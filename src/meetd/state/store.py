"""The SQL of an app's state as a whole: emptying it, and reading and writing the rows a
state file holds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from meetd.db import tables as t

_APP: BindParameter[uuid.UUID] = bindparam("app_id")
_ACCOUNT: BindParameter[str] = bindparam("account_id")
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


# The tables of a state file, in the order they are written, each after what it refers to;
# and, for one app, which of their rows are the app's (or its account's).
FILE_TABLES: tuple[Table, ...] = (
    t.accounts,
    t.api_tokens,
    t.apps,
    t.presets,
    t.meetings,
    t.participants,
    t.webhooks,
)
_OF_APP: dict[str, ColumnElement[bool]] = {
    "accounts": t.accounts.c.id == _ACCOUNT,
    "api_tokens": t.api_tokens.c.account_id == _ACCOUNT,
    "apps": t.apps.c.id == _APP,
    "presets": t.presets.c.app_id == _APP,
    "meetings": t.meetings.c.app_id == _APP,
    "participants": t.participants.c.meeting_id.in_(_meetings),
    "webhooks": t.webhooks.c.app_id == _APP,
}
_OWNERS = select(t.api_tokens.c.token_hash, t.api_tokens.c.account_id)


def file_rows(
    connection: Connection, table: Table, *, app_id: uuid.UUID | None, account_id: str | None
) -> Sequence[Any]:
    """A table's rows, in key order: all, or those of one app and its account."""
    statement = select(table).order_by(*table.primary_key.columns)
    if app_id is not None:
        statement = statement.where(_OF_APP[table.name])
    return connection.execute(statement, {"app_id": app_id, "account_id": account_id}).all()


def existing_keys(connection: Connection, table: Table, column: str, keys: list[Any]) -> set[Any]:
    found: set[Any] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(connection.scalars(select(table.c[column]).where(table.c[column].in_(chunk))))
    return found


def token_owners(connection: Connection, token_hashes: list[str]) -> dict[str, str]:
    """The account of each of these API token hashes that exists here."""
    statement = _OWNERS.where(t.api_tokens.c.token_hash.in_(token_hashes))
    return {row.token_hash: row.account_id for row in connection.execute(statement)}


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(table.insert(), rows)
