"""Access tokens (signed JWTs), opaque secrets and the installation's signing key."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.config import get_settings
from kanbo.core.errors import Unauthorized
from kanbo.core.time import now
from kanbo.models.accounts import ServerKey

ALGORITHM = "HS256"
SIGNING_KEY_NAME = "jwt_hs256"
_key_cache: dict[str, str] = {}


def opaque_secret() -> str:
    return secrets.token_urlsafe(48)


def digest(secret: str) -> str:
    """What is stored for a code, refresh token or session: its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def signing_key(session: AsyncSession) -> str:
    """The key from ``KANBO_SECRET_KEY`` or, by default, the one kept in the database."""
    configured = get_settings().auth.secret_key
    if configured:
        return configured
    bind = session.get_bind()
    cache_key = str(bind.engine.url)
    cached = _key_cache.get(cache_key)
    if cached:
        return cached
    value = await session.scalar(select(ServerKey.value).where(ServerKey.name == SIGNING_KEY_NAME))
    if value is None:
        candidate = secrets.token_urlsafe(64)
        try:
            async with session.begin_nested():
                session.add(ServerKey(name=SIGNING_KEY_NAME, value=candidate, created_at=now()))
            value = candidate
        except IntegrityError:  # another process created it first
            value = await session.scalar(select(ServerKey.value).where(ServerKey.name == SIGNING_KEY_NAME))
    assert value is not None
    _key_cache[cache_key] = value
    return value


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: int


def issue_access_token(
    key: str,
    *,
    account_id: int,
    user_id: int,
    grant_id: int,
    api_domain: str,
    lifetime: int,
    client_id: str | None,
    scopes: list[str],
    issued_at: int | None = None,
) -> IssuedToken:
    issued = issued_at if issued_at is not None else now()
    jti = uuid.uuid4().hex
    expires_at = issued + lifetime
    claims: dict[str, Any] = {
        "iss": f"http://{api_domain}",
        "aud": client_id or "kanbo",
        "jti": jti,
        "iat": issued,
        "nbf": issued,
        "exp": expires_at,
        "sub": str(user_id),
        "account_id": account_id,
        "api_domain": api_domain,
        "base_domain": api_domain.split(":")[0],
        "grant_id": grant_id,
        "scopes": scopes,
    }
    token = jwt.encode(claims, key, algorithm=ALGORITHM)
    return IssuedToken(token=token, jti=jti, expires_at=expires_at)


def decode_access_token(key: str, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"verify_aud": False, "require": ["exp", "jti", "account_id", "grant_id", "sub"]},
            leeway=5,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Token has expired") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("Invalid access token") from None
    if not isinstance(claims.get("grant_id"), int) or not isinstance(claims.get("account_id"), int):
        raise Unauthorized("Invalid access token")
    return claims


def pkce_s256(verifier: str) -> str:
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
