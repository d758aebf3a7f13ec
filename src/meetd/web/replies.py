"""The bodies every answer comes in (one object, a page of objects, an error), encoded once,
straight to bytes, from the plain data a service returns. The models below describe them for
the OpenAPI document; no answer is validated against them at run time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

T = TypeVar("T")
JSON = "application/json"


def reply(data: Any, status: int = 200) -> Response:
    return Response(to_json({"success": True, "data": data}), status, media_type=JSON)


@dataclass(frozen=True, slots=True)
class PageParams:
    page_no: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page_no - 1) * self.per_page


def page_reply(
    page: PageParams, rows: Sequence[Any], total: int, *, key: str | None = None
) -> Response:
    """A page; offsets are 1-based and inclusive, and past the end the page is empty with
    end_offset = start_offset - 1 (contract A4). With `key`, the rows are `data[key]` (the
    sessions' lists), not `data`."""
    paging = _paging(page, len(rows), total)
    body = {"success": True, "data": rows if key is None else {key: rows}, "paging": paging}
    return Response(to_json(body), media_type=JSON)


def _paging(page: PageParams, count: int, total: int) -> dict[str, int]:
    return {
        "total_count": total,
        "start_offset": page.offset + 1,
        "end_offset": page.offset + count,
    }


def paged_object_reply(page: PageParams, data: dict[str, Any], count: int, total: int) -> Response:
    """An object holding a page of `count` rows (the livestreams' answers): `paging` is both
    in it (the reference's schemas) and beside it (the reference's examples)."""
    paging = _paging(page, count, total)
    body = {"success": True, "data": {**data, "paging": paging}, "paging": paging}
    return Response(to_json(body), media_type=JSON)


def error_body(code: int, messages: Sequence[str]) -> bytes:
    details = [{"code": code, "message": m} for m in messages]
    return to_json(
        {
            "success": False,
            "error": {"code": code, "message": "; ".join(messages)},
            "errors": details,
            "messages": [],
        }
    )


def error_response(
    status: int, code: int, messages: Sequence[str], headers: Mapping[str, str] | None = None
) -> Response:
    return Response(error_body(code, messages), status, headers, media_type=JSON)


# -- for the OpenAPI document -------------------------------------------------------------


class Envelope(BaseModel, Generic[T]):
    success: bool = True
    data: T


class Paging(BaseModel):
    total_count: int
    start_offset: int = Field(description="1-based position of the first row of this page")
    end_offset: int = Field(description="1-based position of its last row")


class Page(BaseModel, Generic[T]):
    success: bool = True
    data: list[T]
    paging: Paging


class ErrorDetail(BaseModel):
    code: int
    message: str


class ErrorBody(BaseModel):
    """`error` for RealtimeKit-era clients, `errors` for the Cloudflare SDKs (contract A3)."""

    success: bool = False
    error: ErrorDetail
    errors: list[ErrorDetail]
    messages: list[str] = []


# For the OpenAPI document of routes that may answer 409.
CONFLICT: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorBody, "description": "A conflict; do not retry (x-should-retry: false)"}
}
