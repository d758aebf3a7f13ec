"""The health answers (docs/deployment.md)."""

from __future__ import annotations

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    schema_revision: str | None = None
    reason: str | None = None
