""".../{app_id}/presets"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from meetd.api.deps import (
    GUARDED,
    KIT_PREFIX,
    AppFromPath,
    PageDep,
    SessionDep,
    WorkRoute,
    db,
    db_scan,
    writes,
)
from meetd.api.envelope import CONFLICT, Envelope, Page
from meetd.db.tables import Preset
from meetd.presets import service
from meetd.presets.schemas import PresetCreate, PresetListItem, PresetRead, PresetUpdate
from meetd.schemas import Text

router = APIRouter(
    prefix=KIT_PREFIX + "/{app_id}/presets",
    dependencies=GUARDED,
    tags=["Presets"],
    route_class=WorkRoute,
)
ONE: dict[str, Any] = {"response_model": Envelope[PresetRead], "response_model_exclude_none": True}
CHANGE: dict[str, Any] = {**ONE, "responses": CONFLICT}


async def preset_from_path(
    request: Request, preset_id: uuid.UUID, app: AppFromPath, session: SessionDep
) -> Preset:
    for_update = writes(request)
    return await db(
        service.get_preset, session, app=app, preset_id=preset_id, for_update=for_update
    )


PresetFromPath = Annotated[Preset, Depends(preset_from_path)]


@router.get("", response_model=Page[PresetListItem], summary="Fetch all presets")
async def list_presets(
    app: AppFromPath,
    session: SessionDep,
    page: PageDep,
    search: Annotated[Text | None, Query(max_length=255, description="part of a name")] = None,
) -> dict[str, Any]:
    presets, total = await db_scan(
        service.list_presets,
        session,
        app=app,
        search=search,
        offset=page.offset,
        limit=page.per_page,
    )
    return page.of(presets, total)


@router.post("", status_code=201, summary="Create a preset", **CHANGE)
async def create_preset(
    app: AppFromPath, session: SessionDep, data: PresetCreate
) -> dict[str, Any]:
    return {"data": await db(service.create_preset, session, app=app, data=data)}


@router.get("/{preset_id}", summary="Fetch a preset", **ONE)
async def get_preset(preset: PresetFromPath) -> dict[str, Any]:
    return {"data": preset}


@router.patch("/{preset_id}", summary="Update a preset (sections merge)", **CHANGE)
async def update_preset(
    preset: PresetFromPath, session: SessionDep, data: PresetUpdate
) -> dict[str, Any]:
    return {"data": await db(service.update_preset, session, preset=preset, data=data)}


@router.put("/{preset_id}", summary="Replace a preset", **CHANGE)
async def replace_preset(
    preset: PresetFromPath, session: SessionDep, data: PresetCreate
) -> dict[str, Any]:
    return {"data": await db(service.replace_preset, session, preset=preset, data=data)}


@router.delete("/{preset_id}", summary="Delete a preset that no participant uses", **CHANGE)
async def delete_preset(preset: PresetFromPath, session: SessionDep) -> dict[str, Any]:
    return {"data": await db(service.delete_preset, session, preset=preset)}
