"""The SQL of sessions, their peers and what the peers did."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, RowMapping, bindparam, literal, or_, select, update
from sqlalchemy.engine import Connection

from meetd.db.paging import fetch_page
from meetd.db.tables import chat_messages, peer_events, peers, polls, sessions, utterances

s, pr, ev = sessions.c, peers.c, peer_events.c
_BY_ID = select(sessions).where(s.id == bindparam("session_id"), s.app_id == bindparam("app_id"))
_BY_ANY_ID = select(sessions).where(s.id == bindparam("session_id"))
_LIVE = select(sessions).where(s.meeting_id == bindparam("meeting_id"), s.status == "LIVE")
_UPDATE_SESSION = update(sessions).where(s.id == bindparam("session_id"))
_PEER = select(peers).where(pr.id == bindparam("peer_id"))
_PEER_OF_APP = (
    select(peers)
    .join(sessions, s.id == pr.session_id)
    .where(pr.id == bindparam("peer_id"), s.app_id == bindparam("app_id"))
)
_PEERS = select(peers).where(pr.session_id == bindparam("session_id")).order_by(pr.joined_at, pr.id)
_LIVE_PEERS = _PEERS.where(pr.left_at.is_(None))
_UPDATE_PEER = update(peers).where(pr.id == bindparam("peer_id"))
_PEER_EVENTS = (
    select(peer_events)
    .where(ev.session_id == bindparam("session_id"))
    .order_by(ev.created_at, ev.id)
)
_CHAT = (
    select(chat_messages)
    .where(chat_messages.c.session_id == bindparam("session_id"))
    .order_by(chat_messages.c.seq)
)
_UTTERANCES = (
    select(utterances)
    .where(utterances.c.session_id == bindparam("session_id"))
    .order_by(utterances.c.started_at, utterances.c.seq)
)


def get_session(
    connection: Connection, *, app_id: uuid.UUID, session_id: uuid.UUID
) -> RowMapping | None:
    params = {"session_id": session_id, "app_id": app_id}
    return connection.execute(_BY_ID, params).mappings().first()


def live_session(connection: Connection, meeting_id: uuid.UUID) -> RowMapping | None:
    """The meeting's LIVE session (the caller holds the meeting's row lock to change it)."""
    return connection.execute(_LIVE, {"meeting_id": meeting_id}).mappings().first()


def find_session(connection: Connection, session_id: uuid.UUID) -> RowMapping | None:
    return connection.execute(_BY_ANY_ID, {"session_id": session_id}).mappings().first()


def insert_session(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(sessions.insert(), values)


def update_session(connection: Connection, session_id: uuid.UUID, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE_SESSION, {**values, "session_id": session_id})


def list_sessions(
    connection: Connection,
    *,
    app_id: uuid.UUID,
    status: str | None,
    meeting_id: uuid.UUID | None,
    start_time: datetime | None,
    end_time: datetime | None,
    search: str | None,
    sort_by: str,
    ascending: bool,
    now_ms: int,
    offset: int,
    limit: int,
) -> tuple[Sequence[Row[Any]], int]:
    where: list[ColumnElement[bool]] = [s.app_id == app_id]
    if status is not None:
        where.append(s.status == status)
    if meeting_id is not None:
        where.append(s.meeting_id == meeting_id)
    if start_time is not None:
        where.append(s.started_at >= start_time)
    if end_time is not None:
        where.append(s.started_at <= end_time)
    if search:
        where.append(_matches(search))
    key = s.created_at if sort_by == "createdAt" else _consumed_ms(now_ms)
    order = (key.asc(), s.id.asc()) if ascending else (key.desc(), s.id.desc())
    return fetch_page(
        connection,
        select(sessions),
        key=s.id,
        where=where,
        order_by=order,
        offset=offset,
        limit=limit,
    )


def _consumed_ms(now_ms: int) -> ColumnElement[int]:
    """The milliseconds a session's peers have been in it by `now_ms`, present ones too."""
    return s.seconds_consumed * 1000 + s.live_participants * literal(now_ms) - s.live_joined_ms


def _matches(search: str) -> ColumnElement[bool]:
    """The session with this id, the sessions of the meeting with this id, or those whose
    meeting title holds the term in any case."""
    in_title = s.meeting_display_name.icontains(search, autoescape=True)
    try:
        key = uuid.UUID(search)
    except ValueError:
        return in_title
    return or_(s.id == key, s.meeting_id == key, in_title)


def insert_peer(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(peers.insert(), values)


def get_peer(connection: Connection, peer_id: uuid.UUID) -> RowMapping | None:
    return connection.execute(_PEER, {"peer_id": peer_id}).mappings().first()


def get_peer_of_app(
    connection: Connection, *, app_id: uuid.UUID, peer_id: uuid.UUID
) -> RowMapping | None:
    params = {"peer_id": peer_id, "app_id": app_id}
    return connection.execute(_PEER_OF_APP, params).mappings().first()


def update_peer(connection: Connection, peer_id: uuid.UUID, values: dict[str, Any]) -> None:
    connection.execute(_UPDATE_PEER, {**values, "peer_id": peer_id})


def session_peers(
    connection: Connection, session_id: uuid.UUID, *, live_only: bool = False
) -> Sequence[RowMapping]:
    query = _LIVE_PEERS if live_only else _PEERS
    return connection.execute(query, {"session_id": session_id}).mappings().all()


def live_peers_of(
    connection: Connection, session_id: uuid.UUID, participant_ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    query = _LIVE_PEERS.where(pr.participant_id.in_(participant_ids))
    return connection.execute(query, {"session_id": session_id}).mappings().all()


def insert_peer_events(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(peer_events.insert(), rows)


def session_peer_events(connection: Connection, session_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_PEER_EVENTS, {"session_id": session_id}).mappings().all()


def insert_chat_message(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(chat_messages.insert(), values)


def chat_of(connection: Connection, session_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_CHAT, {"session_id": session_id}).mappings().all()


def insert_utterance(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(utterances.insert(), values)


def utterances_of(connection: Connection, session_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_UTTERANCES, {"session_id": session_id}).mappings().all()


def insert_poll(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(polls.insert(), values)
