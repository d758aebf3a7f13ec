"""Presets: the six defaults of a new app, and create, read, PATCH-merge, PUT-replace, delete."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from meetd.clock import clock
from meetd.db.tables import Record
from meetd.errors import Conflict, NotFound
from meetd.merge import patched
from meetd.presets import store
from meetd.presets.defaults import DEFAULT_PRESETS
from meetd.presets.schemas import PresetCreate, PresetUpdate
from meetd.schemas import iso_millis

_SECTIONS = ("config", "ui", "permissions")


def view(row: Record) -> dict[str, Any]:
    """A preset as answered; `listed` rows carry no sections."""
    out: dict[str, Any] = {"id": row["id"], "name": row["name"]}
    out["created_at"] = iso_millis(row["created_at"])
    out["updated_at"] = iso_millis(row["updated_at"])
    for section in _SECTIONS:
        if section in row:
            out[section] = row[section]
    return out


def create_default_presets(connection: Connection, *, app_id: uuid.UUID) -> None:
    now = clock.app_now(connection, app_id)
    store.insert_presets(
        connection, [_row(app_id, data, created_at=now) for data in DEFAULT_PRESETS]
    )


def create_preset(
    connection: Connection, *, app_id: uuid.UUID, data: PresetCreate
) -> dict[str, Any]:
    _check_name_is_free(connection, app_id=app_id, name=data.name)
    row = _row(app_id, data, created_at=clock.app_now(connection, app_id))
    try:
        store.insert_presets(connection, [row])
    except IntegrityError:
        # A concurrent request took the name between the check and the write.
        raise _name_taken(data.name) from None
    return view(row)


def get_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID, for_update: bool = False
) -> Record:
    row = store.get_preset(connection, app_id=app_id, preset_id=preset_id, for_update=for_update)
    if row is None:
        raise NotFound(f"No preset with id {preset_id}")
    return row


def read_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID
) -> dict[str, Any]:
    return view(get_preset(connection, app_id=app_id, preset_id=preset_id))


def get_preset_for_participant(connection: Connection, *, app_id: uuid.UUID, name: str) -> Record:
    """The preset a participant is being given, by name (case-sensitive, reference B6).

    It stays share-locked until the transaction ends, so it cannot be deleted before the
    participant that uses it is stored: a delete either waits and then finds it in use, or
    goes first and this finds nothing.
    """
    row = store.get_preset_by_name_shared(connection, app_id=app_id, name=name)
    if row is None:
        raise NotFound(f"preset_name: no preset named '{name}' in this app")
    return row


def list_presets(
    connection: Connection, *, app_id: uuid.UUID, search: str | None, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    rows, total = store.list_presets(
        connection, app_id=app_id, search=search, offset=offset, limit=limit
    )
    return [view(row._mapping) for row in rows], total


def update_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID, data: PresetUpdate
) -> dict[str, Any]:
    """PATCH: `name` replaces; `config`, `ui` and `permissions` merge key by key; a null
    for any of them (none can be cleared) leaves it as it is."""
    preset = get_preset(connection, app_id=app_id, preset_id=preset_id, for_update=True)
    stored = {"name": preset["name"], **{s: preset[s] for s in _SECTIONS}}
    changes = {key: value for key, value in data.model_dump().items() if value is not None}
    return _replace(connection, preset, patched(PresetCreate, stored, changes))


def replace_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID, data: PresetCreate
) -> dict[str, Any]:
    preset = get_preset(connection, app_id=app_id, preset_id=preset_id, for_update=True)
    return _replace(connection, preset, data)


def delete_preset(
    connection: Connection, *, app_id: uuid.UUID, preset_id: uuid.UUID
) -> dict[str, Any]:
    preset = get_preset(connection, app_id=app_id, preset_id=preset_id, for_update=True)
    users = store.count_users(connection, preset["id"])
    if users:
        raise Conflict(
            f"Preset '{preset['name']}' is used by {users} participant"
            f"{'s' if users > 1 else ''}; move them to another preset or delete them first"
        )
    try:
        store.delete_preset(connection, preset["id"])
    except IntegrityError:  # the foreign key behind the count above
        raise Conflict(f"Preset '{preset['name']}' is used by participants") from None
    return view(preset)


def _replace(connection: Connection, preset: Record, data: PresetCreate) -> dict[str, Any]:
    if data.name != preset["name"]:
        _check_name_is_free(connection, app_id=preset["app_id"], name=data.name)
    values = {**_columns(data), "updated_at": clock.app_now(connection, preset["app_id"])}
    try:
        store.update_preset(connection, preset["id"], values)
    except IntegrityError:
        raise _name_taken(data.name) from None
    return view({**preset, **values})


def _check_name_is_free(connection: Connection, *, app_id: uuid.UUID, name: str) -> None:
    if store.name_taken(connection, app_id=app_id, name=name):
        raise _name_taken(name)


def _name_taken(name: str) -> Conflict:
    return Conflict(f"name: a preset named '{name}' already exists in this app")


def _row(app_id: uuid.UUID, data: PresetCreate, *, created_at: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "app_id": app_id,
        "created_at": created_at,
        "updated_at": created_at,
        **_columns(data),
    }


def _columns(data: PresetCreate) -> dict[str, Any]:
    return data.model_dump(by_alias=True, exclude_none=True)
