"""The route tree: each resource's operations, mounted where RealtimeKit has them. The
meetings and participants operations are mounted twice: under an app's path, and under the
legacy `/realtimekit/...` paths, whose app is the account's default app (contract A4)."""

from __future__ import annotations

from fastapi import FastAPI

from meetd.apps import routes as apps
from meetd.meetings import routes as meetings
from meetd.participants import routes as participants
from meetd.presets import routes as presets
from meetd.web.context import KIT_PREFIX, LEGACY_PREFIX


def mount(app: FastAPI) -> None:
    app.include_router(apps.router, prefix=KIT_PREFIX)
    in_app = KIT_PREFIX + "/{app_id}"
    for router in (presets.router, meetings.router, participants.router):
        app.include_router(router, prefix=in_app)
    app.include_router(participants.tokens_router, prefix=in_app)
    for router in (meetings.router, participants.router):
        app.include_router(
            router, prefix=LEGACY_PREFIX, deprecated=True, tags=["Legacy (default app)"]
        )
    app.include_router(participants.jwks_router)
