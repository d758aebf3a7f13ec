""".../{app_id}/meetings, and the same operations on the legacy `/realtimekit/meetings` paths,
where the app is the account's default app (contract A4): meetd.web.routes mounts them twice."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from meetd.meetings import service
from meetd.meetings.schemas import (
    MeetingCreate,
    MeetingListItem,
    MeetingRead,
    MeetingUpdate,
    SearchTerm,
    Status,
)
from meetd.schemas import UtcDateTime
from meetd.web.context import DEFAULT_PER_PAGE, AppCtx, PageNo, PerPage, body_schema, paging
from meetd.web.replies import Envelope, Page, page_reply, reply

router = APIRouter(prefix="/meetings")
Search = Annotated[
    SearchTerm | None, Query(description="the exact meeting id, or part of the title (any case)")
]
StartTime = Annotated[UtcDateTime | None, Query(description="created at or after")]
EndTime = Annotated[UtcDateTime | None, Query(description="created at or before")]
ONE: dict[str, Any] = {"response_model": Envelope[MeetingRead]}


@router.get("", response_model=Page[MeetingListItem], summary="Fetch all meetings for an app")
async def list_meetings(
    ctx: AppCtx,
    search: Search = None,
    status: Status | None = None,
    start_time: StartTime = None,
    end_time: EndTime = None,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    meetings, total = await ctx.scan(
        service.list_meetings,
        app_id=ctx.app.id,
        search=search,
        status=status,
        start_time=start_time,
        end_time=end_time,
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, meetings, total)


@router.post(
    "",
    status_code=201,
    summary="Create a meeting",
    openapi_extra=body_schema(MeetingCreate),
    **ONE,
)
async def create_meeting(ctx: AppCtx) -> Response:
    data = await ctx.body(MeetingCreate)
    box = ctx.deployment.storage_box
    return reply(
        await ctx.write(service.create_meeting, app_id=ctx.app.id, data=data, box=box), 201
    )


@router.get("/{meeting_id}", summary="Fetch a meeting", **ONE)
async def get_meeting(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    return reply(await ctx.read(service.read_meeting, app_id=ctx.app.id, meeting_id=meeting_id))


@router.patch(
    "/{meeting_id}",
    summary="Update a meeting (merge)",
    openapi_extra=body_schema(MeetingUpdate),
    **ONE,
)
async def update_meeting(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(MeetingUpdate)
    meeting = await ctx.write(
        service.update_meeting,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        data=data,
        box=ctx.deployment.storage_box,
    )
    return reply(meeting)


@router.put(
    "/{meeting_id}",
    summary="Replace a meeting",
    openapi_extra=body_schema(MeetingCreate),
    **ONE,
)
async def replace_meeting(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(MeetingCreate)
    meeting = await ctx.write(
        service.replace_meeting,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        data=data,
        box=ctx.deployment.storage_box,
    )
    return reply(meeting)
