"""Presets: the six defaults of a new app, and create, read, PATCH-merge, PUT-replace, delete."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from meetd.db.paging import fetch_page
from meetd.db.tables import App, Participant, Preset, utcnow
from meetd.errors import Conflict, NotFound
from meetd.merge import patched
from meetd.presets.defaults import DEFAULT_PRESETS
from meetd.presets.schemas import PresetCreate, PresetUpdate


def create_default_presets(session: Session, *, app: App) -> None:
    for data in DEFAULT_PRESETS:
        session.add(Preset(app_id=app.id, **_columns(data)))


def create_preset(session: Session, *, app: App, data: PresetCreate) -> Preset:
    _check_name_is_free(session, app_id=app.id, name=data.name)
    now = utcnow()
    preset = Preset(app_id=app.id, created_at=now, updated_at=now, **_columns(data))
    session.add(preset)
    _flush(session, data.name)
    return preset


def get_preset(
    session: Session, *, app: App, preset_id: uuid.UUID, for_update: bool = False
) -> Preset:
    query = select(Preset).where(Preset.id == preset_id, Preset.app_id == app.id)
    preset = session.scalars(query.with_for_update() if for_update else query).one_or_none()
    if preset is None:
        raise NotFound(f"No preset with id {preset_id}")
    return preset


def get_preset_for_participant(session: Session, *, app_id: uuid.UUID, name: str) -> Preset:
    """The preset a participant is being given, by name (case-sensitive, reference B6).

    It stays share-locked until the transaction ends, so it cannot be deleted before the
    participant that uses it is stored: a delete either waits and then finds it in use, or
    goes first and this finds nothing.
    """
    query = select(Preset).where(Preset.app_id == app_id, Preset.name == name)
    preset = session.scalars(query.with_for_update(read=True)).one_or_none()
    if preset is None:
        raise NotFound(f"preset_name: no preset named '{name}' in this app")
    return preset


def list_presets(
    session: Session, *, app: App, search: str | None, offset: int, limit: int
) -> tuple[list[Preset], int]:
    where = [Preset.app_id == app.id]
    if search:
        where.append(Preset.name.icontains(search, autoescape=True))
    order = (Preset.created_at.desc(), Preset.id.desc())
    return fetch_page(
        session, select(Preset), where=where, order_by=order, offset=offset, limit=limit
    )


def update_preset(session: Session, *, preset: Preset, data: PresetUpdate) -> Preset:
    """PATCH: `name` replaces; `config`, `ui` and `permissions` merge key by key; a null
    for any of them (none can be cleared) leaves it as it is."""
    stored = {"name": preset.name, **_columns_of(preset)}
    changes = {key: value for key, value in data.model_dump().items() if value is not None}
    return _replace(session, preset, patched(PresetCreate, stored, changes))


def replace_preset(session: Session, *, preset: Preset, data: PresetCreate) -> Preset:
    return _replace(session, preset, data)


def delete_preset(session: Session, *, preset: Preset) -> Preset:
    users = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.preset_id == preset.id)
    )
    if users:
        raise Conflict(
            f"Preset '{preset.name}' is used by {users} participant{'s' if users > 1 else ''}; "
            "move them to another preset or delete them first"
        )
    session.delete(preset)
    try:
        session.flush()
    except IntegrityError:  # the foreign key behind the count above
        raise Conflict(f"Preset '{preset.name}' is used by participants") from None
    return preset


def _replace(session: Session, preset: Preset, data: PresetCreate) -> Preset:
    if data.name != preset.name:
        _check_name_is_free(session, app_id=preset.app_id, name=data.name)
    for column, value in _columns(data).items():
        setattr(preset, column, value)
    preset.updated_at = utcnow()
    _flush(session, data.name)
    return preset


def _check_name_is_free(session: Session, *, app_id: uuid.UUID, name: str) -> None:
    taken = session.scalar(select(exists().where(Preset.app_id == app_id, Preset.name == name)))
    if taken:
        raise Conflict(f"name: a preset named '{name}' already exists in this app")


def _flush(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        # A concurrent request took the name between the check and the write.
        raise Conflict(f"name: a preset named '{name}' already exists in this app") from None


def _columns(data: PresetCreate) -> dict[str, Any]:
    return data.model_dump(by_alias=True, exclude_none=True)


def _columns_of(preset: Preset) -> dict[str, Any]:
    return {"config": preset.config, "ui": preset.ui, "permissions": preset.permissions}
