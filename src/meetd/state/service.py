"""An app's state as a whole (docs/testing.md): emptied at once (`simulate/state`), and
written to and read from a state file (`meetd export`, `meetd import`, `meetd serve --seed`).

A state file holds the accounts, their API tokens (as hashes: the plain tokens were never
stored), apps, presets, meetings, participants and webhooks, each row with the columns of
its table. What activity makes (sessions, recordings, events, deliveries) stays behind.
Secrets stay sealed: a meeting's storage credentials travel as the secret key sealed them,
and open only under that key. Participant tokens are not in it: ask for new ones.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Double,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
)
from sqlalchemy.engine import Connection

from meetd.accounts import store as accounts
from meetd.apps import store as apps
from meetd.clock import clock
from meetd.db import tables as t
from meetd.db.engine import lock_deployment
from meetd.errors import Conflict, Invalid
from meetd.schemas import iso_millis
from meetd.state import store
from meetd.state.store import FILE_TABLES

FORMAT = "meetd-state"
VERSION = 1


def reset_app(connection: Connection, *, app_id: uuid.UUID) -> dict[str, Any]:
    """Empties the app but for its presets, and sets its clock back to the real time."""
    removed = store.empty_app(connection, app_id)
    return {"removed": removed, "now": iso_millis(clock.app_now(connection, app_id))}


# -- export ---------------------------------------------------------------------------------


def export_state(
    connection: Connection, *, app_id: uuid.UUID | None, fingerprint: str
) -> dict[str, Any]:
    account_id = None
    if app_id is not None:
        app = apps.get_app(connection, app_id)
        if app is None:
            raise Invalid("app", f"no app has the id {app_id}")
        account_id = app.account_id
    rows = {
        table.name: [
            {column.name: _encode(column, row[i]) for i, column in enumerate(table.columns)}
            for row in store.file_rows(connection, table, app_id=app_id, account_id=account_id)
        ]
        for table in FILE_TABLES
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_millis(clock.now()),
        # Which secret key sealed the credentials in it (a fingerprint, not the key).
        "secret_key_fingerprint": fingerprint,
        **rows,
    }


def _encode(column: Column[Any], value: Any) -> Any:
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(column.type, Uuid):
        return str(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.isoformat()
    return value


# -- import ---------------------------------------------------------------------------------


def import_state(
    connection: Connection, document: Any, *, fingerprint: str, into_empty: bool = False
) -> dict[str, int]:
    """Writes the file's rows, or refuses it whole. Accounts it names that exist here are
    the same accounts; any other id that exists here already is a collision."""
    lock_deployment(connection)
    if into_empty and accounts.any_account(connection):
        raise Conflict(
            "a state file is seeded only into an empty database, and this one has accounts"
        )
    tables = _read(document)
    sealed = any(row["storage_credentials"] for row in tables["meetings"])
    if sealed and document.get("secret_key_fingerprint") != fingerprint:
        raise Invalid(
            "secret_key_fingerprint",
            "the file's storage credentials were sealed under another secret key; import "
            "it with MEETD_SECRET_KEY set to the key of the deployment it came from",
        )
    _drop_known(connection, tables)
    _check_collisions(connection, tables)
    for table in FILE_TABLES:
        store.insert_rows(connection, table, tables[table.name])
    return {name: len(rows) for name, rows in tables.items()}


def _read(document: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid("format", f'must be "{FORMAT}": this is not a meetd state file')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Invalid("version", "must be a whole number, at least 1")
    if version > VERSION:
        raise Invalid(
            "version",
            f"is {version}: the file was written by a newer meetd; this one reads version "
            f"{VERSION}",
        )
    tables = {}
    for table in FILE_TABLES:
        rows = document.get(table.name, [])
        if not isinstance(rows, list):
            raise Invalid(table.name, "must be a list of rows")
        tables[table.name] = [_row(table, i, row) for i, row in enumerate(rows)]
    return tables


def _row(table: Table, index: int, row: Any) -> dict[str, Any]:
    where = f"{table.name}[{index}]"
    if not isinstance(row, dict):
        raise Invalid(where, "must be an object")
    names = {column.name for column in table.columns}
    unknown = sorted(set(row) - names)
    if unknown:
        raise Invalid(f"{where}.{unknown[0]}", f"is not a column of {table.name}")
    missing = sorted(names - set(row))
    if missing:
        raise Invalid(f"{where}.{missing[0]}", "is required")
    return {column.name: _decode(column, row[column.name], where) for column in table.columns}


def _decode(column: Column[Any], value: Any, where: str) -> Any:
    field = f"{where}.{column.name}"
    if value is None:
        if not column.nullable:
            raise Invalid(field, "must not be null")
        return None
    kind = column.type
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise Invalid(field, "must be true or false")
        return value
    if isinstance(kind, Integer | BigInteger):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(field, "must be a whole number")
        return value
    if isinstance(kind, Double):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(field, "must be a number")
        return float(value)
    if not isinstance(value, str):
        raise Invalid(field, "must be a string")
    if isinstance(kind, Uuid):
        try:
            return uuid.UUID(value)
        except ValueError:
            raise Invalid(field, "must be a UUID") from None
    if isinstance(kind, LargeBinary):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise Invalid(field, "must be base64") from None
    if isinstance(kind, String):
        if "\x00" in value or (kind.length is not None and len(value) > kind.length):
            raise Invalid(field, f"must be at most {kind.length} characters, without NUL")
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(field, "must be an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _drop_known(connection: Connection, tables: dict[str, list[dict[str, Any]]]) -> None:
    """An account, or an API token of the same account, that exists here is kept as it is."""
    accounts = tables["accounts"]
    known = store.existing_keys(connection, t.accounts, "id", [row["id"] for row in accounts])
    tables["accounts"] = [row for row in accounts if row["id"] not in known]
    tokens = tables["api_tokens"]
    owners = store.token_owners(connection, [row["token_hash"] for row in tokens])
    for row in tokens:
        owner = owners.get(row["token_hash"])
        if owner is not None and owner != row["account_id"]:
            raise Conflict("api_tokens: a token of the file belongs to another account here")
    tables["api_tokens"] = [row for row in tokens if row["token_hash"] not in owners]


def _check_collisions(connection: Connection, tables: dict[str, list[dict[str, Any]]]) -> None:
    for table in FILE_TABLES:
        rows = tables[table.name]
        ids = [row["id"] for row in rows]
        if len(set(ids)) < len(ids):
            raise Invalid(table.name, "has an id twice")
        taken = store.existing_keys(connection, table, "id", ids)
        if taken:
            first = sorted(map(str, taken))[0]
            more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
            raise Conflict(f"{table.name}: the id {first}{more} exists here already")
