"""The presets' SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, RowMapping, bindparam, delete, exists, func, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import participants, presets

_BY_ID = select(presets).where(
    presets.c.id == bindparam("preset_id"), presets.c.app_id == bindparam("app_id")
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update()
# Share-locked until the transaction ends: see service.get_preset_for_participant.
_BY_NAME_SHARED = (
    select(presets)
    .where(presets.c.app_id == bindparam("app_id"), presets.c.name == bindparam("name"))
    .with_for_update(read=True)
)
_NAME_TAKEN = select(
    exists().where(presets.c.app_id == bindparam("app_id"), presets.c.name == bindparam("name"))
)
_USERS = (
    select(func.count())
    .select_from(participants)
    .where(participants.c.preset_id == bindparam("preset_id"))
)
# The columns an UPDATE sets are the keys of the values it is run with.
_UPDATE = update(presets).where(presets.c.id == bindparam("preset_id"))
_INSERT = presets.insert()
_DELETE = delete(presets).where(presets.c.id == bindparam("preset_id"))
_LISTED = (presets.c.id, presets.c.name, presets.c.created_at, presets.c.updated_at)


def get_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID, for_update: bool
) -> RowMapping | None:
    query = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    return connection.execute(query, {"preset_id": preset_id, "app_id": app_id}).mappings().first()


def get_preset_by_name_shared(
    connection: Connection, *, app_id: uuid.UUID, name: str
) -> RowMapping | None:
    return connection.execute(_BY_NAME_SHARED, {"app_id": app_id, "name": name}).mappings().first()


def name_taken(connection: Connection, *, app_id: uuid.UUID, name: str) -> bool:
    return bool(connection.scalar(_NAME_TAKEN, {"app_id": app_id, "name": name}))


def count_users(connection: Connection, preset_id: uuid.UUID) -> int:
    return connection.scalar(_USERS, {"preset_id": preset_id}) or 0


def insert_presets(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    connection.execute(_INSERT, list(rows))


def update_preset(connection: Connection, preset_id: uuid.UUID, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE, {**values, "preset_id": preset_id})


def delete_preset(connection: Connection, preset_id: uuid.UUID) -> None:
    connection.execute(_DELETE, {"preset_id": preset_id})


def list_presets(
    connection: Connection, *, app_id: uuid.UUID, search: str | None, offset: int, limit: int
) -> tuple[Sequence[Row[Any]], int]:
    where = [presets.c.app_id == app_id]
    if search:
        where.append(presets.c.name.icontains(search, autoescape=True))
    order = (presets.c.created_at.desc(), presets.c.id.desc())
    return fetch_page(
        connection,
        select(*_LISTED),
        key=presets.c.id,
        where=where,
        order_by=order,
        offset=offset,
        limit=limit,
    )
