"""The participants' SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, RowMapping, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import participants, presets

p = participants.c
# Every read of a participant comes with its preset's name.
_WITH_PRESET = select(participants, presets.c.name.label("preset_name")).join(
    presets, presets.c.id == p.preset_id
)
_BY_ID = _WITH_PRESET.where(
    p.id == bindparam("participant_id"), p.meeting_id == bindparam("meeting_id")
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update(of=participants)
_BY_ANY_ID = _WITH_PRESET.where(p.id == bindparam("participant_id"))
_BY_CUSTOM_ID_WITH_PRESET = _WITH_PRESET.where(
    p.meeting_id == bindparam("meeting_id"),
    p.custom_participant_id == bindparam("custom_participant_id"),
)
_BY_CUSTOM_ID = select(participants).where(
    p.meeting_id == bindparam("meeting_id"),
    p.custom_participant_id == bindparam("custom_participant_id"),
)
# The columns an UPDATE sets are the keys of the values it is run with.
_UPDATE = update(participants).where(p.id == bindparam("participant_id"))
_INSERT = participants.insert()
_DELETE = delete(participants).where(p.id == bindparam("participant_id"))


def get_participant(
    connection: Connection,
    *,
    meeting_id: uuid.UUID,
    participant_id: uuid.UUID,
    for_update: bool = False,
) -> RowMapping | None:
    query = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    params = {"participant_id": participant_id, "meeting_id": meeting_id}
    return connection.execute(query, params).mappings().first()


def find_by_custom_id(
    connection: Connection, *, meeting_id: uuid.UUID, custom_participant_id: str
) -> RowMapping | None:
    params = {"meeting_id": meeting_id, "custom_participant_id": custom_participant_id}
    return connection.execute(_BY_CUSTOM_ID, params).mappings().first()


def get_by_custom_id(
    connection: Connection, *, meeting_id: uuid.UUID, custom_participant_id: str
) -> RowMapping | None:
    """As find_by_custom_id, with the preset's name."""
    params = {"meeting_id": meeting_id, "custom_participant_id": custom_participant_id}
    return connection.execute(_BY_CUSTOM_ID_WITH_PRESET, params).mappings().first()


def find_by_id(connection: Connection, participant_id: uuid.UUID) -> RowMapping | None:
    """A participant of any meeting (a token names it)."""
    return connection.execute(_BY_ANY_ID, {"participant_id": participant_id}).mappings().first()


def insert_participant(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(_INSERT, values)


def update_participant(
    connection: Connection, participant_id: uuid.UUID, values: dict[str, Any]
) -> None:
    connection.execute(_UPDATE, {**values, "participant_id": participant_id})


def delete_participant(connection: Connection, participant_id: uuid.UUID) -> None:
    connection.execute(_DELETE, {"participant_id": participant_id})


def list_participants(
    connection: Connection, *, meeting_id: uuid.UUID, offset: int, limit: int
) -> tuple[Sequence[Row[Any]], int]:
    return fetch_page(
        connection,
        _WITH_PRESET,
        key=p.id,
        where=[p.meeting_id == meeting_id],
        order_by=(p.created_at.desc(), p.id.desc()),
        offset=offset,
        limit=limit,
    )
