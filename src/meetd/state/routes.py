""".../{app_id}/simulate/state: an app emptied at once (a meetd extension, docs/testing.md)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from meetd.state import service
from meetd.state.schemas import Emptied
from meetd.web.context import SimulationCtx
from meetd.web.replies import Envelope, reply

router = APIRouter(prefix="/simulate/state", tags=["meetd extensions"])


@router.delete(
    "",
    response_model=Envelope[Emptied],
    summary="Empty the app (meetings, participants, sessions, recordings, livestreams, "
    "webhooks and their deliveries, fault rules) but for its presets; its clock goes back "
    "to the real time",
)
async def reset_app(ctx: SimulationCtx) -> Response:
    emptied = await ctx.write(service.reset_app, app_id=ctx.app.id)
    ctx.deployment.fault_rules.forget(ctx.app.id)
    return reply(emptied)
