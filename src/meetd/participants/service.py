"""Participants: add (idempotent per custom_participant_id), read, edit, replace, delete,
and fresh tokens. The caller holds the meeting's row lock for every change (see
meetd.meetings.service.get_meeting), so changes to one meeting's participants apply one at a
time, on every database."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from meetd.db.paging import fetch_page
from meetd.db.tables import Meeting, Participant, Preset, utcnow
from meetd.errors import Conflict, NotFound, parse_id
from meetd.keys import SigningKeys
from meetd.participants.schemas import ParticipantCreate, ParticipantUpdate
from meetd.participants.tokens import issue_token
from meetd.presets import service as presets


def list_participants(
    session: Session, *, meeting: Meeting, offset: int, limit: int
) -> tuple[list[Participant], int]:
    rows = select(Participant).options(joinedload(Participant.preset, innerjoin=True))
    where = [Participant.meeting_id == meeting.id]
    order = (Participant.created_at.desc(), Participant.id.desc())
    return fetch_page(session, rows, where=where, order_by=order, offset=offset, limit=limit)


_BY_ID = (
    select(Participant)
    .options(joinedload(Participant.preset, innerjoin=True))
    .where(
        Participant.id == bindparam("participant_id"),
        Participant.meeting_id == bindparam("meeting_id"),
    )
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update(of=Participant)


def get_participant(
    session: Session, *, meeting: Meeting, participant_id: str, for_update: bool = False
) -> Participant:
    key = parse_id(participant_id, field="participant_id")
    query = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    params = {"participant_id": key, "meeting_id": meeting.id}
    participant = session.scalars(query, params).one_or_none()
    if participant is None:
        raise NotFound(f"No participant with id {key} in this meeting")
    return participant


def add_participant(
    session: Session, *, meeting: Meeting, data: ParticipantCreate, keys: SigningKeys
) -> Participant:
    """A new participant; or, when the meeting has one with this custom_participant_id,
    that one, updated with the request (contract A5). Either way, with a fresh token."""
    preset = _preset(session, meeting, data.preset_name)
    query = select(Participant).where(
        Participant.meeting_id == meeting.id,
        Participant.custom_participant_id == data.custom_participant_id,
    )
    participant = session.scalars(query).one_or_none()
    if participant is None:
        now = utcnow()
        participant = Participant(
            id=uuid.uuid4(),
            meeting_id=meeting.id,
            custom_participant_id=data.custom_participant_id,
            token_generation=0,
            created_at=now,
        )
        session.add(participant)
    _describe(participant, preset=preset, name=data.name, picture=data.picture)
    return _with_token(session, participant, meeting, keys)


def edit_participant(
    session: Session,
    *,
    meeting: Meeting,
    participant: Participant,
    data: ParticipantUpdate,
    keys: SigningKeys,
) -> Participant:
    """PATCH: what is sent changes; a new preset revokes the participant's older tokens."""
    sent = data.model_fields_set
    preset = participant.preset
    if data.preset_name is not None:
        preset = _preset(session, meeting, data.preset_name)
    _describe(
        participant,
        preset=preset,
        name=data.name if "name" in sent else participant.name,
        picture=data.picture if "picture" in sent else participant.picture,
    )
    return _with_token(session, participant, meeting, keys)


def replace_participant(
    session: Session,
    *,
    meeting: Meeting,
    participant: Participant,
    data: ParticipantCreate,
    keys: SigningKeys,
) -> Participant:
    """PUT: the participant becomes the body; its id and created_at stay."""
    preset = _preset(session, meeting, data.preset_name)
    if data.custom_participant_id != participant.custom_participant_id:
        taken = session.scalar(
            select(Participant.id).where(
                Participant.meeting_id == meeting.id,
                Participant.custom_participant_id == data.custom_participant_id,
            )
        )
        if taken is not None:
            raise Conflict(
                "custom_participant_id: another participant of this meeting already has it"
            )
        participant.custom_participant_id = data.custom_participant_id
    _describe(participant, preset=preset, name=data.name, picture=data.picture)
    return _with_token(session, participant, meeting, keys)


def delete_participant(session: Session, *, participant: Participant) -> Participant:
    """Removes the participant, and with it every token it was ever given."""
    session.delete(participant)
    session.flush()
    return participant


def refresh_token(
    session: Session, *, meeting: Meeting, participant: Participant, keys: SigningKeys
) -> str:
    """A new token; the older ones stay valid until they expire."""
    return issue_token(session, participant=participant, meeting=meeting, keys=keys)


def _preset(session: Session, meeting: Meeting, name: str) -> Preset:
    return presets.get_preset_for_participant(session, app_id=meeting.app_id, name=name)


def _describe(
    participant: Participant, *, preset: Preset, name: str | None, picture: str | None
) -> None:
    if participant.preset_id is not None and participant.preset_id != preset.id:
        participant.token_generation += 1
    participant.preset = preset
    participant.name = name
    participant.picture = picture
    participant.updated_at = utcnow()


def _with_token(
    session: Session, participant: Participant, meeting: Meeting, keys: SigningKeys
) -> Participant:
    session.flush()
    participant.token = refresh_token(session, meeting=meeting, participant=participant, keys=keys)
    return participant
