"""The one way lists are read: a page of rows, and the count of every row that matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


def fetch_page(
    session: Session,
    rows: Select[T],
    *,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    offset: int,
    limit: int,
    total: int | None = None,
) -> tuple[list[T], int]:
    """A page of `rows` (a select of one entity, with its loader options) matching `where`,
    and `total`: counted, unless the caller knows it.

    The page's ids are found first, from an index alone, and only then their rows, by id:
    a deep page skips its offset in the index instead of reading every row it passes, and
    the rows are fetched by key whatever plan the filters might have suggested.
    """
    key = rows.column_descriptions[0]["entity"].id
    if total is None:
        total = session.scalar(select(func.count()).select_from(key.table).where(*where)) or 0
    page = select(key).where(*where).order_by(*order_by).offset(offset).limit(limit)
    found = session.scalars(rows.where(key.in_(page)).order_by(*order_by))
    return list(found), total
