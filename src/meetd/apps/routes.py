"""/accounts/{account_id}/realtime/kit/apps"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from meetd.apps import service
from meetd.apps.schemas import AppCreate, AppCreated, AppRead, SortOrder
from meetd.schemas import Text
from meetd.web.context import (
    DEFAULT_PER_PAGE,
    AccountCtx,
    AppCtx,
    StrictPageNo,
    StrictPerPage,
    body_schema,
)
from meetd.web.replies import Envelope, Page, PageParams, page_reply, reply

router = APIRouter(prefix="/apps", tags=["Apps"])


@router.get("", response_model=Page[AppRead], summary="Fetch all apps")
async def list_apps(
    ctx: AccountCtx,
    page_no: StrictPageNo = 1,
    per_page: StrictPerPage = DEFAULT_PER_PAGE,
    search: Annotated[Text | None, Query(max_length=125, description="part of a name")] = None,
    sort_order: Annotated[SortOrder, Query(description="by creation time")] = "DESC",
) -> Response:
    page = PageParams(page_no=page_no, per_page=per_page)
    apps, total = await ctx.scan(
        service.list_apps,
        account_id=ctx.caller.account_id,
        search=search,
        newest_first=sort_order == "DESC",
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, apps, total)


@router.post(
    "",
    status_code=201,
    response_model=Envelope[AppCreated],
    summary="Create an app",
    openapi_extra=body_schema(AppCreate),
)
async def create_app(ctx: AccountCtx) -> Response:
    data = await ctx.body(AppCreate)
    app = await ctx.write(service.create_app, account_id=ctx.caller.account_id, name=data.name)
    return reply({"app": service.view(app)}, 201)


@router.get("/{app_id}", response_model=Envelope[AppRead], summary="Fetch an app")
async def get_app(ctx: AppCtx) -> Response:
    return reply(service.view(ctx.app))
