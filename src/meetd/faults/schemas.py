"""Fault rules' bodies and answers (a meetd extension, docs/testing.md)."""

from __future__ import annotations

import fnmatch
import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from pydantic_core import PydanticCustomError

from meetd.schemas import Clean, Integer, Schema

Method = Literal["*", "GET", "POST", "PUT", "PATCH", "DELETE"]
Status = Literal[429, 500, 502, 503]
MAX_LATENCY_MS = 60_000


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A shell-style pattern (`*` matches any characters, `/` too), as a regular expression."""
    return re.compile(fnmatch.translate(pattern))


def _pattern(value: str) -> str:
    if not value.startswith(("/", "*")):
        raise PydanticCustomError(
            "pattern", "must start with / or *, as the paths it is matched against do"
        )
    reason = _unparseable(value)
    if reason is not None:
        raise PydanticCustomError("pattern", "is not a valid pattern: {reason}", {"reason": reason})
    return value


def _unparseable(pattern: str) -> str | None:
    """What makes a pattern mean something other than it says. fnmatch reads an unclosed `[`
    as itself, and a backwards range as matching nothing; both are refused here."""
    at = pattern.find("[")
    while at != -1:
        start = at + 1
        if pattern[start : start + 1] == "!":
            start += 1
        end = pattern.find("]", start + 1)  # a ] first in the set is one of its characters
        if end == -1:
            return f"the [ at {at} has no closing ]"
        for low, high in re.findall(r"(.)-(.)", pattern[start:end]):
            if low > high:
                return f"the range {low}-{high} at {at} runs backwards"
        at = pattern.find("[", end + 1)
    return None


Pattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=512),
    Clean,
    AfterValidator(_pattern),
    Field(json_schema_extra={"pattern": "^[/*]"}),
]


class FaultCreate(Schema):
    path: Pattern = Field(
        description="a shell-style pattern matched against the request's path without the "
        "/client/v4 prefix, such as */meetings or */meetings/*/participants"
    )
    method: Method = "*"
    status: Status | None = Field(
        None, description="the answer; none for a rule that only delays (latency_ms)"
    )
    rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 1.0
    count: Annotated[Integer, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="how many requests it faults before it is used up; none: no end"
    )
    latency_ms: Annotated[Integer, Field(ge=0, le=MAX_LATENCY_MS)] = 0
    retry_after: Annotated[Integer, Field(ge=1, le=60)] = Field(
        1, description="seconds, in the Retry-After of a 429"
    )
    seed: Annotated[Integer, Field(ge=0, le=2**63 - 1)] | None = Field(
        None, description="makes the rule's draws (rate) the same on every run"
    )


class FaultRead(BaseModel):
    id: uuid.UUID
    path: str
    method: Method
    status: Status | None
    rate: float
    count: int | None
    latency_ms: int
    retry_after: int
    seed: int | None
    matched: int = Field(description="requests it matched while it was not used up")
    faulted: int = Field(description="requests it answered with its status or delayed")
    created_at: str
