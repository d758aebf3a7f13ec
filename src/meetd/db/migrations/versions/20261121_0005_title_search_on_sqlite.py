"""a substring index of meeting titles on SQLite

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 16:30:00.000000

SQLite has no index for LIKE '%term%'; FTS5's trigram tokenizer is one: a phrase query
matches exactly the titles that contain the term, in any case, for terms of three characters
or more. The index keeps its own copy of each title, under an integer id that
`meeting_titles` maps to the meeting (an FTS5 index cannot point into `meetings` itself,
whose rowids VACUUM may renumber). Triggers keep both in step with `meetings`, whatever
writes to it. PostgreSQL has its trigram index since 0003.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORGET = """
    DELETE FROM meeting_titles_fts
     WHERE rowid = (SELECT rid FROM meeting_titles WHERE meeting_id = old.id);
    DELETE FROM meeting_titles WHERE meeting_id = old.id;
"""
REMEMBER = """
    INSERT INTO meeting_titles (meeting_id) SELECT new.id WHERE new.title IS NOT NULL;
    INSERT INTO meeting_titles_fts (rowid, title)
        SELECT last_insert_rowid(), new.title WHERE new.title IS NOT NULL;
"""
STATEMENTS = [
    "CREATE TABLE meeting_titles ("
    " rid INTEGER PRIMARY KEY,"
    " meeting_id CHAR(32) NOT NULL UNIQUE REFERENCES meetings (id))",
    "CREATE VIRTUAL TABLE meeting_titles_fts USING fts5("
    "title, tokenize = 'trigram case_sensitive 0')",
    f"CREATE TRIGGER meeting_titles_insert AFTER INSERT ON meetings BEGIN {REMEMBER} END",
    f"CREATE TRIGGER meeting_titles_update AFTER UPDATE OF title ON meetings"
    f" BEGIN {FORGET} {REMEMBER} END",
    f"CREATE TRIGGER meeting_titles_delete AFTER DELETE ON meetings BEGIN {FORGET} END",
    "INSERT INTO meeting_titles (meeting_id) SELECT id FROM meetings WHERE title IS NOT NULL",
    "INSERT INTO meeting_titles_fts (rowid, title)"
    " SELECT t.rid, m.title FROM meeting_titles t JOIN meetings m ON m.id = t.meeting_id",
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER meeting_titles_{trigger}")
    op.execute("DROP TABLE meeting_titles_fts")
    op.execute("DROP TABLE meeting_titles")
