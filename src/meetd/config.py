"""Settings, read from the environment and overridden by command-line flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from meetd.ratelimit import RateLimit

DEFAULT_DATABASE_URL = "sqlite:///./meetd.db"
MAX_BODY_BYTES = 1 << 20
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8787"
# 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h: at most 9 attempts (contract A10)
DEFAULT_RETRY_SCHEDULE = (10.0, 30.0, 120.0, 600.0, 1800.0, 3600.0, 7200.0, 14400.0)
DEFAULT_TOKEN_LIFETIME = 100 * 24 * 3600  # seconds; what every RealtimeKit token observed had

# Plain PostgreSQL URLs name SQLAlchemy's default driver (psycopg2), which meetd does not ship.
_URL_ALIASES = {"postgres://": "postgresql+psycopg://", "postgresql://": "postgresql+psycopg://"}


def normalize_database_url(url: str) -> str:
    for alias, canonical in _URL_ALIASES.items():
        if url.startswith(alias):
            return canonical + url[len(alias) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    _, _, path = url.partition(":///")
    path = path.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = field(default=None, repr=False)
    token_lifetime: timedelta = timedelta(seconds=DEFAULT_TOKEN_LIFETIME)
    rate_limit: RateLimit | None = None  # per API token and process; None: no limit
    # Where clients reach meetd: download URLs (contract A7) point here.
    public_url: str = DEFAULT_PUBLIC_URL
    # Webhook deliveries (contract A10): the waits before each retry, the time an attempt
    # may take, and which destinations may be sent to.
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    webhook_timeout: float = 10.0
    webhook_destinations: str = "any"

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalize_database_url(self.database_url))
        object.__setattr__(self, "public_url", _public_url(self.public_url))

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides: str | None) -> Settings:
        rate_limit = overrides.pop("rate_limit", None) or env.get("MEETD_RATE_LIMIT")
        values: dict[str, object] = {
            "database_url": env.get("MEETD_DATABASE_URL"),
            "secret_key": env.get("MEETD_SECRET_KEY"),
            "token_lifetime": _seconds(env, "MEETD_TOKEN_LIFETIME"),
            "rate_limit": None if rate_limit is None else _rate_limit(rate_limit),
            "public_url": env.get("MEETD_PUBLIC_URL"),
            "webhook_retry_schedule": _schedule(env.get("MEETD_WEBHOOK_RETRY_SCHEDULE")),
            "webhook_timeout": _timeout(env.get("MEETD_WEBHOOK_TIMEOUT")),
            "webhook_destinations": _destinations(env.get("MEETD_WEBHOOK_DESTINATIONS")),
        }
        values.update((k, v) for k, v in overrides.items() if v is not None)
        return cls(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class ConfigError(Exception):
    """A setting is missing or wrong; the message tells the operator what to do."""


def _seconds(env: Mapping[str, str], name: str) -> timedelta | None:
    value = env.get(name)
    if value is None:
        return None
    if not value.isdigit() or int(value) == 0:
        raise ConfigError(f"{name} must be a whole number of seconds, at least 1")
    return timedelta(seconds=int(value))


def _public_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ConfigError(
            f"MEETD_PUBLIC_URL must be an http(s) URL such as {DEFAULT_PUBLIC_URL}: {value!r}"
        )
    return value.rstrip("/")


def _schedule(value: str | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        waits = tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        waits = (-1.0,)
    if any(not 0 <= wait <= 86_400 for wait in waits):
        raise ConfigError(
            "MEETD_WEBHOOK_RETRY_SCHEDULE must be seconds between 0 and 86400, comma-separated, "
            f"such as 10,30,120 (empty: no retries): {value!r}"
        )
    return waits


def _timeout(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 60:
        raise ConfigError(
            f"MEETD_WEBHOOK_TIMEOUT must be seconds, over 0 and at most 60: {value!r}"
        )
    return seconds


def _destinations(value: str | None) -> str | None:
    if value is not None and value not in ("any", "public"):
        raise ConfigError(f"MEETD_WEBHOOK_DESTINATIONS must be any or public: {value!r}")
    return value


def _rate_limit(value: str) -> RateLimit | None:
    try:
        return RateLimit.parse(value)
    except ValueError as exc:
        raise ConfigError(f"MEETD_RATE_LIMIT (or --rate-limit) {exc}: {value!r}") from None
