"""What every meetd process opens before it serves: the migrated database and the keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from meetd.accounts.service import PrincipalCache
from meetd.apps.service import AppCache
from meetd.cache import TtlCache
from meetd.config import ConfigError, Settings
from meetd.crypto import SecretBox, load_secret_key
from meetd.db.engine import Database, lock_deployment
from meetd.db.migrate import upgrade
from meetd.db.tables import Meta
from meetd.keys import SigningKeys
from meetd.ratelimit import TokenBuckets

_FINGERPRINT_KEY = "secret_key_fingerprint"


@dataclass(frozen=True)
class Deployment:
    settings: Settings
    database: Database
    storage_box: SecretBox
    signing_keys: SigningKeys
    # API tokens are seen for a few seconds after they change; apps never change.
    principals: PrincipalCache = field(
        default_factory=lambda: TtlCache(seconds=10, max_entries=10_000)
    )
    apps: AppCache = field(default_factory=lambda: TtlCache(seconds=600, max_entries=10_000))
    requests: TokenBuckets | None = None  # the rate limit's count, when there is one


def open_deployment(settings: Settings) -> Deployment:
    """Migrate the database and load the keys; the same work, however many processes."""
    secret_key = load_secret_key(settings)
    database = Database(settings.database_url)
    try:
        upgrade(database)
        storage_box = SecretBox(secret_key, "storage-credentials")
        signing_keys = SigningKeys(
            SecretBox(secret_key, "signing-keys"), token_lifetime=settings.token_lifetime
        )
        with database.transaction() as session:
            lock_deployment(session)
            _check_secret_key(session, storage_box.fingerprint)
            signing_keys.ensure_current(session)
    except BaseException:
        database.dispose()
        raise
    return Deployment(
        settings=settings,
        database=database,
        storage_box=storage_box,
        signing_keys=signing_keys,
        requests=TokenBuckets(settings.rate_limit) if settings.rate_limit else None,
    )


def _check_secret_key(session: Session, fingerprint: str) -> None:
    """Refuse to start with a secret key other than the one the database was first used with:
    its sealed secrets would not open."""
    stored = session.get(Meta, _FINGERPRINT_KEY)
    if stored is None:
        session.add(Meta(key=_FINGERPRINT_KEY, value=fingerprint))
    elif stored.value != fingerprint:
        raise ConfigError(
            "the secret key (MEETD_SECRET_KEY, or the key file beside a SQLite database) is not "
            "the one this database was first started with; its sealed secrets would not open"
        )
