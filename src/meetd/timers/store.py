"""The timers' SQL. A timer is a row: work due at a time on its app's clock."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import RowMapping, bindparam, delete, select
from sqlalchemy.engine import Connection

from meetd.db.tables import apps, timers

t = timers.c
_COLUMNS = (t.seq, t.app_id, t.kind, t.subject_id, t.due_ms)
_DELETE = delete(timers).where(t.seq == bindparam("seq"))
# Due by the real time plus the app's offset: plain arithmetic on both databases.
_DUE = (
    select(*_COLUMNS)
    .join(apps, apps.c.id == t.app_id)
    .where(t.due_ms <= bindparam("now_ms") + apps.c.clock_offset_ms)
    .order_by(t.due_ms, t.seq)
    .limit(bindparam("limit"))
)
# Each timer is claimed by one process: others skip the rows this transaction locked.
_CLAIM = _DUE.with_for_update(of=timers, skip_locked=True)
_DUE_IN_APP = (
    select(*_COLUMNS)
    .where(t.app_id == bindparam("app_id"), t.due_ms <= bindparam("until_ms"))
    .order_by(t.due_ms, t.seq)
    .limit(1)
    .with_for_update()
)


def schedule(
    connection: Connection, *, app_id: uuid.UUID, kind: str, subject_id: uuid.UUID, due_ms: int
) -> None:
    values = {"app_id": app_id, "kind": kind, "subject_id": subject_id, "due_ms": due_ms}
    connection.execute(timers.insert(), values)


def any_due(connection: Connection, *, now_ms: int) -> bool:
    return connection.execute(_DUE, {"now_ms": now_ms, "limit": 1}).first() is not None


def claim_due(connection: Connection, *, now_ms: int, limit: int) -> Sequence[RowMapping]:
    """Due timers of every app, the earliest first, locked for this transaction."""
    return connection.execute(_CLAIM, {"now_ms": now_ms, "limit": limit}).mappings().all()


def next_due_in_app(
    connection: Connection, *, app_id: uuid.UUID, until_ms: int
) -> RowMapping | None:
    """The app's earliest timer due by `until_ms` (on its clock), locked."""
    params = {"app_id": app_id, "until_ms": until_ms}
    return connection.execute(_DUE_IN_APP, params).mappings().first()


def delete_timer(connection: Connection, seq: int) -> None:
    connection.execute(_DELETE, {"seq": seq})
