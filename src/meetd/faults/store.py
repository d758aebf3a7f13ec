"""The SQL of fault rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from meetd.db.tables import fault_rules

f = fault_rules.c
_OF_APP = select(fault_rules).where(f.app_id == bindparam("app_id")).order_by(f.created_at, f.id)
_BY_ID = _OF_APP.where(f.id == bindparam("rule_id"))
_COUNT = select(func.count()).where(f.app_id == bindparam("app_id"))
_DELETE = delete(fault_rules).where(f.app_id == bindparam("app_id"))
_DELETE_ONE = _DELETE.where(f.id == bindparam("rule_id"))
# A request it matches, counted while the rule is not used up (exact across processes: the
# row is locked from here to the commit), with what its draw needs.
_MATCH = (
    update(fault_rules)
    .where(f.id == bindparam("rule_id"), f.count.is_(None) | (f.faulted < f.count))
    .values(matched=f.matched + 1)
    .returning(f.matched, f.rate, f.seed)
)
_FAULT = update(fault_rules).where(f.id == bindparam("rule_id")).values(faulted=f.faulted + 1)


def list_rules(connection: Connection, app_id: uuid.UUID) -> Sequence[RowMapping]:
    return connection.execute(_OF_APP, {"app_id": app_id}).mappings().all()


def get_rule(connection: Connection, *, app_id: uuid.UUID, rule_id: uuid.UUID) -> RowMapping | None:
    return connection.execute(_BY_ID, {"app_id": app_id, "rule_id": rule_id}).mappings().first()


def count_rules(connection: Connection, app_id: uuid.UUID) -> int:
    return connection.scalar(_COUNT, {"app_id": app_id}) or 0


def insert_rule(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(fault_rules.insert(), values)


def delete_rules(connection: Connection, app_id: uuid.UUID) -> None:
    connection.execute(_DELETE, {"app_id": app_id})


def delete_rule(connection: Connection, *, app_id: uuid.UUID, rule_id: uuid.UUID) -> None:
    connection.execute(_DELETE_ONE, {"app_id": app_id, "rule_id": rule_id})


def count_match(connection: Connection, rule_id: uuid.UUID) -> tuple[int, float, int | None] | None:
    """The rule's matches so far, this one included, its rate and its seed; None when it is
    used up or gone."""
    row = connection.execute(_MATCH, {"rule_id": rule_id}).first()
    return (row.matched, row.rate, row.seed) if row else None


def count_fault(connection: Connection, rule_id: uuid.UUID) -> None:
    connection.execute(_FAULT, {"rule_id": rule_id})
