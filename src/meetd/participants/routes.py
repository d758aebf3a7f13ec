""".../meetings/{meeting_id}/participants, on both path families (see meetd.meetings.routes);
the token check, and the public keys that verify tokens."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic_core import to_json

from meetd.deployment import Deployment
from meetd.participants import service, tokens
from meetd.participants.schemas import (
    ParticipantCreate,
    ParticipantDeleted,
    ParticipantRead,
    ParticipantUpdate,
    ParticipantWithToken,
    Token,
    TokenCheck,
    TokenVerdict,
)
from meetd.web.context import (
    DEFAULT_PER_PAGE,
    AppCtx,
    PageNo,
    PerPage,
    TokenCheckCtx,
    body_schema,
    paging,
)
from meetd.web.replies import CONFLICT, JSON, Envelope, Page, page_reply, reply

router = APIRouter(prefix="/meetings/{meeting_id}/participants")
WITH_TOKEN: dict[str, Any] = {"response_model": Envelope[ParticipantWithToken]}


@router.get("", response_model=Page[ParticipantRead], summary="Fetch all participants of a meeting")
async def list_participants(
    ctx: AppCtx,
    meeting_id: uuid.UUID,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    participants, total = await ctx.scan(
        service.list_participants,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, participants, total)


@router.post(
    "",
    status_code=201,
    summary="Add a participant (or re-add one)",
    openapi_extra=body_schema(ParticipantCreate),
    **WITH_TOKEN,
)
async def add_participant(ctx: AppCtx, meeting_id: uuid.UUID) -> Response:
    data = await ctx.body(ParticipantCreate)
    issued = await ctx.write(
        service.add_participant,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        data=data,
        keys=ctx.deployment.signing_keys,
    )
    return reply(issued.with_token(), 201)


@router.get(
    "/{participant_id}",
    response_model=Envelope[ParticipantRead],
    summary="Fetch a participant",
)
async def get_participant(ctx: AppCtx, meeting_id: uuid.UUID, participant_id: str) -> Response:
    participant = await ctx.read(
        service.read_participant,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        participant_id=participant_id,
    )
    return reply(participant)


@router.patch(
    "/{participant_id}",
    summary="Edit a participant",
    openapi_extra=body_schema(ParticipantUpdate),
    **WITH_TOKEN,
)
async def edit_participant(ctx: AppCtx, meeting_id: uuid.UUID, participant_id: str) -> Response:
    data = await ctx.body(ParticipantUpdate)
    issued = await ctx.write(
        service.edit_participant,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        data=data,
        keys=ctx.deployment.signing_keys,
    )
    return reply(issued.with_token())


@router.put(
    "/{participant_id}",
    summary="Replace a participant",
    responses=CONFLICT,
    openapi_extra=body_schema(ParticipantCreate),
    **WITH_TOKEN,
)
async def replace_participant(ctx: AppCtx, meeting_id: uuid.UUID, participant_id: str) -> Response:
    data = await ctx.body(ParticipantCreate)
    issued = await ctx.write(
        service.replace_participant,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        data=data,
        keys=ctx.deployment.signing_keys,
    )
    return reply(issued.with_token())


@router.delete(
    "/{participant_id}",
    response_model=Envelope[ParticipantDeleted],
    summary="Delete a participant, revoking its tokens",
)
async def delete_participant(ctx: AppCtx, meeting_id: uuid.UUID, participant_id: str) -> Response:
    deleted = await ctx.write(
        service.delete_participant,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        participant_id=participant_id,
    )
    return reply(deleted)


@router.post(
    "/{participant_id}/token",
    response_model=Envelope[Token],
    summary="Refresh a participant's token",
)
async def refresh_token(ctx: AppCtx, meeting_id: uuid.UUID, participant_id: str) -> Response:
    grant = await ctx.read(
        service.grant_token,
        app_id=ctx.app.id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        keys=ctx.deployment.signing_keys,
    )
    return reply({"token": tokens.sign(grant)})


tokens_router = APIRouter(prefix="/tokens", tags=["Tokens (meetd extension)"])


@tokens_router.post(
    "/verify",
    response_model=Envelope[TokenVerdict],
    summary="Check a participant token as a joining component would (meetd extension)",
    description="Valid when the signature and expiry check out, the participant exists, the "
    "token is not revoked, and the meeting is ACTIVE; otherwise `valid` is false and `reason` "
    "says why. Any API token of the account may ask, read tokens included.",
    openapi_extra=body_schema(TokenCheck),
)
async def verify(ctx: TokenCheckCtx) -> Response:
    data = await ctx.body(TokenCheck)
    verdict = await ctx.read(
        tokens.verify_token, token=data.token, keys=ctx.deployment.signing_keys, app_id=ctx.app.id
    )
    out: dict[str, Any] = {"valid": verdict.valid}
    if verdict.valid:
        out["claims"] = verdict.claims
        out["participant"] = service.view(verdict.participant or {})
    else:
        out["reason"] = verdict.reason
        out["message"] = verdict.message
    return reply(out)


jwks_router = APIRouter(tags=["Tokens (meetd extension)"])


@jwks_router.get(
    "/.well-known/jwks.json",
    summary="The public keys that verify participant tokens",
    response_model=dict[str, list[dict[str, Any]]],
)
async def jwks(request: Request) -> Response:
    deployment: Deployment = request.app.state.deployment
    keys = await deployment.database.read(deployment.signing_keys.jwks)
    return Response(to_json(keys), media_type=JSON)
