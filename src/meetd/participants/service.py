"""Participants: add (idempotent per custom_participant_id), read, edit, replace, delete, and
fresh tokens. Every change holds the meeting's row lock (meetings.service.get_meeting), so
changes to one meeting's participants apply one at a time, on every database.

Changes return an `Issued`: the participant as answered and the grant of its new token,
which the caller signs once the change is committed (meetd.participants.tokens)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.db.tables import Record
from meetd.errors import Conflict, NotFound, parse_id
from meetd.keys import SigningKeys
from meetd.meetings import service as meetings
from meetd.participants import store, tokens
from meetd.participants.schemas import ParticipantCreate, ParticipantUpdate
from meetd.presets import service as presets
from meetd.schemas import iso_millis


@dataclass(frozen=True, slots=True)
class Issued:
    participant: dict[str, Any]
    grant: tokens.Grant

    def with_token(self) -> dict[str, Any]:
        """The participant with its new token, signed now."""
        return {**self.participant, "token": tokens.sign(self.grant)}


def view(row: Record) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row["id"],
        "custom_participant_id": row["custom_participant_id"],
        "preset_name": row["preset_name"],
    }
    if row["name"] is not None:
        out["name"] = row["name"]
    if row["picture"] is not None:
        out["picture"] = row["picture"]
    out["created_at"] = iso_millis(row["created_at"])
    out["updated_at"] = iso_millis(row["updated_at"])
    return out


def list_participants(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id)
    rows, total = store.list_participants(
        connection, meeting_id=meeting_id, offset=offset, limit=limit
    )
    return [view(row._mapping) for row in rows], total


def get_participant(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    participant_id: str,
    for_update: bool = False,
) -> Record:
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id, for_update=for_update)
    key = parse_id(participant_id, field="participant_id")
    row = store.get_participant(
        connection, meeting_id=meeting_id, participant_id=key, for_update=for_update
    )
    if row is None:
        raise NotFound(f"No participant with id {key} in this meeting")
    return row


def read_participant(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, participant_id: str
) -> dict[str, Any]:
    return view(
        get_participant(
            connection, app_id=app_id, meeting_id=meeting_id, participant_id=participant_id
        )
    )


def add_participant(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    data: ParticipantCreate,
    keys: SigningKeys,
) -> Issued:
    """A new participant; or, when the meeting has one with this custom_participant_id,
    that one, updated with the request (contract A5). Either way, with a fresh token."""
    meetings.get_meeting(connection, app_id=app_id, meeting_id=meeting_id, for_update=True)
    preset = presets.get_preset_for_participant(connection, app_id=app_id, name=data.preset_name)
    existing = store.find_by_custom_id(
        connection, meeting_id=meeting_id, custom_participant_id=data.custom_participant_id
    )
    if existing is not None:
        return _describe(
            connection, keys, app_id, existing, preset=preset, name=data.name, picture=data.picture
        )
    now = clock.app_now(connection, app_id)
    row = {
        "id": uuid.uuid4(),
        "meeting_id": meeting_id,
        "custom_participant_id": data.custom_participant_id,
        "preset_id": preset["id"],
        "name": data.name,
        "picture": data.picture,
        "token_generation": 0,
        "created_at": now,
        "updated_at": now,
    }
    store.insert_participant(connection, row)
    return _issued(connection, keys, app_id, {**row, "preset_name": preset["name"]})


def edit_participant(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    participant_id: str,
    data: ParticipantUpdate,
    keys: SigningKeys,
) -> Issued:
    """PATCH: what is sent changes; a new preset revokes the participant's older tokens."""
    participant = get_participant(
        connection,
        app_id=app_id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        for_update=True,
    )
    sent = data.model_fields_set
    preset: Record = {
        "id": participant["preset_id"],
        "name": participant["preset_name"],
    }
    if data.preset_name is not None:
        preset = presets.get_preset_for_participant(
            connection, app_id=app_id, name=data.preset_name
        )
    return _describe(
        connection,
        keys,
        app_id,
        participant,
        preset=preset,
        name=data.name if "name" in sent else participant["name"],
        picture=data.picture if "picture" in sent else participant["picture"],
    )


def replace_participant(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    participant_id: str,
    data: ParticipantCreate,
    keys: SigningKeys,
) -> Issued:
    """PUT: the participant becomes the body; its id and created_at stay."""
    participant = get_participant(
        connection,
        app_id=app_id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        for_update=True,
    )
    preset = presets.get_preset_for_participant(connection, app_id=app_id, name=data.preset_name)
    if data.custom_participant_id != participant["custom_participant_id"]:
        taken = store.find_by_custom_id(
            connection, meeting_id=meeting_id, custom_participant_id=data.custom_participant_id
        )
        if taken is not None:
            raise Conflict(
                "custom_participant_id: another participant of this meeting already has it"
            )
        store.update_participant(
            connection,
            participant["id"],
            {"custom_participant_id": data.custom_participant_id},
        )
        participant = {**participant, "custom_participant_id": data.custom_participant_id}
    return _describe(
        connection, keys, app_id, participant, preset=preset, name=data.name, picture=data.picture
    )


def delete_participant(
    connection: Connection, *, app_id: uuid.UUID, meeting_id: uuid.UUID, participant_id: str
) -> dict[str, Any]:
    """Removes the participant, and with it every token it was ever given."""
    participant = get_participant(
        connection,
        app_id=app_id,
        meeting_id=meeting_id,
        participant_id=participant_id,
        for_update=True,
    )
    store.delete_participant(connection, participant["id"])
    return {
        "custom_participant_id": participant["custom_participant_id"],
        "preset_id": participant["preset_id"],
        "created_at": iso_millis(participant["created_at"]),
        "updated_at": iso_millis(participant["updated_at"]),
    }


def grant_token(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    meeting_id: uuid.UUID,
    participant_id: str,
    keys: SigningKeys,
) -> tokens.Grant:
    """A new token; the older ones stay valid until they expire."""
    participant = get_participant(
        connection, app_id=app_id, meeting_id=meeting_id, participant_id=participant_id
    )
    now = clock.app_now(connection, app_id)
    return tokens.grant(connection, keys, app_id=app_id, participant=participant, now=now)


def _describe(
    connection: Connection,
    keys: SigningKeys,
    app_id: uuid.UUID,
    participant: Record,
    *,
    preset: Record,
    name: str | None,
    picture: str | None,
) -> Issued:
    generation = participant["token_generation"]
    if participant["preset_id"] != preset["id"]:
        generation += 1
    values = {
        "preset_id": preset["id"],
        "name": name,
        "picture": picture,
        "token_generation": generation,
        "updated_at": clock.app_now(connection, app_id),
    }
    store.update_participant(connection, participant["id"], values)
    return _issued(
        connection, keys, app_id, {**participant, **values, "preset_name": preset["name"]}
    )


def _issued(
    connection: Connection, keys: SigningKeys, app_id: uuid.UUID, participant: Record
) -> Issued:
    return Issued(
        view(participant),
        # issued when the participant was written, on the app's clock
        tokens.grant(
            connection, keys, app_id=app_id, participant=participant, now=participant["updated_at"]
        ),
    )
