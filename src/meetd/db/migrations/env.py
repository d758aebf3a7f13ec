"""Alembic's entry point: migrates the connection meetd hands it, or MEETD_DATABASE_URL."""

from alembic import context

from meetd.config import Settings
from meetd.db.engine import Database
from meetd.db.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` run by hand, e.g. to write a new revision
    database = Database(Settings.from_env().database_url)
    connection = database.engine.connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters a table by rebuilding it
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
