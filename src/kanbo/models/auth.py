from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType, JsonType, TenantMixin


class Integration(TenantMixin, Base):
    """An OAuth client of one account (Kommo's "integration")."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    # Kept in clear: Kommo shows it again in the UI and signs disposable widget tokens with it.
    client_secret: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(JsonType)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int] = mapped_column(IdType, default=0)
    created_at: Mapped[int] = mapped_column(IdType)


class Grant(TenantMixin, Base):
    """One authorization of a user for an integration; every token of it dies with it."""

    __tablename__ = "oauth_grants"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    integration_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("integrations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # "oauth" | "long_lived"
    created_at: Mapped[int] = mapped_column(IdType)
    expires_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    revoked_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuthorizationCode(TenantMixin, Base):
    __tablename__ = "oauth_codes"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    integration_id: Mapped[int] = mapped_column(IdType, ForeignKey("integrations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_challenge: Mapped[str | None] = mapped_column(String(128), nullable=True)
    code_challenge_method: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at: Mapped[int] = mapped_column(IdType)
    expires_at: Mapped[int] = mapped_column(IdType)
    used_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    grant_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("oauth_grants.id", ondelete="CASCADE"), nullable=True, index=True
    )


class RefreshToken(TenantMixin, Base):
    __tablename__ = "oauth_refresh_tokens"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    grant_id: Mapped[int] = mapped_column(IdType, ForeignKey("oauth_grants.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("oauth_refresh_tokens.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[int] = mapped_column(IdType)
    expires_at: Mapped[int] = mapped_column(IdType)
    used_at: Mapped[int | None] = mapped_column(IdType, nullable=True)
    # Set when a retried use of the parent replaced this token before it was ever used.
    superseded_at: Mapped[int | None] = mapped_column(IdType, nullable=True)


class BrowserSession(TenantMixin, Base):
    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(IdType)
    expires_at: Mapped[int] = mapped_column(IdType)
