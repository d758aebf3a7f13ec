"""What every meetd process opens before it serves: the migrated database, the keys, and the
caches of what rarely changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from meetd.accounts.service import PrincipalCache
from meetd.apps.store import AppRow
from meetd.cache import TtlCache
from meetd.config import ConfigError, Settings
from meetd.crypto import SecretBox, derive_key, load_secret_key
from meetd.db.engine import Database, lock_deployment
from meetd.db.migrate import upgrade
from meetd.db.tables import meta
from meetd.faults.service import FaultRule
from meetd.files.service import Downloads
from meetd.keys import SigningKeys
from meetd.ratelimit import TokenBuckets
from meetd.webhooks.keys import WebhookKeys

_FINGERPRINT_KEY = "secret_key_fingerprint"


def _apps() -> TtlCache[str, AppRow]:
    return TtlCache(seconds=600, max_entries=10_000)


@dataclass(frozen=True)
class Deployment:
    settings: Settings
    database: Database
    storage_box: SecretBox
    signing_keys: SigningKeys
    webhook_keys: WebhookKeys
    downloads: Downloads
    # API tokens are seen for a few seconds after they change; apps never change, and an
    # account's default app is its oldest, which stays so.
    token_cache: PrincipalCache = field(
        default_factory=lambda: TtlCache(seconds=10, max_entries=10_000)
    )
    app_cache: TtlCache[str, AppRow] = field(default_factory=_apps)  # by app id as sent
    default_app_cache: TtlCache[str, AppRow] = field(default_factory=_apps)  # by account id
    requests: TokenBuckets | None = None  # the rate limit's count, when there is one
    # Each app's fault rules (docs/testing.md), read again every second: almost always none.
    fault_rules: TtlCache[uuid.UUID, tuple[FaultRule, ...]] = field(
        default_factory=lambda: TtlCache(seconds=1, max_entries=10_000)
    )


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
        webhook_keys = WebhookKeys(SecretBox(secret_key, "webhook-keys"))
        with database.transaction() as connection:
            lock_deployment(connection)
            _check_secret_key(connection, storage_box.fingerprint)
            signing_keys.ensure_current(connection)
            webhook_keys.ensure_current(connection)
    except BaseException:
        database.dispose()
        raise
    return Deployment(
        settings=settings,
        database=database,
        storage_box=storage_box,
        signing_keys=signing_keys,
        webhook_keys=webhook_keys,
        downloads=Downloads(derive_key(secret_key, "download-urls"), settings.public_url),
        requests=TokenBuckets(settings.rate_limit) if settings.rate_limit else None,
    )


def _check_secret_key(connection: Connection, fingerprint: str) -> None:
    """Refuse to start with a secret key other than the one the database was first used with:
    its sealed secrets would not open."""
    stored = connection.scalar(select(meta.c.value).where(meta.c.key == _FINGERPRINT_KEY))
    if stored is None:
        connection.execute(meta.insert(), {"key": _FINGERPRINT_KEY, "value": fingerprint})
    elif stored != fingerprint:
        raise ConfigError(
            "the secret key (MEETD_SECRET_KEY, or the key file beside a SQLite database) is not "
            "the one this database was first started with; its sealed secrets would not open"
        )
