"""Accounts and API tokens: minting, storing only a hash, and looking a token up."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from meetd.cache import TtlCache
from meetd.db.engine import lock_deployment
from meetd.db.tables import Account, ApiToken
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
_BY_HASH = select(ApiToken.account_id, ApiToken.scope).where(
    ApiToken.token_hash == bindparam("token_hash")
)


def authenticate(session: Session, *, token: str, cache: PrincipalCache) -> Principal | None:
    """Who the token acts for; None when it is not a token of this deployment."""
    token_hash = hash_token(token)
    principal = cache.get(token_hash)
    if principal is None:
        row = session.execute(_BY_HASH, {"token_hash": token_hash}).one_or_none()
        if row is None:
            return None
        principal = Principal(account_id=row.account_id, scope=row.scope, token_hash=token_hash)
        cache.put(token_hash, principal)
    return principal


def create_token(session: Session, *, account_id: str, scope: Scope = "admin") -> str:
    """A new API token for the account, which is created if new; the plain token is
    returned once and never stored."""
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise Invalid("account_id", "must be 1 to 32 letters, digits, '-' or '_'")
    if scope not in SCOPES:
        raise Invalid("scope", f"must be one of {', '.join(SCOPES)}")
    if session.get(Account, account_id) is None:
        session.add(Account(id=account_id))
    token = secrets.token_urlsafe(30)
    session.add(ApiToken(account_id=account_id, token_hash=hash_token(token), scope=scope))
    session.flush()
    return token


@dataclass(frozen=True)
class FirstAccount:
    account_id: str
    token: str


def create_first_account(session: Session) -> FirstAccount | None:
    """On an empty database, an account and an admin token for it; otherwise None.

    Processes starting together on one new database race here; the deployment lock
    lets exactly one of them create the account.
    """
    lock_deployment(session)
    if session.scalar(select(exists().select_from(Account))):
        return None
    account_id = uuid.uuid4().hex
    return FirstAccount(account_id=account_id, token=create_token(session, account_id=account_id))
