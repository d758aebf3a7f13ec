"""Presets: the six defaults of a new app, and create, read, PATCH-merge, PUT-replace, delete."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def get_preset(session: Session, *, app: App, preset_id: str, for_update: bool = False) -> Preset:
    try:
        key = uuid.UUID(preset_id)
    except ValueError:
        raise NotFound("preset_id: no preset with this id") from None
    query = select(Preset).where(Preset.id == key, Preset.app_id == app.id)
    preset = session.scalars(query.with_for_update() if for_update else query).one_or_none()
    if preset is None:
        raise NotFound(f"No preset with id {key}")
    return preset


def get_preset_by_name(session: Session, *, app_id: uuid.UUID, name: str) -> Preset:
    """Names match case-sensitively (reference B6)."""
    query = select(Preset).where(Preset.app_id == app_id, Preset.name == name)
    preset = session.scalars(query).one_or_none()
    if preset is None:
        raise NotFound(f"preset_name: no preset named '{name}' in this app")
    return preset


def list_presets(
    session: Session, *, app: App, search: str | None, offset: int, limit: int
) -> tuple[list[Preset], int]:
    query = select(Preset).where(Preset.app_id == app.id)
    if search:
        query = query.where(Preset.name.icontains(search, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Preset.created_at.desc(), Preset.id.desc()).offset(offset).limit(limit)
    return list(session.scalars(page)), total


def update_preset(session: Session, *, preset: Preset, data: PresetUpdate) -> Preset:
    """PATCH: `name` replaces; `config`, `ui` and `permissions` merge key by key."""
    stored = {"name": preset.name, **_columns_of(preset)}
    changes = data.model_dump(exclude_unset=True)
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
    session.flush()
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
