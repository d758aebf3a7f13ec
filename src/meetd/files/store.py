"""The session files' SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import RowMapping, bindparam, select
from sqlalchemy.engine import Connection

from meetd.db.tables import session_files

f = session_files.c
_BY_NAME = select(f.media_type, f.content).where(
    f.session_id == bindparam("session_id"), f.name == bindparam("name")
)
_NAMES = select(f.name).where(f.session_id == bindparam("session_id"))
_INSERT = session_files.insert()


def get_file(connection: Connection, *, session_id: uuid.UUID, name: str) -> RowMapping | None:
    params = {"session_id": session_id, "name": name}
    return connection.execute(_BY_NAME, params).mappings().first()


def file_names(connection: Connection, session_id: uuid.UUID) -> set[str]:
    return set(connection.scalars(_NAMES, {"session_id": session_id}))


def insert_files(connection: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        connection.execute(_INSERT, rows)
