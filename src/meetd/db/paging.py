"""The one way lists are read: a page of rows, and the count of every row that matches."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.orm import Session

T = TypeVar("T")


def fetch_page(
    session: Session, query: Select[T], *, order_by: tuple[Any, ...], offset: int, limit: int
) -> tuple[list[T], int]:
    count = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    total = session.scalar(count) or 0
    rows = session.scalars(query.order_by(*order_by).offset(offset).limit(limit))
    return list(rows), total
