""".../{app_id}/analytics (contract A11): sessions and recordings per day, and
livestreams per day and overall."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import PlainValidator, WithJsonSchema

from meetd.analytics import service
from meetd.analytics.schemas import DayWise, LivestreamDay, LivestreamTotals
from meetd.schemas import Clean
from meetd.web.context import AppCtx
from meetd.web.replies import Envelope, reply

router = APIRouter(prefix="/analytics", tags=["Analytics"])


def _day(text: object) -> date:
    if isinstance(text, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("must be a date written YYYY-MM-DD")


Day = Annotated[
    date,
    PlainValidator(_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}),
]
Seconds = Annotated[int, Query(ge=0, le=253_402_300_799, description="seconds since 1970 (UTC)")]
Filters = Annotated[
    str | None,
    Query(max_length=1024, description="accepted, not applied: its syntax is undocumented"),
    Clean,
]


@router.get(
    "/daywise",
    response_model=Envelope[DayWise],
    summary="Sessions and recordings per day (UTC); days with neither are left out",
)
async def get_day_wise(
    ctx: AppCtx,
    start_date: Annotated[
        Day | None, Query(description="YYYY-MM-DD; 30 days before the end if absent")
    ] = None,
    end_date: Annotated[Day | None, Query(description="YYYY-MM-DD; today if absent")] = None,
) -> Response:
    stats = await ctx.scan(
        service.day_wise,
        app_id=ctx.app.id,
        start_date=start_date,
        end_date=end_date,
    )
    return reply(stats)


@router.get(
    "/livestreams/daywise",
    response_model=Envelope[list[LivestreamDay]],
    summary="Livestream sessions per day (UTC) of their start",
)
async def get_livestreams_day_wise(
    ctx: AppCtx,
    start_time: Seconds | None = None,
    end_time: Seconds | None = None,
    filters: Filters = None,
) -> Response:
    days = await ctx.scan(
        service.livestreams_day_wise, app_id=ctx.app.id, start_time=start_time, end_time=end_time
    )
    return reply(days)


@router.get(
    "/livestreams/overall",
    response_model=Envelope[LivestreamTotals],
    summary="Livestream sessions in all",
)
async def get_livestreams_overall(
    ctx: AppCtx,
    start_time: Seconds | None = None,
    end_time: Seconds | None = None,
    filters: Filters = None,
) -> Response:
    totals = await ctx.scan(
        service.livestreams_overall, app_id=ctx.app.id, start_time=start_time, end_time=end_time
    )
    return reply(totals)
