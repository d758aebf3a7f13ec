"""The ASGI application: routes, error handlers, and the deployment it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from meetd import __version__
from meetd.config import MAX_BODY_BYTES, Settings
from meetd.deployment import open_deployment
from meetd.web import handlers, openapi, routes
from meetd.web.middleware import RequestBody, RequestTarget, SdkPrefix

SDK_PREFIX = "/client/v4"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    deployment = open_deployment(app.state.settings)
    app.state.deployment = deployment
    await deployment.database.start()
    try:
        yield
    finally:
        await deployment.database.stop()
        deployment.database.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application; it opens the deployment of `app.state.settings` when it starts."""
    app = FastAPI(
        title="meetd",
        version=__version__,
        summary="A self-hosted control plane that speaks the RealtimeKit meetings API",
        lifespan=_lifespan,
        # Validation failures would be recorded with the values sent, credentials included.
        telemetry={"logs": False},
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
    routes.mount(app)
    return app
