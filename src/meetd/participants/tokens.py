"""Participant tokens (contract A5): RS256 JWTs that RealtimeKit's client SDKs can decode,
and the check a component makes before it lets one join.

A token's `jti` is `<generation>.<random>`: the participant's revocation mark when the token
was issued. A change of preset starts a new generation, which revokes every older token at
once, however close in time; deleting the participant revokes all of them.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from meetd.db.tables import Meeting, Participant
from meetd.keys import SigningKeys

ALGORITHM = "RS256"
CLAIMS = ("orgId", "meetingId", "participantId", "presetId", "iat", "exp", "jti")


def issue_token(
    session: Session, *, participant: Participant, meeting: Meeting, keys: SigningKeys
) -> str:
    kid, private_key = keys.current(session)
    now = int(time.time())
    claims = {
        "orgId": str(meeting.app_id),
        "meetingId": str(meeting.id),
        "participantId": str(participant.id),
        "presetId": str(participant.preset_id),
        "iat": now,
        "exp": now + int(keys.token_lifetime.total_seconds()),
        "jti": f"{participant.token_generation}.{uuid.uuid4().hex}",
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})


@dataclass(frozen=True)
class Verdict:
    """Valid, with the claims and the participant; or refused, with a reason and why."""

    valid: bool
    reason: str | None = None
    message: str | None = None
    claims: dict[str, Any] | None = None
    participant: Participant | None = None


def _refuse(reason: str, message: str) -> Verdict:
    return Verdict(valid=False, reason=reason, message=message)


def verify_token(
    session: Session, *, token: str, keys: SigningKeys, app_id: uuid.UUID | None = None
) -> Verdict:
    """Signature, expiry, the participant, its revocation mark, and the meeting's status.
    With `app_id`, a token of another app is refused too."""
    claims = _checked_claims(session, token, keys)
    if isinstance(claims, Verdict):
        return claims
    try:
        org_id, meeting_id, participant_id = (
            uuid.UUID(claims[name]) for name in ("orgId", "meetingId", "participantId")
        )
        generation = int(str(claims["jti"]).split(".", 1)[0])
    except (ValueError, TypeError, AttributeError):
        return _refuse("token_invalid", "the token's claims are not those meetd issues")
    if app_id is not None and org_id != app_id:
        return _refuse("wrong_app", "the token was issued for another app")
    participant = session.scalars(
        select(Participant)
        .options(joinedload(Participant.preset, innerjoin=True))
        .where(Participant.id == participant_id)
    ).one_or_none()
    meeting = session.get(Meeting, meeting_id)
    if participant is None or meeting is None or participant.meeting_id != meeting.id:
        return _refuse("participant_not_found", "the participant no longer exists")
    if meeting.app_id != org_id:
        return _refuse("token_invalid", "the token's claims are not those meetd issues")
    if generation != participant.token_generation:
        return _refuse(
            "token_revoked", "the token was revoked when the participant's preset changed"
        )
    if meeting.status == "INACTIVE":
        return _refuse("meeting_inactive", "the meeting is INACTIVE: nobody can join it")
    return Verdict(valid=True, claims=claims, participant=participant)


def _checked_claims(session: Session, token: str, keys: SigningKeys) -> dict[str, Any] | Verdict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return _refuse("token_invalid", "the token is not a JWT")
    if header.get("alg") != ALGORITHM:
        return _refuse("token_invalid", f"the token must be signed with {ALGORITHM}")
    kid = header.get("kid")
    public_key = keys.public_key(session, kid) if isinstance(kid, str) else None
    if public_key is None:
        return _refuse("token_invalid", "the token is not signed with a key of this deployment")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, public_key, algorithms=[ALGORITHM], options={"require": list(CLAIMS)}
        )
    except jwt.ExpiredSignatureError:
        return _refuse("token_expired", "the token has expired")
    except jwt.InvalidTokenError:
        return _refuse("token_invalid", "the token's signature or claims do not check out")
    return claims
