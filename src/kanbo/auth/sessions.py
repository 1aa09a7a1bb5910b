"""Browser sessions: password login, look-up by cookie, logout.

The cookie holds an opaque secret; the database keeps only its SHA-256 (``digest``). Each session
has its own CSRF token, which the pages put in their forms and the web UI sends as
``X-CSRF-Token`` on unsafe API calls (see :mod:`kanbo.auth.principal`).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.auth.passwords import hash_password, verify_password
from kanbo.auth.tokens import digest, opaque_secret
from kanbo.config import get_settings
from kanbo.core.db import unscoped
from kanbo.core.time import now
from kanbo.models.accounts import Account
from kanbo.models.auth import BrowserSession
from kanbo.models.users import User

SESSION_COOKIE = "kanbo_session"


@dataclass(frozen=True)
class ActiveSession:
    row: BrowserSession
    user: User
    account: Account

    @property
    def csrf_token(self) -> str:
        return self.row.csrf_token


@dataclass(frozen=True)
class NewSession:
    token: str  # the cookie value; only its digest is stored
    row: BrowserSession


class LoginFailed(Exception):
    """Why a login was refused: ``invalid`` | ``inactive`` | ``ambiguous`` (see ``accounts``)."""

    def __init__(self, reason: str, accounts: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.accounts = accounts or []


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _verify_dummy(password: str) -> bool:
    return verify_password(_dummy_hash(), password)


async def check_credentials(
    session: AsyncSession, email: str, password: str, subdomain: str | None = None,
) -> User:
    """The user whose email and password match, in the account named by ``subdomain`` if given.

    Users are per account, so one email may exist in several accounts: when the password matches
    more than one active user, the account's subdomain is required (``LoginFailed("ambiguous")``).
    """
    email = email.strip().lower()
    if not email or not password:
        raise LoginFailed("invalid")
    query = select(User, Account).join(Account, Account.id == User.account_id).where(User.email == email)
    if subdomain:
        query = query.where(Account.subdomain == subdomain.strip().lower())
    with unscoped(session):
        candidates = list((await session.execute(query.order_by(User.id))).tuples())
    if not candidates:
        await asyncio.to_thread(_verify_dummy, password)  # spend the time a known email takes
        raise LoginFailed("invalid")
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests keep being served.
    matches = [(user, account) for user, account in candidates
               if await asyncio.to_thread(verify_password, user.password_hash, password)]
    if not matches:
        raise LoginFailed("invalid")
    active = [(user, account) for user, account in matches if user.is_active]
    if not active:
        raise LoginFailed("inactive")
    if len(active) > 1:
        raise LoginFailed("ambiguous", sorted(account.subdomain for _, account in active))
    return active[0][0]


async def create_session(session: AsyncSession, user: User) -> NewSession:
    token = opaque_secret()
    issued = now()
    row = BrowserSession(
        account_id=user.account_id, token_hash=digest(token), user_id=user.id,
        csrf_token=secrets.token_urlsafe(32), created_at=issued,
        expires_at=issued + get_settings().auth.session_ttl,
    )
    session.add(row)
    await session.flush()
    return NewSession(token, row)


async def find_session(session: AsyncSession, token: str | None) -> ActiveSession | None:
    """The live session of a cookie value: not expired, its user active."""
    if not token:
        return None
    with unscoped(session):
        row = (await session.execute(
            select(BrowserSession, User, Account)
            .join(User, User.id == BrowserSession.user_id)
            .join(Account, Account.id == BrowserSession.account_id)
            .where(BrowserSession.token_hash == digest(token))
        )).one_or_none()
    if row is None:
        return None
    browser_session, user, account = row
    if browser_session.expires_at <= now() or not user.is_active:
        return None
    return ActiveSession(browser_session, user, account)


async def delete_session(session: AsyncSession, token: str | None) -> bool:
    if not token:
        return False
    with unscoped(session):
        result = await session.execute(delete(BrowserSession).where(BrowserSession.token_hash == digest(token)))
    return bool(getattr(result, "rowcount", 0))


async def delete_session_by_id(session: AsyncSession, session_id: int) -> None:
    with unscoped(session):
        await session.execute(delete(BrowserSession).where(BrowserSession.id == session_id))


async def delete_user_sessions(session: AsyncSession, user_id: int) -> int:
    """Sign a user out of every browser (after a new password); how many sessions ended."""
    with unscoped(session):
        result = await session.execute(delete(BrowserSession).where(BrowserSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_expired(session: AsyncSession) -> None:
    """Drop expired sessions (called on login, so the table does not grow without bound)."""
    with unscoped(session):
        await session.execute(delete(BrowserSession).where(BrowserSession.expires_at <= now()))
