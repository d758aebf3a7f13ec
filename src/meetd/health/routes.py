"""/healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus. No API
token: they say nothing of any account."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from pydantic_core import to_json

from meetd import metrics
from meetd.deployment import Deployment
from meetd.health import service
from meetd.health.schemas import Health
from meetd.web.replies import JSON

router = APIRouter(tags=["meetd operations"])
log = logging.getLogger("meetd.health")


@router.get("/healthz", response_model=Health, summary="The process answers")
async def healthz() -> Response:
    return Response(to_json({"status": "ok"}), media_type=JSON)


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Not ready, and why"}},
    summary="The database answers, and its schema is at this meetd's newest migration",
)
async def readyz(request: Request) -> Response:
    deployment: Deployment = request.app.state.deployment
    try:
        reason = await deployment.database.read(service.check_schema)
    except Exception as error:  # whatever the driver says: not ready
        log.warning("not ready: the database does not answer (%s)", type(error).__name__)
        reason = f"the database does not answer ({type(error).__name__})"
    if reason is not None:
        return Response(to_json({"status": "not ready", "reason": reason}), 503, media_type=JSON)
    body = {"status": "ready", "schema_revision": service.newest_revision()}
    return Response(to_json(body), media_type=JSON)


@router.get(
    "/metrics",
    summary="Prometheus's text format: requests, latency, writer batches, webhook "
    "deliveries, live sessions",
    response_class=Response,
    responses={200: {"content": {metrics.CONTENT_TYPE: {}}}},
)
async def read_metrics(request: Request) -> Response:
    deployment: Deployment = request.app.state.deployment
    figures = await deployment.database.scan(service.read_figures)
    return Response(metrics.exposition(figures), media_type=metrics.CONTENT_TYPE)
