""".../{app_id}/livestreams, a meeting's livestreams, and the livestream sessions of a
session (contract A11)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from meetd.livestreams import service
from meetd.livestreams.schemas import (
    ActiveLivestreamSession,
    LivestreamCreate,
    LivestreamPage,
    LivestreamRead,
    LivestreamSessionRead,
    LivestreamStatus,
    LivestreamWithSessions,
    MeetingLivestreams,
    MeetingLivestreamStart,
    SessionLivestreamSessions,
    SortOrder,
    Stopped,
)
from meetd.schemas import UtcDateTime
from meetd.web.context import DEFAULT_PER_PAGE, AppCtx, PageNo, PerPage, body_schema, paging
from meetd.web.replies import CONFLICT, Envelope, page_reply, paged_object_reply, reply

router = APIRouter(prefix="/livestreams", tags=["Live streams"])
meeting_router = APIRouter(prefix="/meetings/{meeting_id}", tags=["Live streams"])
session_router = APIRouter(prefix="/sessions/{session_id}", tags=["Live streams"])


@router.post(
    "",
    status_code=201,
    response_model=Envelope[LivestreamRead],
    summary="Create an independent livestream (INVOKED until its RTMP input starts)",
    openapi_extra=body_schema(LivestreamCreate),
)
async def create_livestream(ctx: AppCtx) -> Response:
    data = await ctx.body(LivestreamCreate)
    created = await ctx.write(
        service.create_livestream, app=ctx.app, data=data, downloads=ctx.deployment.downloads
    )
    return reply(created, 201)


@router.get("", response_model=LivestreamPage, summary="Fetch the app's livestreams")
async def list_livestreams(
    ctx: AppCtx,
    exclude_meetings: Annotated[bool, Query(description="only independent livestreams")] = False,
    status: LivestreamStatus | None = None,
    start_time: Annotated[UtcDateTime | None, Query(description="created at or after")] = None,
    end_time: Annotated[UtcDateTime | None, Query(description="created at or before")] = None,
    sort_order: SortOrder = "DSC",
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    livestreams, total = await ctx.scan(
        service.list_livestreams,
        app_id=ctx.app.id,
        exclude_meetings=exclude_meetings,
        status=status,
        start_time=start_time,
        end_time=end_time,
        ascending=sort_order == "ASC",
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, livestreams, total)


@router.get(
    "/sessions/{livestream_session_id}",
    response_model=Envelope[LivestreamSessionRead],
    summary="Fetch a livestream session",
)
async def get_livestream_session(ctx: AppCtx, livestream_session_id: uuid.UUID) -> Response:
    found = await ctx.read(
        service.read_livestream_session,
        app_id=ctx.app.id,
        livestream_session_id=livestream_session_id,
    )
    return reply(found)


@router.get(
    "/{livestream_id}",
    response_model=Envelope[LivestreamWithSessions],
    summary="Fetch a livestream and its sessions, the newest first",
)
async def get_livestream(
    ctx: AppCtx,
    livestream_id: uuid.UUID,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    found, total = await ctx.scan(
        service.livestream_with_sessions,
        app_id=ctx.app.id,
        livestream_id=livestream_id,
        offset=page.offset,
        limit=page.per_page,
    )
    return paged_object_reply(page, found, len(found["sessions"]), total)


@router.get(
    "/{livestream_id}/active-livestream-session",
    response_model=Envelope[ActiveLivestreamSession],
    summary="A LIVE livestream and its session under way",
)
async def get_active_livestream_session(ctx: AppCtx, livestream_id: uuid.UUID) -> Response:
    found = await ctx.read(
        service.active_livestream_session, app_id=ctx.app.id, livestream_id=livestream_id
    )
    return reply(found)


@meeting_router.post(
    "/livestreams",
    status_code=201,
    response_model=Envelope[LivestreamRead],
    summary="Livestream the meeting (LIVE 2 s later while its session runs)",
    openapi_extra=body_schema(MeetingLivestreamStart),
    responses=CONFLICT,
)
async def start_meeting_livestream(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(MeetingLivestreamStart)
    started = await ctx.write(
        service.start_meeting_livestream,
        app=ctx.app,
        meeting_id=meeting_id,
        data=data,
        downloads=ctx.deployment.downloads,
    )
    return reply(started, 201)


@meeting_router.get(
    "/active-livestream",
    response_model=Envelope[LivestreamRead],
    summary="The meeting's livestream under way (INVOKED or LIVE)",
)
async def get_active_meeting_livestream(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    found = await ctx.read(
        service.active_meeting_livestream, app_id=ctx.app.id, meeting_id=meeting_id
    )
    return reply(found)


@meeting_router.post(
    "/active-livestream/stop",
    response_model=Envelope[Stopped],
    summary="Stop the meeting's livestream (IDLE)",
)
async def stop_meeting_livestream(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    stopped = await ctx.write(
        service.stop_meeting_livestream,
        app=ctx.app,
        meeting_id=meeting_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(stopped)


@meeting_router.get(
    "/livestream",
    response_model=Envelope[MeetingLivestreams],
    summary="The meeting's livestreams and their sessions, the newest first",
)
async def get_meeting_livestreams(
    ctx: AppCtx,
    meeting_id: uuid.UUID,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    found, total = await ctx.scan(
        service.meeting_livestreams,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        offset=page.offset,
        limit=page.per_page,
    )
    return paged_object_reply(page, found, len(found["sessions"]), total)


@session_router.get(
    "/livestream-sessions",
    response_model=Envelope[SessionLivestreamSessions],
    summary="The livestream sessions the session fed",
)
async def get_session_livestream_sessions(
    ctx: AppCtx,
    session_id: uuid.UUID,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    found, total = await ctx.scan(
        service.session_livestream_sessions,
        app_id=ctx.app.id,
        session_id=session_id,
        offset=page.offset,
        limit=page.per_page,
    )
    return paged_object_reply(page, {"data": found}, len(found), total)
