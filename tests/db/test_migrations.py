"""Migrations: they build exactly the schema the models describe, on every database."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from meetd.db.engine import Database
from meetd.db.migrate import include_object
from meetd.db.tables import meetings, metadata


def test_the_migrated_schema_is_the_models(database_url: str) -> None:
    database = Database(database_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": partial(include_object, connection.dialect.name),
            },
        )
        assert compare_metadata(context, metadata) == []
    database.dispose()


def test_title_search_has_a_trigram_index_on_postgresql(database_url: str) -> None:
    database = Database(database_url)
    indexes = {index["name"] for index in inspect(database.engine).get_indexes("meetings")}
    database.dispose()

    if database.engine.dialect.name == "postgresql":
        assert "ix_meetings_title_trgm" in indexes
    else:
        assert "ix_meetings_title_trgm" not in indexes


def test_title_search_reads_the_trigram_index_on_postgresql(database_url: str) -> None:
    database = Database(database_url)
    if database.engine.dialect.name != "postgresql":
        database.dispose()
        pytest.skip("about PostgreSQL only")
    search = select(meetings.c.id).where(meetings.c.title.icontains("plan", autoescape=True))
    with database.engine.connect() as connection:
        # A table this small is cheaper to scan; forbid that, and the index must serve.
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(connection.execute(text(f"EXPLAIN {_sql(search, connection)}")).scalars())
    database.dispose()

    assert "ix_meetings_title_trgm" in plan


def _sql(query: Any, connection: Any) -> str:
    return str(query.compile(connection, compile_kwargs={"literal_binds": True}))
