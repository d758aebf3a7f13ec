"""a count of each app's meetings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.add_column(
            sa.Column("meeting_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE apps SET meeting_count ="
        " (SELECT count(*) FROM meetings WHERE meetings.app_id = apps.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.drop_column("meeting_count")
