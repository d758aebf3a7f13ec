""".../{app_id}/simulate/faults: an app's fault rules (a meetd extension, docs/testing.md)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from meetd.faults import service
from meetd.faults.schemas import FaultCreate, FaultRead
from meetd.web.context import InApp, SimulationCtx, body_schema
from meetd.web.replies import CONFLICT, Envelope, reply

router = APIRouter(prefix="/simulate/faults", tags=["meetd extensions"])


def _changed(ctx: InApp) -> None:
    # This process sees the change at once; the others within a second (docs/testing.md).
    ctx.deployment.fault_rules.forget(ctx.app.id)


@router.post(
    "",
    status_code=201,
    response_model=Envelope[FaultRead],
    responses=CONFLICT,
    summary="Add a fault rule: the app's requests it matches fail, or wait, as it says",
    openapi_extra=body_schema(FaultCreate),
)
async def create_fault(ctx: SimulationCtx) -> Response:
    data = await ctx.body(FaultCreate)
    rule = await ctx.write(service.create_rule, app_id=ctx.app.id, data=data)
    _changed(ctx)
    return reply(rule, 201)


@router.get("", response_model=Envelope[list[FaultRead]], summary="The app's fault rules")
async def list_faults(ctx: SimulationCtx) -> Response:
    return reply(await ctx.read(service.list_rules, app_id=ctx.app.id))


@router.delete(
    "", response_model=Envelope[list[FaultRead]], summary="Remove every fault rule of the app"
)
async def delete_faults(ctx: SimulationCtx) -> Response:
    removed = await ctx.write(service.delete_rules, app_id=ctx.app.id)
    _changed(ctx)
    return reply(removed)


@router.delete("/{rule_id}", response_model=Envelope[FaultRead], summary="Remove a fault rule")
async def delete_fault(ctx: SimulationCtx, rule_id: uuid.UUID) -> Response:
    removed = await ctx.write(service.delete_rule, app_id=ctx.app.id, rule_id=rule_id)
    _changed(ctx)
    return reply(removed)
