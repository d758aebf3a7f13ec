""".../{app_id}/recordings (contract A11)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from meetd.recordings import service
from meetd.recordings.schemas import (
    RecordingAction,
    RecordingPage,
    RecordingRead,
    RecordingStart,
    RecordingStatus,
    SortOrder,
    TrackRecordingStart,
    TrackRecordingStarted,
)
from meetd.schemas import UtcDateTime
from meetd.sessions.routes import SearchTerm
from meetd.web.context import (
    DEFAULT_PER_PAGE,
    AppCtx,
    PageNo,
    PerPage,
    body_schema,
    id_segment,
    paging,
)
from meetd.web.replies import CONFLICT, Envelope, page_reply, reply

# PUT /recordings/track is a 405 (only POST serves it), not a recording id refused.
id_segment("recording_id", "track", "active-recording")
router = APIRouter(prefix="/recordings", tags=["Recordings"])


@router.get("", response_model=RecordingPage, summary="Fetch the app's recordings")
async def list_recordings(
    ctx: AppCtx,
    meeting_id: uuid.UUID | None = None,
    status: Annotated[list[RecordingStatus] | None, Query(description="repeat for several")] = None,
    expired: Annotated[
        bool | None, Query(description="only those past (true) or within (false) their 7 days")
    ] = None,
    search: Annotated[
        SearchTerm | None, Query(description="a meeting id, or part of a meeting title")
    ] = None,
    start_time: Annotated[UtcDateTime | None, Query(description="invoked at or after")] = None,
    end_time: Annotated[UtcDateTime | None, Query(description="invoked at or before")] = None,
    sort_by: Annotated[str, Query(pattern="^invokedTime$")] = "invokedTime",
    sort_order: SortOrder = "DESC",
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    recordings, total = await ctx.scan(
        service.list_recordings,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        statuses=status or (),
        expired=expired,
        start_time=start_time,
        end_time=end_time,
        search=search,
        ascending=sort_order == "ASC",
        offset=page.offset,
        limit=page.per_page,
        downloads=ctx.deployment.downloads,
    )
    return page_reply(page, recordings, total)


@router.post(
    "",
    response_model=Envelope[RecordingRead],
    summary="Start recording a meeting's LIVE session (INVOKED, then RECORDING 2 s later)",
    openapi_extra=body_schema(RecordingStart),
    responses=CONFLICT,
)
async def start_recording(ctx: AppCtx) -> Response:
    data = await ctx.body(RecordingStart)
    started = await ctx.write(
        service.start_recording,
        app=ctx.app,
        data=data,
        box=ctx.deployment.storage_box,
        downloads=ctx.deployment.downloads,
    )
    return reply(started)


@router.post(
    "/track",
    response_model=Envelope[TrackRecordingStarted],
    summary="Start recording each peer's audio, a WebM file per peer",
    openapi_extra=body_schema(TrackRecordingStart),
    responses=CONFLICT,
)
async def start_track_recording(ctx: AppCtx) -> Response:
    data = await ctx.body(TrackRecordingStart)
    started = await ctx.write(
        service.start_track_recording,
        app=ctx.app,
        data=data,
        downloads=ctx.deployment.downloads,
    )
    return reply(started)


@router.get(
    "/active-recording/{meeting_id}",
    response_model=Envelope[RecordingRead],
    summary="The meeting's recording under way (INVOKED, RECORDING or PAUSED)",
)
async def get_active_recording(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    active = await ctx.read(
        service.active_recording,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(active)


@router.get(
    "/{recording_id:recording_id}",
    response_model=Envelope[RecordingRead],
    summary="Fetch a recording",
)
async def get_recording(ctx: AppCtx, recording_id: uuid.UUID) -> Response:
    recording = await ctx.read(
        service.read_recording,
        app_id=ctx.app.id,
        recording_id=recording_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(recording)


@router.put(
    "/{recording_id:recording_id}",
    response_model=Envelope[RecordingRead],
    summary="Pause, resume or stop a recording",
    openapi_extra=body_schema(RecordingAction),
    responses=CONFLICT,
)
async def act_on_recording(ctx: AppCtx, recording_id: uuid.UUID) -> Response:
    data = await ctx.body(RecordingAction)
    recording = await ctx.write(
        service.act_on_recording,
        app=ctx.app,
        recording_id=recording_id,
        action=data.action,
        downloads=ctx.deployment.downloads,
    )
    return reply(recording)
