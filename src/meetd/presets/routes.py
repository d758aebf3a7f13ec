""".../{app_id}/presets"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from meetd.presets import service
from meetd.presets.schemas import PresetCreate, PresetListItem, PresetRead, PresetUpdate
from meetd.schemas import Text
from meetd.web.context import DEFAULT_PER_PAGE, AppCtx, PageNo, PerPage, body_schema, paging
from meetd.web.replies import CONFLICT, Envelope, Page, page_reply, reply

router = APIRouter(prefix="/presets", tags=["Presets"])
ONE: dict[str, Any] = {"response_model": Envelope[PresetRead]}
CHANGE: dict[str, Any] = {**ONE, "responses": CONFLICT}


@router.get("", response_model=Page[PresetListItem], summary="Fetch all presets")
async def list_presets(
    ctx: AppCtx,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    search: Annotated[Text | None, Query(max_length=255, description="part of a name")] = None,
) -> Response:
    page = paging(page_no, per_page)
    presets, total = await ctx.scan(
        service.list_presets,
        app_id=ctx.app.id,
        search=search,
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, presets, total)


@router.post(
    "",
    status_code=201,
    summary="Create a preset",
    openapi_extra=body_schema(PresetCreate),
    **CHANGE,
)
async def create_preset(ctx: AppCtx) -> Response:
    data = await ctx.body(PresetCreate)
    return reply(await ctx.write(service.create_preset, app_id=ctx.app.id, data=data), 201)


@router.get("/{preset_id}", summary="Fetch a preset", **ONE)
async def get_preset(ctx: AppCtx, preset_id: uuid.UUID) -> Response:
    return reply(await ctx.read(service.read_preset, app_id=ctx.app.id, preset_id=preset_id))


@router.patch(
    "/{preset_id}",
    summary="Update a preset (sections merge)",
    openapi_extra=body_schema(PresetUpdate),
    **CHANGE,
)
async def update_preset(ctx: AppCtx, preset_id: uuid.UUID) -> Response:
    data = await ctx.body(PresetUpdate)
    preset = await ctx.write(
        service.update_preset, app_id=ctx.app.id, preset_id=preset_id, data=data
    )
    return reply(preset)


@router.put(
    "/{preset_id}",
    summary="Replace a preset",
    openapi_extra=body_schema(PresetCreate),
    **CHANGE,
)
async def replace_preset(ctx: AppCtx, preset_id: uuid.UUID) -> Response:
    data = await ctx.body(PresetCreate)
    preset = await ctx.write(
        service.replace_preset, app_id=ctx.app.id, preset_id=preset_id, data=data
    )
    return reply(preset)


@router.delete("/{preset_id}", summary="Delete a preset that no participant uses", **CHANGE)
async def delete_preset(ctx: AppCtx, preset_id: uuid.UUID) -> Response:
    return reply(await ctx.write(service.delete_preset, app_id=ctx.app.id, preset_id=preset_id))
