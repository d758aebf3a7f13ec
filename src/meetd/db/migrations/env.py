"""Alembic's entry point: migrates the connection meetd hands it, or MEETD_DATABASE_URL."""

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext

from meetd.config import Settings
from meetd.db.engine import Database
from meetd.db.migrate import include_object
from meetd.db.tables import UTCDateTime, metadata


def render_item(kind: str, item: Any, autogen: AutogenContext) -> str | Literal[False]:
    """Write meetd's column types as plain SQLAlchemy ones: migrations must not import
    meetd's code, which changes after they are written."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime()"
    if kind == "type" and isinstance(item, sa.JSON):
        autogen.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


# `alembic` run by hand (to write a new revision) has no connection from meetd.
connection = (
    context.config.attributes.get("connection")
    or Database(Settings.from_env().database_url).engine.connect()
)
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters a table by rebuilding it
    compare_type=True,
    render_item=render_item,
    include_object=lambda *args: include_object(connection.dialect.name, *args),
)
with context.begin_transaction():
    context.run_migrations()
