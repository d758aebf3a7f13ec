"""GET /files/...: a session's or a recording's file, at the signed URL an API answer gave
(contracts A7, A11)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from meetd.deployment import Deployment
from meetd.files.service import PATH
from meetd.web.replies import ErrorBody

router = APIRouter(tags=["meetd extensions"])


@router.get(
    PATH,
    summary="Download a session's or a recording's file (a signed URL; no API token)",
    responses={
        403: {"model": ErrorBody, "description": "The URL was altered, or it has expired"},
        404: {"model": ErrorBody, "description": "No such file"},
    },
)
async def download_file(
    request: Request,
    app_id: str,
    folder_id: str,
    name: str,
    expires: Annotated[str, Query()] = "",
    signature: Annotated[str, Query()] = "",
) -> Response:
    deployment: Deployment = request.app.state.deployment
    file = await deployment.database.read(
        deployment.downloads.open_file,
        app_id=app_id,
        folder_id=folder_id,
        name=name,
        expires=expires,
        signature=signature,
    )
    disposition = f'attachment; filename="{file.name}"'
    return Response(
        file.content, media_type=file.media_type, headers={"Content-Disposition": disposition}
    )
