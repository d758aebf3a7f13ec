""".../meetings/{meeting_id}/participants, on both path families (see meetd.meetings.routes)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from meetd.api.deps import (
    KIT_PREFIX,
    AppFromPath,
    DeploymentDep,
    PageDep,
    ReadingRoute,
    SessionDep,
    WorkRoute,
    db,
    db_scan,
    writes,
)
from meetd.api.envelope import CONFLICT, Envelope, Page
from meetd.db.tables import Meeting, Participant
from meetd.keys import SigningKeys
from meetd.meetings.routes import MeetingDependency
from meetd.participants import service
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
from meetd.participants.tokens import verify_token


async def signing_keys(deployment: DeploymentDep) -> SigningKeys:
    return deployment.signing_keys


KeysDep = Annotated[SigningKeys, Depends(signing_keys)]


def build_router(prefix: str, meeting_from_path: MeetingDependency, **options: Any) -> APIRouter:
    MeetingFromPath = Annotated[Meeting, Depends(meeting_from_path)]  # noqa: N806 (a type)

    async def participant_from_path(
        request: Request, participant_id: str, meeting: MeetingFromPath, session: SessionDep
    ) -> Participant:
        return await db(
            service.get_participant,
            session,
            meeting=meeting,
            participant_id=participant_id,
            for_update=writes(request),
        )

    ParticipantFromPath = Annotated[Participant, Depends(participant_from_path)]  # noqa: N806
    router = APIRouter(
        prefix=prefix + "/meetings/{meeting_id}/participants",
        **{"tags": ["Participants"], "route_class": WorkRoute, **options},
    )
    with_token: dict[str, Any] = {
        "response_model": Envelope[ParticipantWithToken],
        "response_model_exclude_none": True,
    }

    @router.get(
        "",
        response_model=Page[ParticipantRead],
        response_model_exclude_none=True,
        summary="Fetch all participants of a meeting",
    )
    async def list_participants(
        meeting: MeetingFromPath, session: SessionDep, page: PageDep
    ) -> dict[str, Any]:
        participants, total = await db_scan(
            service.list_participants,
            session,
            meeting=meeting,
            offset=page.offset,
            limit=page.per_page,
        )
        return page.of(participants, total)

    @router.post("", status_code=201, summary="Add a participant (or re-add one)", **with_token)
    async def add_participant(
        meeting: MeetingFromPath, session: SessionDep, keys: KeysDep, data: ParticipantCreate
    ) -> dict[str, Any]:
        added = await db(service.add_participant, session, meeting=meeting, data=data, keys=keys)
        return {"data": added}

    @router.get(
        "/{participant_id}",
        response_model=Envelope[ParticipantRead],
        response_model_exclude_none=True,
        summary="Fetch a participant",
    )
    async def get_participant(participant: ParticipantFromPath) -> dict[str, Any]:
        return {"data": participant}

    @router.patch("/{participant_id}", summary="Edit a participant", **with_token)
    async def edit_participant(
        meeting: MeetingFromPath,
        participant: ParticipantFromPath,
        session: SessionDep,
        keys: KeysDep,
        data: ParticipantUpdate,
    ) -> dict[str, Any]:
        await db(
            service.edit_participant,
            session,
            meeting=meeting,
            participant=participant,
            data=data,
            keys=keys,
        )
        return {"data": participant}

    @router.put(
        "/{participant_id}", summary="Replace a participant", responses=CONFLICT, **with_token
    )
    async def replace_participant(
        meeting: MeetingFromPath,
        participant: ParticipantFromPath,
        session: SessionDep,
        keys: KeysDep,
        data: ParticipantCreate,
    ) -> dict[str, Any]:
        await db(
            service.replace_participant,
            session,
            meeting=meeting,
            participant=participant,
            data=data,
            keys=keys,
        )
        return {"data": participant}

    @router.delete(
        "/{participant_id}",
        response_model=Envelope[ParticipantDeleted],
        summary="Delete a participant, revoking its tokens",
    )
    async def delete_participant(
        participant: ParticipantFromPath, session: SessionDep
    ) -> dict[str, Any]:
        return {"data": await db(service.delete_participant, session, participant=participant)}

    async def refresh_token(
        meeting: MeetingFromPath,
        participant: ParticipantFromPath,
        session: SessionDep,
        keys: KeysDep,
    ) -> dict[str, Any]:
        token = await db(
            service.refresh_token, session, meeting=meeting, participant=participant, keys=keys
        )
        return {"data": {"token": token}}

    router.add_api_route(
        "/{participant_id}/token",
        refresh_token,
        methods=["POST"],
        response_model=Envelope[Token],
        summary="Refresh a participant's token",
        # It only reads; on the legacy paths every route may write (see WritingRoute).
        route_class_override=ReadingRoute if router.route_class is WorkRoute else None,
    )

    return router


# Read tokens may check participant tokens: no write-scope guard here; the app dependency
# authenticates.
tokens_router = APIRouter(
    prefix=KIT_PREFIX + "/{app_id}/tokens",
    tags=["Tokens (meetd extension)"],
    route_class=ReadingRoute,
)


@tokens_router.post(
    "/verify",
    response_model=Envelope[TokenVerdict],
    response_model_exclude_none=True,
    summary="Check a participant token as a joining component would (meetd extension)",
    description="Valid when the signature and expiry check out, the participant exists, the "
    "token is not revoked, and the meeting is ACTIVE; otherwise `valid` is false and `reason` "
    "says why. Any API token of the account may ask, read tokens included.",
)
async def verify(
    app: AppFromPath, session: SessionDep, keys: KeysDep, data: TokenCheck
) -> dict[str, Any]:
    verdict = await db(verify_token, session, token=data.token, keys=keys, app_id=app.id)
    return {"data": verdict}


jwks_router = APIRouter(tags=["Tokens (meetd extension)"], route_class=WorkRoute)


@jwks_router.get(
    "/.well-known/jwks.json",
    summary="The public keys that verify participant tokens",
    response_model=dict[str, list[dict[str, Any]]],
)
async def jwks(session: SessionDep, keys: KeysDep) -> dict[str, Any]:
    return await db(keys.jwks, session)
