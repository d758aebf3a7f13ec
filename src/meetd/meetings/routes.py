""".../{app_id}/meetings, and the same operations on the legacy `/realtimekit/meetings` paths.

The routes are built by a function of the app dependency, so both path families share one
set of handlers: the app comes from the path on one, and is the account's default app on
the other (contract A4).
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from meetd.api.deps import (
    AppDependency,
    DeploymentDep,
    PageDep,
    SessionDep,
    WorkRoute,
    db,
    db_scan,
    writes,
)
from meetd.api.envelope import Envelope, Page
from meetd.db.tables import App, Meeting
from meetd.meetings import service
from meetd.meetings.schemas import (
    MeetingCreate,
    MeetingFilters,
    MeetingListItem,
    MeetingRead,
    MeetingUpdate,
)

MeetingDependency = Callable[..., Awaitable[Meeting]]


def meeting_dependency(current_app: AppDependency) -> MeetingDependency:
    async def meeting_from_path(
        request: Request,
        meeting_id: uuid.UUID,
        app: Annotated[App, Depends(current_app)],
        session: SessionDep,
    ) -> Meeting:
        return await db(
            service.get_meeting,
            session,
            app=app,
            meeting_id=meeting_id,
            for_update=writes(request),
        )

    return meeting_from_path


def build_router(
    prefix: str,
    current_app: AppDependency,
    meeting_from_path: MeetingDependency,
    **options: Any,
) -> APIRouter:
    CurrentApp = Annotated[App, Depends(current_app)]  # noqa: N806 (a type)
    MeetingFromPath = Annotated[Meeting, Depends(meeting_from_path)]  # noqa: N806
    router = APIRouter(
        prefix=f"{prefix}/meetings", **{"tags": ["Meetings"], "route_class": WorkRoute, **options}
    )
    one: dict[str, Any] = {
        "response_model": Envelope[MeetingRead],
        "response_model_exclude_none": True,
    }

    @router.get(
        "",
        response_model=Page[MeetingListItem],
        response_model_exclude_none=True,
        summary="Fetch all meetings for an app",
    )
    async def list_meetings(
        app: CurrentApp,
        session: SessionDep,
        page: PageDep,
        filters: Annotated[MeetingFilters, Query()],
    ) -> dict[str, Any]:
        meetings, total = await db_scan(
            service.list_meetings,
            session,
            app=app,
            filters=filters,
            offset=page.offset,
            limit=page.per_page,
        )
        return page.of(meetings, total)

    @router.post("", status_code=201, summary="Create a meeting", **one)
    async def create_meeting(
        app: CurrentApp, session: SessionDep, deployment: DeploymentDep, data: MeetingCreate
    ) -> dict[str, Any]:
        box = deployment.storage_box
        return {"data": await db(service.create_meeting, session, app=app, data=data, box=box)}

    @router.get("/{meeting_id}", summary="Fetch a meeting", **one)
    async def get_meeting(meeting: MeetingFromPath) -> dict[str, Any]:
        return {"data": meeting}

    @router.patch("/{meeting_id}", summary="Update a meeting (merge)", **one)
    async def update_meeting(
        meeting: MeetingFromPath,
        session: SessionDep,
        deployment: DeploymentDep,
        data: MeetingUpdate,
    ) -> dict[str, Any]:
        box = deployment.storage_box
        await db(service.update_meeting, session, meeting=meeting, data=data, box=box)
        return {"data": meeting}

    @router.put("/{meeting_id}", summary="Replace a meeting", **one)
    async def replace_meeting(
        meeting: MeetingFromPath,
        session: SessionDep,
        deployment: DeploymentDep,
        data: MeetingCreate,
    ) -> dict[str, Any]:
        box = deployment.storage_box
        await db(service.replace_meeting, session, meeting=meeting, data=data, box=box)
        return {"data": meeting}

    return router
