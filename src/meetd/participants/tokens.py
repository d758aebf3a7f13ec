"""Participant tokens (contract A5): RS256 JWTs that RealtimeKit's client SDKs can decode,
and the check a component makes before it lets one join.

A token's `jti` is `<generation>.<random>`: the participant's revocation mark when the token
was issued. A change of preset starts a new generation, which revokes every older token at
once, however close in time; deleting the participant revokes all of them.

A token is granted inside the transaction that makes or finds its participant, and signed
after it: an RS256 signature is the most costly step of a request, and needs no lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.types import Options
from sqlalchemy.engine import Connection

from meetd.clock import clock
from meetd.db.tables import Record
from meetd.keys import SigningKeys
from meetd.meetings import store as meetings
from meetd.participants import store

ALGORITHM = "RS256"
CLAIMS = ("orgId", "meetingId", "participantId", "presetId", "iat", "exp", "jti")
# The times are checked against the app's clock (verify_token), not the real one.
_DECODE_OPTIONS: Options = {
    "require": list(CLAIMS),
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
}


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token will say, and the key that will sign it."""

    kid: str
    private_key: rsa.RSAPrivateKey
    lifetime_seconds: int
    claims: dict[str, str]
    generation: int
    issued_at: int  # seconds since 1970 on the app's clock (contract A8)


def grant(
    connection: Connection,
    keys: SigningKeys,
    *,
    app_id: uuid.UUID,
    participant: Record,
    now: datetime,
) -> Grant:
    """A token for the participant, issued `now` on the app's clock."""
    kid, private_key = keys.current(connection)
    claims = {
        "orgId": str(app_id),
        "meetingId": str(participant["meeting_id"]),
        "participantId": str(participant["id"]),
        "presetId": str(participant["preset_id"]),
    }
    lifetime = int(keys.token_lifetime.total_seconds())
    generation = participant["token_generation"]
    return Grant(kid, private_key, lifetime, claims, generation, int(now.timestamp()))


def sign(grant: Grant) -> str:
    claims = {
        **grant.claims,
        "iat": grant.issued_at,
        "exp": grant.issued_at + grant.lifetime_seconds,
        "jti": f"{grant.generation}.{uuid.uuid4().hex}",
    }
    return jwt.encode(claims, grant.private_key, algorithm=ALGORITHM, headers={"kid": grant.kid})


@dataclass(frozen=True)
class Verdict:
    """Valid, with the claims and the participant; or refused, with a reason and why."""

    valid: bool
    reason: str | None = None
    message: str | None = None
    claims: dict[str, Any] | None = None
    participant: Record | None = None


def _refuse(reason: str, message: str) -> Verdict:
    return Verdict(valid=False, reason=reason, message=message)


def verify_token(
    connection: Connection, *, token: str, keys: SigningKeys, app_id: uuid.UUID | None = None
) -> Verdict:
    """Signature, expiry, the participant, its revocation mark, and the meeting's status.
    With `app_id`, a token of another app is refused too."""
    claims = _checked_claims(connection, token, keys)
    if isinstance(claims, Verdict):
        return claims
    try:
        org_id, meeting_id, participant_id = (
            uuid.UUID(claims[name]) for name in ("orgId", "meetingId", "participantId")
        )
        generation = int(str(claims["jti"]).split(".", 1)[0])
        expires = float(claims["exp"])
    except (ValueError, TypeError, AttributeError):
        return _refuse("token_invalid", "the token's claims are not those meetd issues")
    if app_id is not None and org_id != app_id:
        return _refuse("wrong_app", "the token was issued for another app")
    # Expiry is a matter of the app's clock, which may be ahead of the real one.
    if expires <= clock.app_now(connection, org_id).timestamp():
        return _refuse("token_expired", "the token has expired")
    participant = store.find_by_id(connection, participant_id)
    meeting = meetings.find_meeting(connection, meeting_id)
    if participant is None or meeting is None or participant["meeting_id"] != meeting["id"]:
        return _refuse("participant_not_found", "the participant no longer exists")
    if meeting["app_id"] != org_id:
        return _refuse("token_invalid", "the token's claims are not those meetd issues")
    if generation != participant["token_generation"]:
        return _refuse(
            "token_revoked", "the token was revoked when the participant's preset changed"
        )
    if meeting["status"] == "INACTIVE":
        return _refuse("meeting_inactive", "the meeting is INACTIVE: nobody can join it")
    return Verdict(valid=True, claims=claims, participant=participant)


def _checked_claims(
    connection: Connection, token: str, keys: SigningKeys
) -> dict[str, Any] | Verdict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return _refuse("token_invalid", "the token is not a JWT")
    if header.get("alg") != ALGORITHM:
        return _refuse("token_invalid", f"the token must be signed with {ALGORITHM}")
    kid = header.get("kid")
    public_key = keys.public_key(connection, kid) if isinstance(kid, str) else None
    if public_key is None:
        return _refuse("token_invalid", "the token is not signed with a key of this deployment")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, public_key, algorithms=[ALGORITHM], options=_DECODE_OPTIONS
        )
    except jwt.InvalidTokenError:
        return _refuse("token_invalid", "the token's signature or claims do not check out")
    return claims
