"""The routes: RealtimeKit's paths, and the legacy paths of the default app.

Every router here is included in the application directly, with its whole prefix: this
version of FastAPI matches nested routers level by level on every request.
"""

from __future__ import annotations

from fastapi import APIRouter

from meetd.api.deps import (
    GUARDED,
    KIT_PREFIX,
    LEGACY_PREFIX,
    AppDependency,
    WritingRoute,
    app_from_path,
    default_app,
)
from meetd.apps import routes as apps
from meetd.meetings import routes as meetings
from meetd.participants import routes as participants
from meetd.presets import routes as presets


def _app_scoped(prefix: str, current_app: AppDependency, **options: object) -> list[APIRouter]:
    """Meetings and their participants, in the app `current_app` gives."""
    meeting_from_path = meetings.meeting_dependency(current_app)
    return [
        meetings.build_router(prefix, current_app, meeting_from_path, **options),
        participants.build_router(prefix, meeting_from_path, **options),
    ]


def api_routers() -> list[APIRouter]:
    legacy = {
        "dependencies": GUARDED,
        "deprecated": True,
        "tags": ["Legacy (default app)"],
        "route_class": WritingRoute,
    }
    return [
        apps.router,
        presets.router,
        *_app_scoped(KIT_PREFIX + "/{app_id}", app_from_path, dependencies=GUARDED),
        participants.tokens_router,
        *_app_scoped(LEGACY_PREFIX, default_app, **legacy),
    ]
