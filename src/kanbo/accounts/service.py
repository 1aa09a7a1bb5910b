"""Accounts and users: creation and the rules around them (the CLI and the API both call these)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights as rights_mod
from kanbo.auth.passwords import generate_password, hash_password
from kanbo.core.db import bind_account, unscoped
from kanbo.core.errors import BadRequest, Conflict
from kanbo.core.time import now
from kanbo.models.accounts import Account
from kanbo.models.users import User

SUBDOMAIN = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
LANGUAGES = ("es", "en")


@dataclass
class NewAccount:
    account: Account
    admin: User
    admin_password: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def create_account(
    session: AsyncSession,
    *,
    subdomain: str,
    name: str,
    admin_email: str,
    admin_password: str | None = None,
    admin_name: str | None = None,
    language: str = "en",
    country: str = "US",
    currency: str = "USD",
    timezone: str = "UTC",
) -> NewAccount:
    subdomain = subdomain.strip().lower()
    if not SUBDOMAIN.match(subdomain):
        raise BadRequest("subdomain: lowercase letters, digits and hyphens, starting with a letter")
    if language not in LANGUAGES:
        raise BadRequest(f"language must be one of: {', '.join(LANGUAGES)}")
    if not name.strip():
        raise BadRequest("name must not be empty")
    with unscoped(session):
        taken = await session.scalar(select(Account.id).where(Account.subdomain == subdomain))
    if taken is not None:
        raise Conflict(f"The subdomain '{subdomain}' is taken")
    stamp = now()
    account = Account(
        name=name.strip(), subdomain=subdomain, uuid=str(uuid.uuid4()), amojo_id=str(uuid.uuid4()),
        currency=currency.upper(), timezone=timezone, language=language, country=country.upper(),
        is_unsorted_on=True, is_loss_reason_enabled=True, contact_name_display_order=1,
        created_at=stamp, updated_at=stamp, created_by=0, updated_by=0,
    )
    session.add(account)
    await session.flush()
    bind_account(session, account.id)
    password = admin_password or generate_password()
    admin = await create_user(session, email=admin_email, name=admin_name or admin_email.split("@")[0],
                              password=password, is_admin=True, lang=language)
    await _provision(session, account)
    return NewAccount(account, admin, password)


Provisioner = Callable[[AsyncSession, int, str], Awaitable[object]]
_provisioners: list[Provisioner] = []


def register_provisioner(provisioner: Provisioner) -> None:
    """What every new account starts with (its main pipeline, its predefined fields…): the domains that
    own those defaults sit above accounts, so they register here at start-up (``kanbo.wiring``)."""
    if provisioner not in _provisioners:
        _provisioners.append(provisioner)


async def _provision(session: AsyncSession, account: Account) -> None:
    if not _provisioners:
        raise RuntimeError("no account provisioners are registered: call kanbo.wiring.wire() at start-up")
    for provisioner in _provisioners:
        await provisioner(session, account.id, account.language)


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    password: str | None = None,
    is_admin: bool = False,
    lang: str | None = None,
    rights: dict[str, Any] | None = None,
    group_id: int | None = None,
    role_id: int | None = None,
    is_free: bool = False,
    phone_number: str | None = None,
) -> User:
    """Create a user in the session's account. Raises 400/409 on a bad or taken email."""
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise BadRequest(f"'{email}' is not an email address")
    if await email_taken(session, email):
        raise Conflict(f"A user with the email '{email}' already exists")
    stamp = now()
    user = User(
        name=name.strip() or email, email=email,
        password_hash=hash_password(password) if password else None,
        lang=lang or "en", uuid=str(uuid.uuid4()), amojo_id=str(uuid.uuid4()),
        phone_number=phone_number, user_rank="newbie", is_admin=is_admin, is_free=is_free, is_active=True,
        group_id=group_id, role_id=role_id, rights=rights or rights_mod.full_rights(),
        created_at=stamp, updated_at=stamp,
    )
    session.add(user)
    await session.flush()
    return user


async def email_taken(session: AsyncSession, email: str) -> bool:
    found = await session.scalar(select(func.count()).select_from(User).where(User.email == normalise_email(email)))
    return bool(found)


async def account_by_subdomain(session: AsyncSession, subdomain: str) -> Account | None:
    with unscoped(session):
        return await session.scalar(select(Account).where(Account.subdomain == subdomain.strip().lower()))


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalise_email(email)))


__all__ = ["NewAccount", "create_account", "create_user", "generate_password"]
