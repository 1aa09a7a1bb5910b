"""Turns a request's bearer token or browser session into a :class:`Principal`.

This is the one place that binds the request's database session to an account.
"""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from kanbo.auth.sessions import SESSION_COOKIE
from kanbo.auth.tokens import decode_access_token, digest, signing_key
from kanbo.config import get_settings
from kanbo.core.db import bind_account, unscoped
from kanbo.core.errors import Forbidden, TooManyRequests, Unauthorized
from kanbo.core.principal import Principal, administers
from kanbo.core.time import now
from kanbo.http.hal import api_host
from kanbo.http.query import MAX_INT
from kanbo.models.accounts import Account
from kanbo.models.auth import BrowserSession, Grant, Integration
from kanbo.models.users import Role, User

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def effective_rights(user: User, role: Role | None) -> dict[str, Any]:
    return dict(role.rights) if role is not None else dict(user.rights)


def principal_for(user: User, role: Role | None, *, via: str, credential: str, client_id: str | None = None,
                  api_domain: str = "") -> Principal:
    return Principal(
        account_id=user.account_id, user_id=user.id, is_admin=user.is_admin, group_id=user.group_id,
        rights=effective_rights(user, role), via=via,  # type: ignore[arg-type]
        credential=credential, client_id=client_id, api_domain=api_domain, lang=user.lang,
    )


async def authenticate(request: Request, session: AsyncSession, *, count: bool = True) -> Principal:
    """The request's principal, the session bound to its account; ``count=False`` checks the credentials of
    a request already counted by the rate limit again (a long-lived event stream) without counting it."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = await _from_token(request, session, token.strip())
    elif request.cookies.get(SESSION_COOKIE):
        principal = await _from_session(request, session, request.cookies[SESSION_COOKIE])
    else:
        raise Unauthorized("Authorization required: send 'Authorization: Bearer <access token>'")
    principal = await _context_user(request, session, principal)
    bind_account(session, principal.account_id)
    if count:
        await _rate_limit(request, principal)
    return principal


async def _from_token(request: Request, session: AsyncSession, token: str) -> Principal:
    claims = decode_access_token(await signing_key(session), token)
    with unscoped(session):
        row = (await session.execute(
            select(Grant, User, Role, Account, Integration)
            .join(User, User.id == Grant.user_id)
            .join(Account, Account.id == Grant.account_id)
            .outerjoin(Role, Role.id == User.role_id)
            .outerjoin(Integration, Integration.id == Grant.integration_id)
            .where(Grant.id == claims["grant_id"])
        )).one_or_none()
    if row is None:
        raise Unauthorized("Invalid access token")
    grant, user, role, account, integration = row
    if grant.account_id != claims["account_id"] or str(user.id) != str(claims["sub"]):
        raise Unauthorized("Invalid access token")
    if grant.revoked_at is not None:
        raise Unauthorized("Token has been revoked")
    if grant.expires_at is not None and grant.expires_at <= now():
        raise Unauthorized("Token has expired")
    if integration is not None and not integration.is_active:
        raise Unauthorized("The integration is disabled")
    if not user.is_active:
        raise Unauthorized("The user is not active")
    await _check_host(request, session, account)
    return principal_for(user, role, via="token", credential=f"grant:{grant.id}",
                         client_id=integration.client_id if integration else None,
                         api_domain=str(claims.get("api_domain") or api_host(request)))


async def _from_session(request: Request, session: AsyncSession, cookie: str) -> Principal:
    with unscoped(session):
        row = (await session.execute(
            select(BrowserSession, User, Role, Account)
            .join(User, User.id == BrowserSession.user_id)
            .join(Account, Account.id == BrowserSession.account_id)
            .outerjoin(Role, Role.id == User.role_id)
            .where(BrowserSession.token_hash == digest(cookie))
        )).one_or_none()
    if row is None:
        raise Unauthorized("Session expired, sign in again")
    browser_session, user, role, account = row
    if browser_session.expires_at <= now() or not user.is_active:
        raise Unauthorized("Session expired, sign in again")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, browser_session.csrf_token):
            raise Forbidden("Missing or wrong X-CSRF-Token header")
    await _check_host(request, session, account)
    return principal_for(user, role, via="session", credential=f"session:{browser_session.id}",
                         api_domain=api_host(request))


async def _check_host(request: Request, session: AsyncSession, account: Account) -> None:
    """A Host whose first label names a *different* existing account is refused."""
    host = (request.headers.get("host") or "").split(":")[0].lower()
    label = host.split(".")[0] if "." in host else host
    if not label or label == account.subdomain or label.isdigit():
        return
    with unscoped(session):
        other = await session.scalar(select(Account.id).where(Account.subdomain == label))
    if other is not None and other != account.id:
        raise Unauthorized("The token belongs to another account")


async def _context_user(request: Request, session: AsyncSession, principal: Principal) -> Principal:
    """``X-Context-User-ID``: an admin's token acting with another user's rights."""
    raw = request.headers.get("x-context-user-id")
    if not raw or not administers(principal):
        return principal
    text = raw.strip()
    # ASCII digits only (int() also reads "٣", "1_0", "+1"), and no more than a BIGINT id holds.
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_INT:
        raise Unauthorized("X-Context-User-ID must be a user id")
    user_id = int(text)
    if user_id == principal.user_id:
        return principal
    with unscoped(session):
        row = (await session.execute(
            select(User, Role).outerjoin(Role, Role.id == User.role_id)
            .where(User.id == user_id, User.account_id == principal.account_id)
        )).one_or_none()
    if row is None or not row[0].is_active:
        raise Unauthorized("X-Context-User-ID names no active user of this account")
    return principal_for(row[0], row[1], via=principal.via, credential=principal.credential,
                         client_id=principal.client_id, api_domain=principal.api_domain)


async def _rate_limit(request: Request, principal: Principal) -> None:
    limiter = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        return
    settings = get_settings().http
    rps = settings.session_rate_limit_rps if principal.via == "session" else settings.rate_limit_rps
    wait = await limiter.hit(f"{principal.account_id}:{principal.credential}", rps)
    if wait is not None:
        raise TooManyRequests(f"Too many requests: the limit is {rps:g} requests per second",
                              retry_after=wait)
