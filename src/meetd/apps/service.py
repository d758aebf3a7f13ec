"""Apps: create, find, list, and the default app behind the legacy paths."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from meetd.apps import store
from meetd.apps.store import AppRow
from meetd.errors import NotFound, parse_id
from meetd.presets import service as presets
from meetd.schemas import iso_millis

DEFAULT_APP_NAME = "default"


def view(app: AppRow) -> dict[str, Any]:
    return {"id": app.id, "name": app.name, "created_at": iso_millis(app.created_at)}


def create_app(connection: Connection, *, account_id: str, name: str) -> AppRow:
    """A new app, with the six default presets."""
    app = store.insert_app(connection, account_id=account_id, name=name)
    presets.create_default_presets(connection, app_id=app.id)
    return app


def get_app(connection: Connection, *, app_id: str) -> AppRow:
    """The app, whoever owns it: see check_owner."""
    key = parse_id(app_id, field="app_id")
    app = store.get_app(connection, key)
    if app is None:
        raise NotFound(f"No app with id {key}")
    return app


def check_owner(app: AppRow, *, account_id: str) -> None:
    """An app of another account is not found."""
    if app.account_id != account_id:
        raise NotFound(f"No app with id {app.id}")


def list_apps(
    connection: Connection,
    *,
    account_id: str,
    search: str | None,
    newest_first: bool,
    offset: int,
    limit: int,
) -> tuple[list[dict[str, Any]], int]:
    rows, total = store.list_apps(
        connection,
        account_id=account_id,
        search=search,
        newest_first=newest_first,
        offset=offset,
        limit=limit,
    )
    return [view(app) for app in rows], total


def find_default_app(connection: Connection, *, account_id: str) -> AppRow | None:
    """The account's oldest app, if it has one."""
    return store.oldest_app(connection, account_id)


def get_default_app(connection: Connection, *, account_id: str) -> AppRow:
    """The account's oldest app, created as `default` when it has none (contract A4).

    Concurrent first uses queue on the account's row (on SQLite, on the write lock), and all
    but the first then find the app the first one made.
    """
    store.lock_account(connection, account_id)
    return store.oldest_app(connection, account_id) or create_app(
        connection, account_id=account_id, name=DEFAULT_APP_NAME
    )
