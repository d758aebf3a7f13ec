"""The apps' SQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.db.paging import fetch_page
from meetd.db.tables import accounts, apps


@dataclass(frozen=True, slots=True)
class AppRow:
    """An app. Apps never change owner, name or id: a copy may be cached."""

    id: uuid.UUID
    account_id: str
    name: str
    created_at: datetime


_COLUMNS = (apps.c.id, apps.c.account_id, apps.c.name, apps.c.created_at)
_BY_ID = select(*_COLUMNS).where(apps.c.id == bindparam("app_id"))
_OLDEST = (
    select(*_COLUMNS)
    .where(apps.c.account_id == bindparam("account_id"))
    .order_by(apps.c.created_at, apps.c.id)
    .limit(1)
)
_ADVANCE_CLOCK = (
    update(apps)
    .where(apps.c.id == bindparam("app_id"))
    .values(clock_offset_ms=apps.c.clock_offset_ms + bindparam("by_ms"))
)
_LOCK_ACCOUNT = (
    select(accounts.c.id).where(accounts.c.id == bindparam("account_id")).with_for_update()
)


def get_app(connection: Connection, app_id: uuid.UUID) -> AppRow | None:
    row = connection.execute(_BY_ID, {"app_id": app_id}).first()
    return AppRow(**row._mapping) if row else None


def oldest_app(connection: Connection, account_id: str) -> AppRow | None:
    row = connection.execute(_OLDEST, {"account_id": account_id}).first()
    return AppRow(**row._mapping) if row else None


def lock_account(connection: Connection, account_id: str) -> None:
    """Until the transaction ends (on SQLite, the write lock the transaction holds already)."""
    connection.execute(_LOCK_ACCOUNT, {"account_id": account_id})


def insert_app(connection: Connection, *, account_id: str, name: str) -> AppRow:
    app = AppRow(id=uuid.uuid4(), account_id=account_id, name=name, created_at=clock.now())
    connection.execute(
        apps.insert(),
        {"id": app.id, "account_id": account_id, "name": name, "created_at": app.created_at},
    )
    return app


def list_apps(
    connection: Connection,
    *,
    account_id: str,
    search: str | None,
    newest_first: bool,
    offset: int,
    limit: int,
) -> tuple[list[AppRow], int]:
    where = [apps.c.account_id == account_id]
    if search:
        where.append(apps.c.name.icontains(search, autoescape=True))
    c = apps.c
    order = (c.created_at.desc(), c.id.desc()) if newest_first else (c.created_at, c.id)
    rows, total = fetch_page(
        connection,
        select(*_COLUMNS),
        key=c.id,
        where=where,
        order_by=order,
        offset=offset,
        limit=limit,
    )
    return [AppRow(**row._mapping) for row in rows], total


def advance_clock(connection: Connection, *, app_id: uuid.UUID, by_ms: int) -> None:
    """The app's clock moves forward (meetd.clock); on PostgreSQL the app's row stays locked
    until the transaction ends, so advances of one app apply one after the other."""
    connection.execute(_ADVANCE_CLOCK, {"app_id": app_id, "by_ms": by_ms})
