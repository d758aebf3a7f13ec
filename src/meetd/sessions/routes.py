""".../{app_id}/sessions (contract A7) and .../meetings/{meeting_id}/active-session (A9)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, StringConstraints

from meetd.schemas import Clean, UtcDateTime
from meetd.sessions import service
from meetd.sessions.schemas import (
    ChatRead,
    KickedAll,
    MuteAll,
    MutedAll,
    ParticipantsActed,
    ParticipantsChosen,
    ParticipantSort,
    PeerReportOne,
    PollCreate,
    PollCreated,
    ReportFilter,
    SessionDetail,
    SessionPage,
    SessionParticipantOne,
    SessionParticipantPage,
    SessionRead,
    SessionSort,
    SessionStatus,
    SortOrder,
    SummaryRead,
    SummaryStarted,
    TranscriptFormat,
    TranscriptRead,
    View,
)
from meetd.web.context import DEFAULT_PER_PAGE, AppCtx, PageNo, PerPage, body_schema, paging
from meetd.web.replies import Envelope, page_reply, reply

router = APIRouter(prefix="/sessions", tags=["Sessions"])
active_router = APIRouter(prefix="/meetings/{meeting_id}/active-session", tags=["Active session"])
PeerEvents = Annotated[bool, Query(description="add each peer's joins, leaves and mutes")]
SearchTerm = Annotated[str, StringConstraints(max_length=255), Clean]


def _one(model: type[BaseModel]) -> dict[str, Any]:
    return {"response_model": Envelope[model]}  # type: ignore[valid-type]


@router.get("", response_model=SessionPage, summary="Fetch all sessions of an app")
async def list_sessions(
    ctx: AppCtx,
    status: SessionStatus | None = None,
    associated_id: Annotated[uuid.UUID | None, Query(description="a meeting id")] = None,
    start_time: Annotated[UtcDateTime | None, Query(description="started at or after")] = None,
    end_time: Annotated[UtcDateTime | None, Query(description="started at or before")] = None,
    search: Annotated[
        SearchTerm | None,
        Query(description="a session id, a meeting id, or part of a meeting title"),
    ] = None,
    sort_by: SessionSort = "createdAt",
    sort_order: SortOrder = "DESC",
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    sessions, total = await ctx.scan(
        service.list_sessions,
        app_id=ctx.app.id,
        status=status,
        meeting_id=associated_id,
        start_time=start_time,
        end_time=end_time,
        search=search,
        sort_by=sort_by,
        ascending=sort_order == "ASC",
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, sessions, total, key="sessions")


@router.get(
    "/peer-report/{peer_id}",
    summary="Fetch a peer's report: its participant record and what its join reported",
    **_one(PeerReportOne),
)
async def get_peer_report(
    ctx: AppCtx,
    peer_id: uuid.UUID,
    include_peer_events: PeerEvents = False,
    filters: Annotated[list[ReportFilter] | None, Query()] = None,
) -> Response:
    report = await ctx.read(
        service.read_peer_report,
        app_id=ctx.app.id,
        peer_id=peer_id,
        peer_events=include_peer_events,
        filters=filters or (),
    )
    return reply(report)


@router.get("/{session_id}", summary="Fetch a session", **_one(SessionDetail))
async def get_session(
    ctx: AppCtx, session_id: uuid.UUID, include_breakout_rooms: bool = False
) -> Response:
    session = await ctx.read(
        service.read_session,
        app_id=ctx.app.id,
        session_id=session_id,
        breakout_rooms=include_breakout_rooms,
    )
    return reply(session)


@router.get(
    "/{session_id}/participants",
    response_model=SessionParticipantPage,
    summary="Fetch a session's participants: its peers, or one row per participant",
)
async def list_session_participants(
    ctx: AppCtx,
    session_id: uuid.UUID,
    search: Annotated[
        SearchTerm | None,
        Query(description="a peer id, participant id, custom participant id, or part of a name"),
    ] = None,
    view: View = "raw",
    sort_by: ParticipantSort = "joinedAt",
    sort_order: SortOrder = "ASC",
    include_peer_events: PeerEvents = False,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    participants, total = await ctx.scan(
        service.list_session_participants,
        app_id=ctx.app.id,
        session_id=session_id,
        search=search,
        sort_by=sort_by,
        ascending=sort_order == "ASC",
        consolidated=view == "consolidated",
        peer_events=include_peer_events,
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, participants, total, key="participants")


@router.get(
    "/{session_id}/participants/{participant_id}",
    summary="Fetch one participant (peer) of a session",
    **_one(SessionParticipantOne),
)
async def get_session_participant(
    ctx: AppCtx,
    session_id: uuid.UUID,
    participant_id: Annotated[uuid.UUID, "the peer id"],
    include_peer_events: PeerEvents = False,
) -> Response:
    participant = await ctx.read(
        service.read_session_participant,
        app_id=ctx.app.id,
        session_id=session_id,
        peer_id=participant_id,
        peer_events=include_peer_events,
    )
    return reply(participant)


@router.get(
    "/{session_id}/chat", summary="A download URL of the session's chat (CSV)", **_one(ChatRead)
)
async def get_session_chat(ctx: AppCtx, session_id: uuid.UUID) -> Response:
    link = await ctx.read(
        service.chat_link,
        app_id=ctx.app.id,
        session_id=session_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(link)


@router.get(
    "/{session_id}/transcript",
    summary="A download URL of the session's transcript",
    **_one(TranscriptRead),
)
async def get_session_transcript(
    ctx: AppCtx, session_id: uuid.UUID, format: TranscriptFormat = "CSV"
) -> Response:
    link = await ctx.read(
        service.transcript_link,
        app_id=ctx.app.id,
        session_id=session_id,
        format=format,
        downloads=ctx.deployment.downloads,
    )
    return reply(link)


@router.get(
    "/{session_id}/summary", summary="A download URL of the session's summary", **_one(SummaryRead)
)
async def get_session_summary(ctx: AppCtx, session_id: uuid.UUID) -> Response:
    link = await ctx.read(
        service.summary_link,
        app_id=ctx.app.id,
        session_id=session_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(link)


@router.post(
    "/{session_id}/summary",
    summary="Summarize the session's transcript",
    **_one(SummaryStarted),
)
async def generate_summary(ctx: AppCtx, session_id: uuid.UUID) -> Response:
    started = await ctx.write(
        service.generate_summary,
        app=ctx.app,
        session_id=session_id,
        downloads=ctx.deployment.downloads,
    )
    return reply(started)


# -- the active session ------------------------------------------------------------------


@active_router.get("", summary="Fetch the meeting's LIVE session", **_one(SessionRead))
async def get_active_session(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    return reply(await ctx.read(service.active_session, app_id=ctx.app.id, meeting_id=meeting_id))


@active_router.post(
    "/kick",
    summary="Kick participants: each of their peers leaves",
    openapi_extra=body_schema(ParticipantsChosen),
    **_one(ParticipantsActed),
)
async def kick_participants(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(ParticipantsChosen)
    kicked = await ctx.write(
        service.kick,
        app=ctx.app,
        meeting_id=meeting_id,
        data=data,
        downloads=ctx.deployment.downloads,
    )
    return reply(kicked)


@active_router.post(
    "/kick-all", summary="Kick everyone: the session ends at once", **_one(KickedAll)
)
async def kick_all_participants(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    kicked = await ctx.write(
        service.kick_all, app=ctx.app, meeting_id=meeting_id, downloads=ctx.deployment.downloads
    )
    return reply(kicked)


@active_router.post(
    "/mute",
    summary="Mute participants",
    openapi_extra=body_schema(ParticipantsChosen),
    **_one(ParticipantsActed),
)
async def mute_participants(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(ParticipantsChosen)
    return reply(await ctx.write(service.mute, app_id=ctx.app.id, meeting_id=meeting_id, data=data))


@active_router.post("/mute-all", summary="Mute everyone", **_one(MutedAll))
async def mute_all_participants(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    # The body is optional here: none means the defaults.
    data = await ctx.body(MuteAll) if await ctx.request.body() else MuteAll()
    muted = await ctx.write(
        service.mute_all, app_id=ctx.app.id, meeting_id=meeting_id, allow_unmute=data.allow_unmute
    )
    return reply(muted)


@active_router.post(
    "/poll",
    status_code=201,
    summary="Create a poll in the meeting",
    openapi_extra=body_schema(PollCreate),
    **_one(PollCreated),
)
async def create_poll(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(PollCreate)
    return reply(
        await ctx.write(service.create_poll, app_id=ctx.app.id, meeting_id=meeting_id, data=data),
        201,
    )
