""".../{app_id}/meetings, and the same operations on the legacy `/realtimekit/meetings` paths.

The routes are built by a function of the app dependency, so both path families share one
set of handlers: the app comes from the path on one, and is the account's default app on
the other (contract A4).
"""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from meetd.api.deps import SAFE_METHODS, AppDependency, DeploymentDep, PageDep, SessionDep
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

MeetingDependency = Callable[..., Meeting]


def meeting_dependency(current_app: AppDependency) -> MeetingDependency:
    def meeting_from_path(
        request: Request,
        meeting_id: uuid.UUID,
        app: Annotated[App, Depends(current_app)],
        session: SessionDep,
    ) -> Meeting:
        return service.get_meeting(
            session, app=app, meeting_id=meeting_id, for_update=request.method not in SAFE_METHODS
        )

    return meeting_from_path


def build_router(current_app: AppDependency, meeting_from_path: MeetingDependency) -> APIRouter:
    CurrentApp = Annotated[App, Depends(current_app)]  # noqa: N806 (a type)
    MeetingFromPath = Annotated[Meeting, Depends(meeting_from_path)]  # noqa: N806
    router = APIRouter(prefix="/meetings", tags=["Meetings"])
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
    def list_meetings(
        app: CurrentApp,
        session: SessionDep,
        page: PageDep,
        filters: Annotated[MeetingFilters, Query()],
    ) -> dict[str, Any]:
        meetings, total = service.list_meetings(
            session, app=app, filters=filters, offset=page.offset, limit=page.per_page
        )
        return page.of(meetings, total)

    @router.post("", status_code=201, summary="Create a meeting", **one)
    def create_meeting(
        app: CurrentApp, session: SessionDep, deployment: DeploymentDep, data: MeetingCreate
    ) -> dict[str, Any]:
        meeting = service.create_meeting(session, app=app, data=data, box=deployment.storage_box)
        return {"data": meeting}

    @router.get("/{meeting_id}", summary="Fetch a meeting", **one)
    def get_meeting(meeting: MeetingFromPath) -> dict[str, Any]:
        return {"data": meeting}

    @router.patch("/{meeting_id}", summary="Update a meeting (merge)", **one)
    def update_meeting(
        meeting: MeetingFromPath,
        session: SessionDep,
        deployment: DeploymentDep,
        data: MeetingUpdate,
    ) -> dict[str, Any]:
        service.update_meeting(session, meeting=meeting, data=data, box=deployment.storage_box)
        return {"data": meeting}

    @router.put("/{meeting_id}", summary="Replace a meeting", **one)
    def replace_meeting(
        meeting: MeetingFromPath,
        session: SessionDep,
        deployment: DeploymentDep,
        data: MeetingCreate,
    ) -> dict[str, Any]:
        service.replace_meeting(session, meeting=meeting, data=data, box=deployment.storage_box)
        return {"data": meeting}

    return router
