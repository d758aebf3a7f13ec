"""The one way lists are read: a page of rows, and the count of every row that matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Row, Select, func, select
from sqlalchemy.engine import Connection


def fetch_page(
    connection: Connection,
    rows: Select[Any],
    *,
    key: Column[Any],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any],
    offset: int,
    limit: int,
    total: int | None = None,
) -> tuple[Sequence[Row[Any]], int]:
    """A page of `rows` (a select, perhaps with joins) whose `key` (the listed table's id)
    matches `where`, and `total`: counted, unless the caller knows it.

    The page's ids are found first, from an index alone, and only then their rows, by id: a
    deep page skips its offset in the index instead of reading every row it passes, and the
    rows are fetched by key whatever plan the filters might have suggested.
    """
    if total is None:
        count = select(func.count()).select_from(key.table).where(*where)
        total = connection.scalar(count) or 0
    page = select(key).where(*where).order_by(*order_by).offset(offset).limit(limit)
    found = connection.execute(rows.where(key.in_(page)).order_by(*order_by)).all()
    return found, total
