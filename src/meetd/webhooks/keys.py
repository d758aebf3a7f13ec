"""The key pair that signs webhook deliveries (contract A10): RSA, kept in the database with
its private half sealed under the secret key, so that every meetd process signs alike and a
receiver verifies every delivery with the one public key of /.well-known/webhooks.json.
`meetd keys rotate --webhooks` makes a new pair; the newest signs."""

from __future__ import annotations

import base64
import hashlib
import threading
from typing import cast

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import select
from sqlalchemy.engine import Connection

from meetd.cache import TtlCache
from meetd.clock import clock
from meetd.crypto import SecretBox
from meetd.db.tables import webhook_keys

_RSA_BITS = 2048
CURRENT_KEY_SECONDS = 5
k = webhook_keys.c
_CURRENT = select(k.id, k.private_key, k.public_pem).order_by(k.created_at.desc(), k.id).limit(1)


class WebhookKeys:
    def __init__(self, box: SecretBox) -> None:
        self._box = box
        # The current pair, as read a moment ago: a rotation by any process is used by all
        # within CURRENT_KEY_SECONDS.
        self._current: TtlCache[bool, tuple[str, str]] = TtlCache(
            seconds=CURRENT_KEY_SECONDS, max_entries=1
        )
        self._private: dict[str, rsa.RSAPrivateKey] = {}
        self._lock = threading.Lock()

    def current(self, connection: Connection) -> tuple[str, str]:
        """The id and public PEM of the pair that signs now."""
        current = self._current.get(True)
        if current is None:
            row = connection.execute(_CURRENT).mappings().first()
            if row is None:
                raise LookupError("no webhook key: the deployment was not opened")
            if row["id"] not in self._private:
                pem = self._box.open(row["private_key"], context=row["id"].encode())
                private = cast(rsa.RSAPrivateKey, serialization.load_pem_private_key(pem, None))
                with self._lock:
                    self._private[row["id"]] = private
            current = (row["id"], row["public_pem"])
            self._current.put(True, current)
        return current

    def sign(self, kid: str, body: bytes) -> str:
        """RSASSA-PKCS1-v1_5 with SHA-256 over the exact bytes sent, base64 (`rtk-signature`)."""
        signature = self._private[kid].sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()

    def create(self, connection: Connection) -> str:
        """A new pair, signing from now on (within CURRENT_KEY_SECONDS in every process)."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
        public_pem = (
            private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        kid = hashlib.sha256(public_pem.encode()).hexdigest()[:32]
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        values = {
            "id": kid,
            "private_key": self._box.seal(pem, context=kid.encode()),
            "public_pem": public_pem,
            "created_at": clock.now(),
        }
        connection.execute(webhook_keys.insert(), values)
        self._current.clear()
        return kid

    def ensure_current(self, connection: Connection) -> None:
        if connection.execute(_CURRENT).first() is None:
            self.create(connection)
