"""Settings, read from ``KANBO_*`` environment variables, in small groups (pydantic-settings).

Every field names its variable in full (``validation_alias``), so a name is greppable and the README's
configuration table can be checked against this file. An empty variable means the default; a value that
is not of the field's type stops the process with pydantic's message naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class _Group(BaseSettings):
    model_config = SettingsConfigDict(env_ignore_empty=True, frozen=True, extra="ignore", populate_by_name=False)


# The data folder when KANBO_HOME is not set, relative to the current directory (as it always was).
DEFAULT_HOME = "var"
DATABASE_FILE = "kanbo.db"


def _home_path(raw: str) -> Path:
    return Path(raw.strip() or DEFAULT_HOME).expanduser().resolve()


def data_home() -> Path:
    """``KANBO_HOME`` (default ``./var``) as an absolute path: where the SQLite database lives."""
    return _home_path(DatabaseSettings().home)


def default_database_url(home: Path | None = None) -> str:
    return f"sqlite+aiosqlite:///{(home or data_home()) / DATABASE_FILE}"


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
    return DatabaseSettings().url


def _resolve_url(raw: str, home: str) -> str:
    raw = raw.strip()
    return absolute_sqlite_url(normalise_database_url(raw) if raw else default_database_url(_home_path(home)))


class DatabaseSettings(_Group):
    raw_url: str = Field("", validation_alias="KANBO_DATABASE_URL")
    home: str = Field("", validation_alias="KANBO_HOME")
    busy_timeout_ms: int = Field(10000, validation_alias="KANBO_SQLITE_BUSY_TIMEOUT_MS")
    pool_size: int = Field(10, validation_alias="KANBO_DB_POOL_SIZE")

    @property
    def url(self) -> str:
        return _resolve_url(self.raw_url, self.home)


class HttpSettings(_Group):
    max_body_bytes: int = Field(10 * 1024 * 1024, validation_alias="KANBO_MAX_BODY_BYTES")
    default_limit: ClassVar[int] = 50  # fixed, not a setting
    max_limit: ClassVar[int] = 250  # fixed, not a setting
    max_batch: ClassVar[int] = 250  # fixed, not a setting
    rate_limit_rps: float = Field(7.0, validation_alias="KANBO_RATE_LIMIT_RPS")
    session_rate_limit_rps: float = Field(50.0, validation_alias="KANBO_SESSION_RATE_LIMIT_RPS")
    redis_url: str = Field("", validation_alias="KANBO_REDIS_URL")
    # Host used in links when a request carries no Host header (never in practice).
    public_host: str = Field("", validation_alias="KANBO_PUBLIC_HOST")


class AuthSettings(_Group):
    # Signing key for access tokens. Empty: a key generated once and kept in the database,
    # so every process of one installation shares it.
    secret_key: str = Field("", validation_alias="KANBO_SECRET_KEY")
    access_token_ttl: ClassVar[int] = 24 * 3600  # fixed, not a setting
    refresh_token_ttl: ClassVar[int] = 90 * 24 * 3600  # fixed, not a setting
    code_ttl: ClassVar[int] = 20 * 60  # fixed, not a setting
    session_ttl: int = Field(14 * 24 * 3600, validation_alias="KANBO_SESSION_TTL")
    secure_cookies: bool = Field(False, validation_alias="KANBO_SECURE_COOKIES")
    # A used refresh token may be exchanged again this many seconds after its first use (a client
    # retrying after a lost answer); later, presenting it revokes the whole grant.
    refresh_reuse_seconds: int = Field(60, validation_alias="KANBO_OAUTH_REFRESH_REUSE_SECONDS")
    # Failed browser sign-ins, per account and email and per client address: after this many in a row,
    # blocked for base seconds, doubling with each further failure up to max seconds (0 disables).
    login_throttle_after: int = Field(5, validation_alias="KANBO_LOGIN_THROTTLE_AFTER")
    login_throttle_base_seconds: float = Field(1.0, validation_alias="KANBO_LOGIN_THROTTLE_BASE_SECONDS")
    login_throttle_max_seconds: float = Field(900.0, validation_alias="KANBO_LOGIN_THROTTLE_MAX_SECONDS")


class WebhookSettings(_Group):
    # Loopback and private destinations (a local automation tool); link-local/metadata never.
    allow_private: bool = Field(False, validation_alias="KANBO_WEBHOOKS_ALLOW_PRIVATE")
    max_per_account: int = Field(100, validation_alias="KANBO_WEBHOOKS_MAX")
    timeout_seconds: float = Field(2.0, validation_alias="KANBO_WEBHOOKS_TIMEOUT")
    # Seconds between failed attempts; after the list, every 86400 until max_age_seconds in total.
    retry_schedule: Annotated[tuple[int, ...], NoDecode] = Field(
        (60, 300, 900, 3600, 10800, 21600, 43200, 86400), validation_alias="KANBO_WEBHOOKS_RETRY_SCHEDULE")
    max_age_seconds: ClassVar[int] = 259200  # fixed, not a setting
    # Settled deliveries (and their attempts) stay in the delivery log this many days, then are pruned.
    log_days: int = Field(30, validation_alias="KANBO_WEBHOOKS_LOG_DAYS")

    @field_validator("retry_schedule", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value


class LimitSettings(_Group):
    max_pipelines: int = Field(10, validation_alias="KANBO_MAX_PIPELINES")
    max_stages: int = Field(100, validation_alias="KANBO_MAX_STAGES")


class WorkerSettings(_Group):
    # ``kanbo serve`` runs the webhook worker inside the app unless this is false (``kanbo worker``).
    in_process: bool = Field(True, validation_alias="KANBO_WORKER_IN_PROCESS")
    # How long a claimed delivery is kept from other workers; a crashed worker's claims expire after it.
    lease_seconds: int = Field(60, validation_alias="KANBO_WEBHOOKS_LEASE_SECONDS")
    poll_interval: float = Field(0.5, validation_alias="KANBO_WORKER_POLL_INTERVAL")
    # Webhook requests one worker has in flight at a time (one small HTTP client per request).
    concurrency: int = Field(32, validation_alias="KANBO_WEBHOOKS_CONCURRENCY")
    # ... of which one subscription may have at most this many (a slow destination cannot take them all).
    per_webhook: int = Field(8, validation_alias="KANBO_WEBHOOKS_CONCURRENCY_PER_WEBHOOK")


class StreamSettings(_Group):
    # GET /api/v4/events/stream: open streams per user in one process (429 beyond), seconds between
    # heartbeat comments, and seconds between the safety-net looks for events no notification announced.
    per_user: int = Field(5, validation_alias="KANBO_STREAMS_PER_USER")
    heartbeat_seconds: float = Field(15.0, validation_alias="KANBO_STREAM_HEARTBEAT_SECONDS")
    poll_seconds: float = Field(2.0, validation_alias="KANBO_STREAM_POLL_SECONDS")


@dataclass(frozen=True)
class Settings:
    db: DatabaseSettings = field(default_factory=DatabaseSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    stream: StreamSettings = field(default_factory=StreamSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()


def get_limits() -> LimitSettings:
    return get_settings().limits
