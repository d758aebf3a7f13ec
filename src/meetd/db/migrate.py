"""Brings a database to the newest schema, once, however many processes start together."""

from __future__ import annotations

import logging
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from meetd.db.engine import Database, lock_deployment

log = logging.getLogger("meetd.db")
# Alembic narrates every start at INFO; meetd says once what changed, if anything did.
logging.getLogger("alembic").setLevel(logging.WARNING)


def upgrade(database: Database) -> None:
    config = Config()
    config.set_main_option("script_location", "meetd.db:migrations")
    # One transaction under the deployment lock: a second process waits, then finds the
    # schema current and has nothing to do.
    with (
        database.engine.connect().execution_options(sqlite_immediate=True) as connection,
        connection.begin(),
    ):
        lock_deployment(connection)
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    if after != before:
        log.info("migrated the database schema from %s to %s", before or "empty", after)


def include_object(dialect: str, item: Any, name: str | None, kind: str, *_: Any) -> bool:
    """What Alembic compares between the models and a database: not the trigram indexes off
    PostgreSQL (meetd.db.tables.trigram_index), nor SQLite's title index (migration 0005),
    which no model describes."""
    if kind == "index" and (name or "").endswith("_trgm"):
        return dialect == "postgresql"
    return not (kind == "table" and (name or "").startswith("meeting_titles"))
