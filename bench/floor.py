"""The floor: meetd's server stack (uvicorn, FastAPI, the same worker settings) serving the
same routes with canned responses of the same size, and nothing else: no authentication,
validation or database. No endpoint of meetd can be faster than its route here.

The canned responses are captured from a real meetd by bench/run.py and handed over in the
JSON file named by MEETD_BENCH_CANNED: {"<METHOD> <path template>": [status, body], ...}.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Response

from meetd.app import TELEMETRY


def create_floor() -> FastAPI:
    app = FastAPI(telemetry=TELEMETRY)  # as meetd.app.create_app has it
    canned = json.loads(Path(os.environ["MEETD_BENCH_CANNED"]).read_text())
    for route, (status, body) in canned.items():
        method, path = route.split(" ", 1)
        app.add_api_route(path, _endpoint(status, body.encode()), methods=[method])
    return app


def _endpoint(status: int, body: bytes) -> Callable[[], Awaitable[Response]]:
    async def endpoint() -> Response:
        return Response(body, status_code=status, media_type="application/json")

    return endpoint
