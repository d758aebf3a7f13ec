"""Signing keys for participant tokens: RS256 pairs kept in the database, the private half
sealed under the server's secret key, so that every meetd process signs and verifies alike.

A process keeps the keys it has opened in memory (opening one costs far more than a
signature), and asks the database which key is current every few seconds.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from datetime import timedelta
from typing import Any, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection

from meetd.cache import TtlCache
from meetd.clock import clock
from meetd.crypto import SecretBox
from meetd.db.tables import signing_keys

_RSA_BITS = 2048
CURRENT_KEY_SECONDS = 5
k = signing_keys.c
_CURRENT = select(k.id).where(k.retired_at.is_(None)).order_by(k.created_at.desc()).limit(1)
_BY_ID = select(signing_keys).where(k.id == bindparam("kid"))
_RETIRE = update(signing_keys).where(k.retired_at.is_(None))


class SigningKeys:
    def __init__(self, box: SecretBox, *, token_lifetime: timedelta) -> None:
        self._box = box
        self.token_lifetime = token_lifetime
        self._private: dict[str, rsa.RSAPrivateKey] = {}
        # Which key is current, as read a moment ago: a rotation by any process is used by
        # all within CURRENT_KEY_SECONDS, and tokens of the old key stay valid anyway.
        self._current: TtlCache[bool, str] = TtlCache(seconds=CURRENT_KEY_SECONDS, max_entries=1)
        self._public: dict[str, rsa.RSAPublicKey] = {}
        self._lock = threading.Lock()

    def current(self, connection: Connection) -> tuple[str, rsa.RSAPrivateKey]:
        """The key new tokens are signed with: the newest key that is not retired."""
        kid = self._current.get(True)
        if kid is None:
            kid = connection.scalar(_CURRENT)
            if kid is None:
                raise LookupError("no signing key: the deployment was not opened")
            self._current.put(True, kid)
        private = self._private.get(kid)
        if private is None:
            row = connection.execute(_BY_ID, {"kid": kid}).mappings().one()
            pem = self._box.open(row["private_key"], context=kid.encode())
            private = cast(rsa.RSAPrivateKey, serialization.load_pem_private_key(pem, None))
            with self._lock:
                self._private[kid] = private
        return kid, private

    def public_key(self, connection: Connection, kid: str) -> rsa.RSAPublicKey | None:
        """The key that verifies tokens with this `kid`, while tokens it signed may live."""
        public = self._public.get(kid)
        if public is None:
            row = connection.execute(_BY_ID, {"kid": kid}).mappings().first()
            if row is None or not self._may_verify(row["retired_at"]):
                return None
            public = cast(rsa.RSAPublicKey, RSAAlgorithm.from_jwk(row["public_jwk"]))
            with self._lock:
                self._public[kid] = public
        return public

    def jwks(self, connection: Connection) -> dict[str, Any]:
        """Every key a token that has not expired may be signed with, as a JSON Web Key Set."""
        oldest = clock.now() - self.token_lifetime
        query = (
            select(k.public_jwk)
            .where(or_(k.retired_at.is_(None), k.retired_at > oldest))
            .order_by(k.created_at.desc())
        )
        return {"keys": list(connection.scalars(query))}

    def create(self, connection: Connection) -> str:
        """A new key, current from now on; the keys before it retire."""
        now = clock.now()
        connection.execute(_RETIRE.values(retired_at=now))
        private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
        jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        jwk.pop("key_ops", None)  # RFC 7517: not together with `use`
        kid = _thumbprint(jwk)
        jwk.update(kid=kid, use="sig", alg="RS256")
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        sealed = self._box.seal(pem, context=kid.encode())
        connection.execute(
            signing_keys.insert(),
            {"id": kid, "private_key": sealed, "public_jwk": jwk, "created_at": now},
        )
        self._current.clear()
        return kid

    def ensure_current(self, connection: Connection) -> None:
        if connection.scalar(_CURRENT) is None:
            self.create(connection)

    def _may_verify(self, retired_at: Any) -> bool:
        return retired_at is None or retired_at > clock.now() - self.token_lifetime


def _thumbprint(jwk: dict[str, Any]) -> str:
    """The key's RFC 7638 thumbprint, its `kid`."""
    members = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(members.encode()).digest()).rstrip(b"=").decode()
