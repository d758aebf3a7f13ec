"""The SQL of the files meetd serves: a session's, or a recording's."""

from __future__ import annotations

import uuid

from sqlalchemy import RowMapping, bindparam, select
from sqlalchemy.engine import Connection

from meetd.db.tables import recording_files, session_files

f, rf = session_files.c, recording_files.c
_BY_NAME = select(f.media_type, f.content).where(
    f.session_id == bindparam("folder_id"), f.name == bindparam("name")
)
_RECORDED = select(rf.media_type, rf.content).where(
    rf.recording_id == bindparam("folder_id"), rf.name == bindparam("name")
)
_NAMES = select(f.name).where(f.session_id == bindparam("session_id"))
_INSERT = session_files.insert()


def get_file(connection: Connection, *, folder_id: uuid.UUID, name: str) -> RowMapping | None:
    """A session's file, or a recording's (their ids are UUIDs: they never clash)."""
    params = {"folder_id": folder_id, "name": name}
    found = connection.execute(_BY_NAME, params).mappings().first()
    return found or connection.execute(_RECORDED, params).mappings().first()


def file_names(connection: Connection, session_id: uuid.UUID) -> set[str]:
    return set(connection.scalars(_NAMES, {"session_id": session_id}))


def insert_files(connection: Connection, rows: list[dict[str, object]]) -> None:
    if rows:
        connection.execute(_INSERT, rows)
