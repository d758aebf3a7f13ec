"""The route tree: RealtimeKit's paths, and the legacy paths of the default app."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from meetd.api.deps import (
    AppDependency,
    app_from_path,
    default_app,
    require_json,
    writes_need_admin,
)
from meetd.apps import routes as apps
from meetd.meetings import routes as meetings
from meetd.participants import routes as participants
from meetd.presets import routes as presets

KIT_PREFIX = "/accounts/{account_id}/realtime/kit"
LEGACY_PREFIX = "/accounts/{account_id}/realtimekit"


def _app_scoped(current_app: AppDependency) -> APIRouter:
    """Everything that lives inside one app."""
    router = APIRouter()
    meeting_from_path = meetings.meeting_dependency(current_app)
    router.include_router(meetings.build_router(current_app, meeting_from_path))
    router.include_router(participants.build_router(meeting_from_path))
    return router


def build_api_router() -> APIRouter:
    guarded = [Depends(require_json), Depends(writes_need_admin)]
    kit = APIRouter(prefix=KIT_PREFIX, dependencies=guarded)
    kit.include_router(apps.router)
    kit.include_router(presets.router)
    kit.include_router(_app_scoped(app_from_path), prefix="/{app_id}")
    # Read tokens may check participant tokens; the app dependency authenticates them.
    kit_any_scope = APIRouter(prefix=KIT_PREFIX, dependencies=[Depends(require_json)])
    kit_any_scope.include_router(participants.tokens_router)
    legacy = APIRouter(prefix=LEGACY_PREFIX, dependencies=guarded, deprecated=True)
    legacy.include_router(_app_scoped(default_app), tags=["Legacy (default app)"])
    api = APIRouter()
    for router in (kit, kit_any_scope, legacy):
        api.include_router(router)
    return api
