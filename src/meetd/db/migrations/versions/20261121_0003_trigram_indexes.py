"""trigram indexes for substring search on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 14:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A case-insensitive substring search (ILIKE '%term%') reads these instead of the table.
# pg_trgm ships with PostgreSQL and is a trusted extension: the owner of a database may
# create it there without being a superuser.
SEARCHED = (("meetings", "title"), ("apps", "name"), ("presets", "name"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in SEARCHED:
        op.create_index(
            f"ix_{table}_{column}_trgm",
            table,
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in SEARCHED:
        op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
