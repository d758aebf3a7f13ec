"""Accounts and API tokens: minting, storing only a hash, and looking a token up."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal, cast, get_args

from sqlalchemy.engine import Connection

from meetd.accounts import store
from meetd.cache import TtlCache
from meetd.db.engine import lock_deployment
from meetd.errors import Invalid

Scope = Literal["admin", "read"]
SCOPES: tuple[Scope, ...] = get_args(Scope)
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts for: an account, with what a token of it may do."""

    account_id: str
    scope: Scope
    token_hash: str  # which token it is, for per-token limits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


PrincipalCache = TtlCache[str, Principal]


def find_principal(connection: Connection, *, token_hash: str) -> Principal | None:
    """Who the token with this hash acts for; None when it is not a token of this deployment."""
    row = store.find_token(connection, token_hash)
    if row is None:
        return None
    return Principal(account_id=row[0], scope=cast(Scope, row[1]), token_hash=token_hash)


def create_token(connection: Connection, *, account_id: str, scope: Scope = "admin") -> str:
    """A new API token for the account, which is created if new; the plain token is
    returned once and never stored."""
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise Invalid("account_id", "must be 1 to 32 letters, digits, '-' or '_'")
    if scope not in SCOPES:
        raise Invalid("scope", f"must be one of {', '.join(SCOPES)}")
    if not store.account_exists(connection, account_id):
        store.insert_account(connection, account_id)
    token = secrets.token_urlsafe(30)
    store.insert_token(connection, account_id=account_id, token_hash=hash_token(token), scope=scope)
    return token


@dataclass(frozen=True)
class FirstAccount:
    account_id: str
    token: str


def create_first_account(connection: Connection) -> FirstAccount | None:
    """On an empty database, an account and an admin token for it; otherwise None.

    Processes starting together on one new database race here; the deployment lock lets
    exactly one of them create the account.
    """
    lock_deployment(connection)
    if store.any_account(connection):
        return None
    account_id = uuid.uuid4().hex
    token = create_token(connection, account_id=account_id)
    return FirstAccount(account_id=account_id, token=token)
