"""Settings, read from ``KANBO_*`` environment variables, in small groups."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KANBO_{name}", default)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(f"KANBO_{name}")
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


def _float(name: str, default: float) -> float:
    raw = os.environ.get(f"KANBO_{name}")
    if raw is None or raw.strip() == "":
        return default
    return float(raw)


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(f"KANBO_{name}")
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


# The data folder when KANBO_HOME is not set, relative to the current directory (as it always was).
DEFAULT_HOME = "var"
DATABASE_FILE = "kanbo.db"


def data_home() -> Path:
    """``KANBO_HOME`` (default ``./var``) as an absolute path: where the SQLite database lives."""
    raw = _env("HOME", "").strip() or DEFAULT_HOME
    return Path(raw).expanduser().resolve()


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{data_home() / DATABASE_FILE}"


def normalise_database_url(url: str) -> str:
    """Accept the plain driver-less URLs people paste and pick the async driver."""
    if url.startswith("sqlite:///") or url.startswith("sqlite://"):
        return "sqlite+aiosqlite" + url[len("sqlite") :]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def absolute_sqlite_url(url: str) -> str:
    """A SQLite URL whose file path is absolute, resolved against the current directory now.

    Settings are read once per process, so a relative path names one file for the whole run and
    what ``kanbo serve`` prints is the file it uses. Other URLs (PostgreSQL, ``:memory:``, ``file:``
    URIs) come back unchanged.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # the engine reports a malformed URL when it is used
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return url
    if os.path.isabs(database):
        return url
    return parsed.set(database=str(Path(database).expanduser().resolve())).render_as_string(hide_password=False)


def database_url() -> str:
    """``KANBO_DATABASE_URL`` when set, else ``$KANBO_HOME/kanbo.db``; SQLite paths made absolute."""
    raw = _env("DATABASE_URL", "").strip()
    return absolute_sqlite_url(normalise_database_url(raw) if raw else default_database_url())


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = field(default_factory=database_url)
    busy_timeout_ms: int = field(default_factory=lambda: _int("SQLITE_BUSY_TIMEOUT_MS", 10000))
    pool_size: int = field(default_factory=lambda: _int("DB_POOL_SIZE", 10))


@dataclass(frozen=True)
class HttpSettings:
    max_body_bytes: int = field(default_factory=lambda: _int("MAX_BODY_BYTES", 10 * 1024 * 1024))
    default_limit: int = 50
    max_limit: int = 250
    max_batch: int = 250
    rate_limit_rps: float = field(default_factory=lambda: _float("RATE_LIMIT_RPS", 7.0))
    session_rate_limit_rps: float = field(default_factory=lambda: _float("SESSION_RATE_LIMIT_RPS", 50.0))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL", ""))
    # Host used in links when a request carries no Host header (never in practice).
    public_host: str = field(default_factory=lambda: _env("PUBLIC_HOST", ""))


@dataclass(frozen=True)
class AuthSettings:
    # Signing key for access tokens. Empty: a key generated once and kept in the database,
    # so every process of one installation shares it.
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", ""))
    access_token_ttl: int = 24 * 3600
    refresh_token_ttl: int = 90 * 24 * 3600
    code_ttl: int = 20 * 60
    session_ttl: int = field(default_factory=lambda: _int("SESSION_TTL", 14 * 24 * 3600))
    secure_cookies: bool = field(default_factory=lambda: _bool("SECURE_COOKIES", False))
    # A used refresh token may be exchanged again this many seconds after its first use (a client
    # retrying after a lost answer); later, presenting it revokes the whole grant.
    refresh_reuse_seconds: int = field(default_factory=lambda: _int("OAUTH_REFRESH_REUSE_SECONDS", 60))
    # Failed browser sign-ins, per account and email and per client address: after this many in a row,
    # blocked for base seconds, doubling with each further failure up to max seconds (0 disables).
    login_throttle_after: int = field(default_factory=lambda: _int("LOGIN_THROTTLE_AFTER", 5))
    login_throttle_base_seconds: float = field(default_factory=lambda: _float("LOGIN_THROTTLE_BASE_SECONDS", 1.0))
    login_throttle_max_seconds: float = field(default_factory=lambda: _float("LOGIN_THROTTLE_MAX_SECONDS", 900.0))


def _int_tuple(name: str, default: str) -> tuple[int, ...]:
    raw = _env(name, default)
    if raw.strip() == "":
        raw = default
    return tuple(int(part) for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class WebhookSettings:
    # Loopback and private destinations (a local automation tool); link-local/metadata never.
    allow_private: bool = field(default_factory=lambda: _bool("WEBHOOKS_ALLOW_PRIVATE", False))
    max_per_account: int = field(default_factory=lambda: _int("WEBHOOKS_MAX", 100))
    timeout_seconds: float = field(default_factory=lambda: _float("WEBHOOKS_TIMEOUT", 2.0))
    # Seconds between failed attempts; after the list, every 86400 until max_age_seconds in total.
    retry_schedule: tuple[int, ...] = field(default_factory=lambda: _int_tuple(
        "WEBHOOKS_RETRY_SCHEDULE", "60,300,900,3600,10800,21600,43200,86400"))
    max_age_seconds: int = 259200
    # Settled deliveries (and their attempts) stay in the delivery log this many days, then are pruned.
    log_days: int = field(default_factory=lambda: _int("WEBHOOKS_LOG_DAYS", 30))


@dataclass(frozen=True)
class Settings:
    db: DatabaseSettings = field(default_factory=DatabaseSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=lambda: LimitSettings())
    worker: WorkerSettings = field(default_factory=lambda: WorkerSettings())
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()


@dataclass(frozen=True)
class LimitSettings:
    max_pipelines: int = field(default_factory=lambda: _int("MAX_PIPELINES", 10))
    max_stages: int = field(default_factory=lambda: _int("MAX_STAGES", 100))


def get_limits() -> LimitSettings:
    return get_settings().limits


@dataclass(frozen=True)
class WorkerSettings:
    # ``kanbo serve`` runs the webhook worker inside the app unless this is false (``kanbo worker``).
    in_process: bool = field(default_factory=lambda: _bool("WORKER_IN_PROCESS", True))
    # How long a claimed delivery is kept from other workers; a crashed worker's claims expire after it.
    lease_seconds: int = field(default_factory=lambda: _int("WEBHOOKS_LEASE_SECONDS", 60))
    poll_interval: float = field(default_factory=lambda: _float("WORKER_POLL_INTERVAL", 0.5))
    # Webhook requests one worker has in flight at a time (one small HTTP client per request).
    concurrency: int = field(default_factory=lambda: _int("WEBHOOKS_CONCURRENCY", 32))
    # ... of which one subscription may have at most this many (a slow destination cannot take them all).
    per_webhook: int = field(default_factory=lambda: _int("WEBHOOKS_CONCURRENCY_PER_WEBHOOK", 8))
