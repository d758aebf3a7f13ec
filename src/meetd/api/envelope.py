"""The bodies every answer comes in: one object, a page of objects, or an error."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


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
