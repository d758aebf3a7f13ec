"""The ASGI application: routes, error handlers, and the deployment it serves."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from meetd import __version__, metrics
from meetd.config import MAX_BODY_BYTES, Settings
from meetd.deployment import open_deployment
from meetd.timers.runner import TimerRunner
from meetd.web import handlers, openapi, routes
from meetd.web.middleware import Measure, RequestBody, RequestTarget, SdkPrefix
from meetd.webhooks.worker import DeliveryWorker

SDK_PREFIX = "/client/v4"
TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    deployment = open_deployment(app.state.settings)
    app.state.deployment = deployment
    await deployment.database.start()
    if deployment.database.writer is not None:
        deployment.database.writer.on_batch = metrics.WRITER_BATCH.observe
    timers = TimerRunner(deployment.database, deployment.downloads, deployment.storage_box)
    await timers.start()
    webhooks = DeliveryWorker(deployment.database, deployment.webhook_keys, deployment.settings)
    webhooks.on_outcome = metrics.observe_delivery
    await webhooks.start()
    # What start-up made (modules, routes, models, compiled statements) lives as long as the
    # process: out of the collector's way, and collections rarer. Full collections otherwise
    # walked all of it every few hundred requests; writes' p99 fell from ~110 ms to ~50 ms.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(7000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
        await webhooks.stop()
        await timers.stop()
        await deployment.database.stop()
        deployment.database.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; it opens the deployment of `app.state.settings` when it starts."""
    app = FastAPI(
        title="meetd",
        version=__version__,
        summary="A self-hosted control plane that speaks the RealtimeKit meetings API",
        lifespan=_lifespan,
        # No OpenTelemetry: validation failures would be logged with the values sent,
        # credentials included, and with nothing configured, asking for a tracer and a meter
        # on every request costs 4% of a request.
        telemetry=TELEMETRY,
        redoc_url=None,
        servers=[
            {"url": SDK_PREFIX, "description": "the base URL the SDKs are given"},
            {"url": "/", "description": "the same routes, without the prefix"},
        ],
        root_path_in_servers=False,
    )
    app.state.settings = settings or Settings.from_env()
    handlers.install(app)
    openapi.install(app)
    app.add_middleware(RequestBody, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(RequestTarget)
    app.add_middleware(SdkPrefix, prefix=SDK_PREFIX)
    app.add_middleware(Measure)
    routes.mount(app)
    return app
