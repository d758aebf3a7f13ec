"""The server's secret key, and sealing small secrets with keys derived from it (AES-256-GCM)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from meetd.config import ConfigError, Settings, sqlite_path

MIN_SECRET_KEY_CHARS = 32
_NONCE_BYTES = 12


def load_secret_key(settings: Settings) -> bytes:
    """MEETD_SECRET_KEY; without it, a key file beside a SQLite database (made on first use)."""
    if settings.secret_key is not None:
        if len(settings.secret_key) < MIN_SECRET_KEY_CHARS:
            raise ConfigError(
                f"MEETD_SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} characters; "
                'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        return settings.secret_key.encode()
    database = sqlite_path(settings.database_url)
    if database is None:
        raise ConfigError(
            "MEETD_SECRET_KEY is required with this database: every meetd process that "
            "shares it must use the same key (see docs/deployment.md)"
        )
    return _read_or_create_key_file(database.with_suffix(".key"))


def _read_or_create_key_file(path: Path) -> bytes:
    if not path.exists():
        key = base64.urlsafe_b64encode(os.urandom(32))
        scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            # link() is atomic and refuses to replace: of several processes starting at
            # once on a new database, exactly one key wins and all of them read it.
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(scratch)
    return path.read_bytes().strip()


def derive_key(secret_key: bytes, purpose: str) -> bytes:
    """A key of its own for each use of the secret key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"meetd:{purpose}".encode()
    ).derive(secret_key)


class SecretBox:
    """Seals and opens values under a key derived from the secret key for one purpose."""

    def __init__(self, secret_key: bytes, purpose: str) -> None:
        key = derive_key(secret_key, purpose)
        self._aead = AESGCM(key)
        self.fingerprint = hmac.new(key, b"meetd key check", hashlib.sha256).hexdigest()

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        """`context` binds the ciphertext to its owner, so it cannot be moved to another row."""
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], context)
        except InvalidTag:
            raise ConfigError(
                "a stored secret does not open with this secret key: "
                "MEETD_SECRET_KEY (or the key file) is not the one the database was written with"
            ) from None
