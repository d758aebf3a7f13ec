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


def _rate_limit(value: str) -> RateLimit | None:
    try:
        return RateLimit.parse(value)
    except ValueError as exc:
        raise ConfigError(f"MEETD_RATE_LIMIT (or --rate-limit) {exc}: {value!r}") from None
