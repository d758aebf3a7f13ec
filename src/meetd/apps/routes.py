"""/accounts/{account_id}/realtime/kit/apps"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from meetd.api.deps import (
    GUARDED,
    KIT_PREFIX,
    AppFromPath,
    Caller,
    SessionDep,
    StrictPageDep,
    WorkRoute,
    db,
    db_scan,
)
from meetd.api.envelope import Envelope, Page
from meetd.apps import service
from meetd.apps.schemas import AppCreate, AppCreated, AppRead, SortOrder
from meetd.schemas import Text

router = APIRouter(
    prefix=f"{KIT_PREFIX}/apps", dependencies=GUARDED, tags=["Apps"], route_class=WorkRoute
)


@router.get("", response_model=Page[AppRead], summary="Fetch all apps")
async def list_apps(
    caller: Caller,
    session: SessionDep,
    page: StrictPageDep,
    search: Annotated[Text | None, Query(max_length=125, description="part of a name")] = None,
    sort_order: Annotated[SortOrder, Query(description="by creation time")] = "DESC",
) -> dict[str, Any]:
    apps, total = await db_scan(
        service.list_apps,
        session,
        account_id=caller.account_id,
        search=search,
        newest_first=sort_order == "DESC",
        offset=page.offset,
        limit=page.per_page,
    )
    return page.of(apps, total)


@router.post("", status_code=201, response_model=Envelope[AppCreated], summary="Create an app")
async def create_app(caller: Caller, session: SessionDep, data: AppCreate) -> dict[str, Any]:
    app = await db(service.create_app, session, account_id=caller.account_id, name=data.name)
    return {"data": {"app": app}}


@router.get("/{app_id}", response_model=Envelope[AppRead], summary="Fetch an app")
async def get_app(app: AppFromPath) -> dict[str, Any]:
    return {"data": app}
