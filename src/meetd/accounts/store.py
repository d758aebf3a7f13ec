"""The accounts' and API tokens' SQL."""

from __future__ import annotations

from sqlalchemy import bindparam, exists, select
from sqlalchemy.engine import Connection

from meetd.db.tables import accounts, api_tokens

_BY_HASH = select(api_tokens.c.account_id, api_tokens.c.scope).where(
    api_tokens.c.token_hash == bindparam("token_hash")
)
_ACCOUNT = select(accounts.c.id).where(accounts.c.id == bindparam("account_id"))
_ANY_ACCOUNT = select(exists().select_from(accounts))


def find_token(connection: Connection, token_hash: str) -> tuple[str, str] | None:
    """The token's account and scope."""
    row = connection.execute(_BY_HASH, {"token_hash": token_hash}).first()
    return (row.account_id, row.scope) if row else None


def account_exists(connection: Connection, account_id: str) -> bool:
    return connection.execute(_ACCOUNT, {"account_id": account_id}).first() is not None


def any_account(connection: Connection) -> bool:
    return bool(connection.scalar(_ANY_ACCOUNT))


def insert_account(connection: Connection, account_id: str) -> None:
    connection.execute(accounts.insert(), {"id": account_id})


def insert_token(connection: Connection, *, account_id: str, token_hash: str, scope: str) -> None:
    connection.execute(
        api_tokens.insert(), {"account_id": account_id, "token_hash": token_hash, "scope": scope}
    )
