"""The route tree: each resource's operations, mounted where RealtimeKit has them. The
meetings and participants operations are mounted twice: under an app's path, and under the
legacy `/realtimekit/...` paths, whose app is the account's default app (contract A4)."""

from __future__ import annotations

from fastapi import FastAPI

from meetd.activity import routes as activity
from meetd.analytics import routes as analytics
from meetd.apps import routes as apps
from meetd.faults import routes as faults
from meetd.files import routes as files
from meetd.health import routes as health
from meetd.livestreams import routes as livestreams
from meetd.meetings import routes as meetings
from meetd.participants import routes as participants
from meetd.presets import routes as presets
from meetd.recordings import routes as recordings
from meetd.sessions import routes as sessions
from meetd.state import routes as state
from meetd.web.context import KIT_PREFIX, LEGACY_PREFIX
from meetd.webhooks import routes as webhooks


def mount(app: FastAPI) -> None:
    # The router tries routes in order: the busiest first.
    in_app = KIT_PREFIX + "/{app_id}"
    app.include_router(meetings.router, prefix=in_app, tags=["Meetings"])
    app.include_router(participants.router, prefix=in_app, tags=["Participants"])
    app.include_router(presets.router, prefix=in_app)
    app.include_router(participants.tokens_router, prefix=in_app)
    app.include_router(sessions.router, prefix=in_app)
    app.include_router(sessions.active_router, prefix=in_app)
    app.include_router(activity.router, prefix=in_app)
    app.include_router(activity.clock_router, prefix=in_app)
    app.include_router(activity.livestream_router, prefix=in_app)
    app.include_router(faults.router, prefix=in_app)
    app.include_router(state.router, prefix=in_app)
    app.include_router(recordings.router, prefix=in_app)
    app.include_router(livestreams.router, prefix=in_app)
    app.include_router(livestreams.meeting_router, prefix=in_app)
    app.include_router(livestreams.session_router, prefix=in_app)
    app.include_router(analytics.router, prefix=in_app)
    app.include_router(webhooks.router, prefix=in_app)
    app.include_router(webhooks.deliveries_router, prefix=in_app)
    app.include_router(apps.router, prefix=KIT_PREFIX)
    for router in (meetings.router, participants.router):
        app.include_router(
            router, prefix=LEGACY_PREFIX, deprecated=True, tags=["Legacy (default app)"]
        )
    app.include_router(participants.jwks_router)
    app.include_router(files.router)
    app.include_router(webhooks.public_key_router)
    app.include_router(health.router)
