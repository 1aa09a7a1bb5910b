"""The OAuth 2.0 server: integrations, authorization codes, grants, refresh rotation, long-lived tokens.

Rotation rule: each refresh returns a new pair. A used refresh token may be exchanged again (for a fresh
pair, superseding the pairs it gave before) only within ``KANBO_OAUTH_REFRESH_REUSE_SECONDS`` of its
first use and only while none of its successors has been used: that is a client retrying after a lost
answer. Any other reuse is a replay and revokes the whole grant (RFC 9700, section 4.14.2).
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.auth.tokens import digest, issue_access_token, opaque_secret, pkce_s256, signing_key
from kanbo.config import get_settings
from kanbo.core.db import unscoped
from kanbo.core.errors import BadRequest, OAuthError
from kanbo.core.time import now
from kanbo.models.accounts import Account
from kanbo.models.auth import AuthorizationCode, Grant, Integration, RefreshToken
from kanbo.models.users import User

DEFAULT_SCOPES = ["crm", "notifications"]
MIN_LONG_LIVED_DAYS = 1
MAX_LONG_LIVED_DAYS = 5 * 366


async def create_integration(
    session: AsyncSession, *, account_id: int, name: str, redirect_uri: str,
    scopes: list[str] | None = None, created_by: int = 0,
) -> Integration:
    if not redirect_uri.startswith(("http://", "https://")):
        raise BadRequest("redirect_uri must be an http(s) URL")
    integration = Integration(
        account_id=account_id, client_id=str(uuid.uuid4()), client_secret=secrets.token_urlsafe(48),
        name=name, redirect_uri=redirect_uri, scopes=scopes or list(DEFAULT_SCOPES), is_active=True,
        created_by=created_by, created_at=now(),
    )
    session.add(integration)
    await session.flush()
    return integration


async def find_integration(session: AsyncSession, client_id: str) -> Integration | None:
    try:
        uuid.UUID(client_id)
    except (ValueError, TypeError):
        return None
    with unscoped(session):
        return await session.scalar(select(Integration).where(Integration.client_id == client_id))


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: int


async def issue_code(
    session: AsyncSession, integration: Integration, user: User, *,
    code_challenge: str | None = None, code_challenge_method: str | None = None,
) -> IssuedCode:
    if not integration.is_active:
        raise BadRequest("The integration is disabled")
    if user.account_id != integration.account_id:
        raise BadRequest("The user does not belong to the integration's account")
    if code_challenge:
        method = (code_challenge_method or "plain").upper()
        if method != "S256":
            raise BadRequest("Only the S256 code_challenge_method is supported")
        code_challenge_method = "S256"
    code = opaque_secret()
    issued = now()
    expires_at = issued + get_settings().auth.code_ttl
    session.add(AuthorizationCode(
        account_id=integration.account_id, code_hash=digest(code), integration_id=integration.id,
        user_id=user.id, code_challenge=code_challenge or None,
        code_challenge_method=code_challenge_method if code_challenge else None,
        created_at=issued, expires_at=expires_at,
    ))
    await session.flush()
    return IssuedCode(code, expires_at)


class GrantRevoked(OAuthError):
    """A replayed code or refresh token: the grant was revoked, and that must be committed even
    though the request fails (the token endpoint commits before answering with the error)."""


def same_redirect_uri(sent: str | None, registered: str) -> bool:
    if sent is None or sent == "":
        return True  # Kommo takes the redirect URI from the integration's settings
    return sent.rstrip("/") == registered.rstrip("/")


async def authenticate_client(session: AsyncSession, client_id: Any, client_secret: Any) -> Integration:
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        raise OAuthError("Client authentication failed", status=401)
    integration = await find_integration(session, client_id)
    if integration is None or not hmac.compare_digest(integration.client_secret, client_secret):
        raise OAuthError("Client authentication failed", status=401)
    if not integration.is_active:
        raise OAuthError("The integration is disabled", status=401)
    return integration


async def exchange_code(
    session: AsyncSession, integration: Integration, *, code: Any, redirect_uri: Any,
    code_verifier: Any, api_domain: str,
) -> dict[str, Any]:
    if not isinstance(code, str) or not code:
        raise OAuthError("Check that the authorization code is present")
    if not same_redirect_uri(redirect_uri if isinstance(redirect_uri, str) else None, integration.redirect_uri):
        raise OAuthError("Redirect URI mismatch")
    with unscoped(session):
        row = await session.scalar(
            select(AuthorizationCode).where(AuthorizationCode.code_hash == digest(code)).with_for_update()
        )
        if row is None or row.integration_id != integration.id:
            raise OAuthError("Cannot decrypt the authorization code")
        if row.used_at is not None:
            # A code used twice: its grant is revoked, as RFC 6749 §4.1.2 recommends.
            if row.grant_id is not None:
                await revoke_grant(session, row.grant_id, "code_reused")
            raise GrantRevoked("Authorization code has been revoked")
        if row.expires_at <= now():
            raise OAuthError("Authorization code has expired")
        if row.code_challenge and (
            not isinstance(code_verifier, str)
            or not hmac.compare_digest(pkce_s256(code_verifier), row.code_challenge)
        ):
            raise OAuthError("Failed to verify code_verifier")
        user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise OAuthError("The user is not active")
    grant = Grant(account_id=row.account_id, user_id=row.user_id, integration_id=integration.id,
                  kind="oauth", created_at=now())
    session.add(grant)
    await session.flush()
    row.used_at = now()
    row.grant_id = grant.id
    return await _token_pair(session, grant, integration, api_domain, parent_id=None)


async def _token_pair(
    session: AsyncSession, grant: Grant, integration: Integration, api_domain: str, parent_id: int | None,
) -> dict[str, Any]:
    settings = get_settings().auth
    issued = now()
    key = await signing_key(session)
    access = issue_access_token(
        key, account_id=grant.account_id, user_id=grant.user_id, grant_id=grant.id, api_domain=api_domain,
        lifetime=settings.access_token_ttl, client_id=integration.client_id, scopes=list(integration.scopes),
        issued_at=issued,
    )
    refresh = opaque_secret()
    session.add(RefreshToken(account_id=grant.account_id, token_hash=digest(refresh), grant_id=grant.id,
                             parent_id=parent_id, created_at=issued, expires_at=issued + settings.refresh_token_ttl))
    await session.flush()
    return {
        "token_type": "Bearer",
        "expires_in": settings.access_token_ttl,
        "server_time": issued,
        "access_token": access.token,
        "refresh_token": refresh,
    }


async def refresh_tokens(
    session: AsyncSession, integration: Integration, *, refresh_token: Any, redirect_uri: Any, api_domain: str,
) -> dict[str, Any]:
    if not isinstance(refresh_token, str) or not refresh_token:
        raise OAuthError("Check that the refresh token is present")
    if not same_redirect_uri(redirect_uri if isinstance(redirect_uri, str) else None, integration.redirect_uri):
        raise OAuthError("Redirect URI mismatch")
    with unscoped(session):
        token = await session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == digest(refresh_token)).with_for_update()
        )
        if token is None:
            raise OAuthError("Invalid refresh token")
        grant = await session.get(Grant, token.grant_id)
        if grant is None or grant.integration_id != integration.id:
            raise OAuthError("Invalid refresh token")
        if grant.revoked_at is not None:
            raise OAuthError("Token has been revoked")
        if token.superseded_at is not None:
            raise OAuthError("Refresh token has been revoked")
        if token.expires_at <= now():
            raise OAuthError("Refresh token has expired")
        if token.used_at is not None:
            children = list(await session.scalars(select(RefreshToken).where(RefreshToken.parent_id == token.id)))
            too_late = now() - token.used_at > get_settings().auth.refresh_reuse_seconds
            if too_late or any(child.used_at is not None for child in children):
                await revoke_grant(session, grant.id, "refresh_token_replayed")
                raise GrantRevoked("Refresh token has been revoked")
            for child in children:
                child.superseded_at = now()
        user = await session.get(User, grant.user_id)
    if user is None or not user.is_active:
        raise OAuthError("The user is not active")
    token.used_at = token.used_at or now()
    return await _token_pair(session, grant, integration, api_domain, parent_id=token.id)


async def create_long_lived_token(
    session: AsyncSession, *, user: User, integration: Integration | None, days: int, api_domain: str,
) -> tuple[str, int]:
    """A long-lived token of ``user``: the JWT and when it expires."""
    grant, token = await issue_long_lived_token(session, user=user, integration=integration, days=days,
                                                api_domain=api_domain)
    return token, grant.expires_at or 0


async def issue_long_lived_token(
    session: AsyncSession, *, user: User, integration: Integration | None, days: int, api_domain: str,
) -> tuple[Grant, str]:
    """A long-lived token of ``user``: its grant (which revokes it) and the JWT, never stored."""
    if not MIN_LONG_LIVED_DAYS <= days <= MAX_LONG_LIVED_DAYS:
        raise BadRequest(f"A long-lived token lives from {MIN_LONG_LIVED_DAYS} day to 5 years")
    if integration is not None and integration.account_id != user.account_id:
        raise BadRequest("The integration belongs to another account")
    issued = now()
    lifetime = days * 86400
    grant = Grant(account_id=user.account_id, user_id=user.id,
                  integration_id=integration.id if integration else None, kind="long_lived",
                  created_at=issued, expires_at=issued + lifetime)
    session.add(grant)
    await session.flush()
    key = await signing_key(session)
    token = issue_access_token(
        key, account_id=user.account_id, user_id=user.id, grant_id=grant.id, api_domain=api_domain,
        lifetime=lifetime, client_id=integration.client_id if integration else None,
        scopes=list(integration.scopes) if integration else list(DEFAULT_SCOPES), issued_at=issued,
    )
    return grant, token.token


async def revoke_grant(session: AsyncSession, grant_id: int, reason: str) -> None:
    with unscoped(session):
        await session.execute(
            update(Grant).where(Grant.id == grant_id, Grant.revoked_at.is_(None))
            .values(revoked_at=now(), revoked_reason=reason)
        )


async def revoke_by_refresh_token(session: AsyncSession, integration: Integration, token: str) -> bool:
    with unscoped(session):
        row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(token)))
        if row is None:
            return False
        grant = await session.get(Grant, row.grant_id)
    if grant is None or grant.integration_id != integration.id:
        return False
    await revoke_grant(session, grant.id, "revoked")
    return True


async def account_of(session: AsyncSession, account_id: int) -> Account | None:
    return await session.get(Account, account_id)
