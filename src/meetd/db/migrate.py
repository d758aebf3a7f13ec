"""Brings a database to the newest schema, once, however many processes start together."""

from __future__ import annotations

import logging

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
