"""What the apps API accepts and returns."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from meetd.schemas import Clean, Schema, Timestamp

AppName = Annotated[str, StringConstraints(min_length=1, max_length=255), Clean]
SortOrder = Literal["ASC", "DESC"]


class AppCreate(Schema):
    name: AppName


class AppRead(BaseModel):
    id: uuid.UUID
    name: str
    created_at: Timestamp


class AppCreated(BaseModel):
    app: AppRead
