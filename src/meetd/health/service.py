"""Whether this process may take traffic, and the figures a metrics scrape reads from the
database (docs/deployment.md)."""

from __future__ import annotations

import functools

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.health import store
from meetd.metrics import Figures


@functools.cache
def newest_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", "meetd.db:migrations")
    return ScriptDirectory.from_config(config).get_current_head()


def check_schema(connection: Connection) -> str | None:
    """Why the database is not ready for this meetd, or None when it is."""
    revision, newest = store.schema_revision(connection), newest_revision()
    if revision != newest:
        return f"the database schema is at {revision or 'nothing'}, not at {newest}"
    return None


def read_figures(connection: Connection) -> Figures:
    pending, oldest_ms = store.pending_deliveries(connection)
    waited = max(0, clock.now_millis() - oldest_ms) / 1000 if oldest_ms is not None else 0.0
    return Figures(
        live_sessions=store.live_sessions(connection),
        pending_deliveries=pending,
        oldest_pending_seconds=waited,
    )
