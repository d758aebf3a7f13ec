""".../{app_id}/webhooks (contract A10), their delivery log (a meetd extension), and the
public key that verifies deliveries."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from pydantic_core import to_json

from meetd.deployment import Deployment
from meetd.errors import Invalid
from meetd.web.context import (
    DEFAULT_PER_PAGE,
    AppCtx,
    InApp,
    PageNo,
    PerPage,
    body_schema,
    id_segment,
    paging,
)
from meetd.web.replies import CONFLICT, JSON, Envelope, Page, page_reply, reply
from meetd.webhooks import destinations, service
from meetd.webhooks.schemas import (
    EVENT_NAMES,
    DeliveryRead,
    EventName,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
)

# PUT /webhooks/all is a 405 (only GET serves it), not a webhook id that is not a UUID.
id_segment("webhook_id", "all")
router = APIRouter(prefix="/webhooks", tags=["Webhooks"])
deliveries_router = APIRouter(prefix="/webhooks/{webhook_id}/deliveries", tags=["meetd extensions"])
public_key_router = APIRouter(tags=["meetd extensions"])


async def _check_destination(ctx: InApp, url: str | None) -> None:
    """Before the write: a name is resolved here, never inside a unit of work."""
    if url is not None:
        try:
            await destinations.check(url, ctx.deployment.settings.webhook_destinations)
        except (destinations.Refused, destinations.Unresolved) as refused:
            raise Invalid("url", f"not allowed: {refused}") from None


@router.get("", response_model=Envelope[list[WebhookRead]], summary="Fetch all webhooks of an app")
async def list_webhooks(ctx: AppCtx) -> Response:
    return reply(await ctx.read(service.list_webhooks, app_id=ctx.app.id))


@router.post(
    "",
    status_code=201,
    response_model=Envelope[WebhookRead],
    responses=CONFLICT,
    summary="Add a webhook",
    openapi_extra=body_schema(WebhookCreate),
)
async def create_webhook(ctx: AppCtx) -> Response:
    data = await ctx.body(WebhookCreate)
    await _check_destination(ctx, data.url)
    return reply(await ctx.write(service.create_webhook, app_id=ctx.app.id, data=data), 201)


@router.get(
    "/all", response_model=Envelope[list[EventName]], summary="The events a webhook may take"
)
async def list_webhook_events(ctx: AppCtx) -> Response:
    return reply(list(EVENT_NAMES))


@router.get(
    "/{webhook_id:webhook_id}", response_model=Envelope[WebhookRead], summary="Fetch a webhook"
)
async def get_webhook(ctx: AppCtx, webhook_id: uuid.UUID) -> Response:
    return reply(await ctx.read(service.read_webhook, app_id=ctx.app.id, webhook_id=webhook_id))


@router.patch(
    "/{webhook_id:webhook_id}",
    response_model=Envelope[WebhookRead],
    responses=CONFLICT,
    summary="Edit a webhook",
    openapi_extra=body_schema(WebhookUpdate),
)
async def update_webhook(ctx: AppCtx, webhook_id: uuid.UUID) -> Response:
    data = await ctx.body(WebhookUpdate)
    await _check_destination(ctx, data.url)
    webhook = await ctx.write(
        service.update_webhook, app_id=ctx.app.id, webhook_id=webhook_id, data=data
    )
    return reply(webhook)


@router.put(
    "/{webhook_id:webhook_id}",
    response_model=Envelope[WebhookRead],
    responses=CONFLICT,
    summary="Replace a webhook",
    openapi_extra=body_schema(WebhookCreate),
)
async def replace_webhook(ctx: AppCtx, webhook_id: uuid.UUID) -> Response:
    data = await ctx.body(WebhookCreate)
    await _check_destination(ctx, data.url)
    webhook = await ctx.write(
        service.replace_webhook, app_id=ctx.app.id, webhook_id=webhook_id, data=data
    )
    return reply(webhook)


@router.delete(
    "/{webhook_id:webhook_id}", response_model=Envelope[WebhookRead], summary="Delete a webhook"
)
async def delete_webhook(ctx: AppCtx, webhook_id: uuid.UUID) -> Response:
    return reply(await ctx.write(service.delete_webhook, app_id=ctx.app.id, webhook_id=webhook_id))


@deliveries_router.get(
    "", response_model=Page[DeliveryRead], summary="A webhook's deliveries, newest first"
)
async def list_deliveries(
    ctx: AppCtx,
    webhook_id: uuid.UUID,
    page_no: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> Response:
    page = paging(page_no, per_page)
    rows, total = await ctx.scan(
        service.list_deliveries,
        app_id=ctx.app.id,
        webhook_id=webhook_id,
        offset=page.offset,
        limit=page.per_page,
    )
    return page_reply(page, rows, total)


@deliveries_router.post(
    "/{delivery_id}/redeliver",
    status_code=202,
    response_model=Envelope[DeliveryRead],
    responses=CONFLICT,
    summary="Send a delivered or failed delivery again, with the same id",
)
async def redeliver(ctx: AppCtx, webhook_id: uuid.UUID, delivery_id: uuid.UUID) -> Response:
    delivery = await ctx.write(
        service.redeliver, app_id=ctx.app.id, webhook_id=webhook_id, delivery_id=delivery_id
    )
    return reply(delivery, 202)


@public_key_router.get(
    "/.well-known/webhooks.json", summary="The public key that verifies webhook deliveries"
)
async def webhook_public_key(request: Request) -> Response:
    deployment: Deployment = request.app.state.deployment
    _, public_pem = await deployment.database.read(deployment.webhook_keys.current)
    body = {"success": True, "data": {"publicKey": public_pem}, "message": ""}
    return Response(to_json(body), media_type=JSON)
