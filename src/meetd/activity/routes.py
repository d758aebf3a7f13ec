"""The activity API and the app clock (contract A8): meetd extensions, under an app."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from meetd.activity import service
from meetd.activity.schemas import (
    Advance,
    Chat,
    ClockRead,
    Join,
    Joined,
    Leave,
    Left,
    Recorded,
    Speak,
)
from meetd.livestreams import service as livestreams
from meetd.livestreams.schemas import InputChange, InputChanged
from meetd.web.context import SimulationCtx, body_schema
from meetd.web.replies import CONFLICT, Envelope, reply

TAG = "meetd extensions"
router = APIRouter(prefix="/meetings/{meeting_id}/simulate", tags=[TAG])
clock_router = APIRouter(prefix="/simulate/clock", tags=[TAG])
livestream_router = APIRouter(prefix="/simulate/livestream", tags=[TAG])


@router.post(
    "/join",
    status_code=201,
    response_model=Envelope[Joined],
    summary="A participant joins the meeting (a new peer); the session starts if none is LIVE",
    openapi_extra=body_schema(Join),
)
async def join(ctx: SimulationCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(Join)
    deployment = ctx.deployment
    joined = await ctx.write(
        service.join,
        app=ctx.app,
        meeting_id=meeting_id,
        data=data,
        keys=deployment.signing_keys,
        downloads=deployment.downloads,
    )
    return reply(joined, 201)


@router.post(
    "/leave",
    response_model=Envelope[Left],
    summary="A peer leaves; the last one's leaving starts the session's keep-alive",
    openapi_extra=body_schema(Leave),
)
async def leave(ctx: SimulationCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(Leave)
    left = await ctx.write(
        service.leave,
        app=ctx.app,
        meeting_id=meeting_id,
        peer_id=data.peer_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(left)


@router.post(
    "/chat",
    status_code=201,
    response_model=Envelope[Recorded],
    summary="A peer in the LIVE session sends a chat message",
    openapi_extra=body_schema(Chat),
)
async def chat(ctx: SimulationCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(Chat)
    sent = await ctx.write(
        service.chat,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        peer_id=data.peer_id,
        message=data.message,
    )
    return reply(sent, 201)


@router.post(
    "/speak",
    status_code=201,
    summary="A peer in the LIVE session says something (the transcript's material)",
    openapi_extra=body_schema(Speak),
)
async def speak(ctx: SimulationCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(Speak)
    said = await ctx.write(
        service.speak,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        peer_id=data.peer_id,
        text=data.text,
        duration_ms=data.duration_ms,
    )
    return reply(said, 201)


@clock_router.get("", response_model=Envelope[ClockRead], summary="The app's clock")
async def read_clock(ctx: SimulationCtx) -> Response:
    return reply(await ctx.read(service.read_clock, app_id=ctx.app.id))


@clock_router.post(
    "/advance",
    response_model=Envelope[ClockRead],
    summary="Move the app's clock forward; the timers it passes run, in order, before the answer",
    openapi_extra=body_schema(Advance),
)
async def advance_clock(ctx: SimulationCtx) -> Response:
    data = await ctx.body(Advance)
    moved = await ctx.write(
        service.advance_clock,
        app_id=ctx.app.id,
        seconds=data.seconds,
        downloads=ctx.deployment.downloads,
        box=ctx.deployment.storage_box,
    )
    return reply(moved)


@livestream_router.post(
    "",
    response_model=Envelope[InputChanged],
    summary="An independent livestream's RTMP input starts (live) or stops (idle); viewers",
    openapi_extra=body_schema(InputChange),
    responses=CONFLICT,
)
async def change_livestream_input(ctx: SimulationCtx) -> Response:
    data = await ctx.body(InputChange)
    changed = await ctx.write(
        livestreams.change_input, app=ctx.app, data=data, downloads=ctx.deployment.downloads
    )
    return reply(changed)
