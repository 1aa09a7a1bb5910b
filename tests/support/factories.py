"""Accounts, users and tokens made directly through the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from kanbo.accounts import rights as rights_mod
from kanbo.accounts.service import create_account, create_user
from kanbo.auth.service import create_long_lived_token
from kanbo.core.db import Database, bind_account
from kanbo.models.accounts import Account
from kanbo.models.users import User


@dataclass
class Member:
    user: User
    token: str
    password: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Tenant:
    db: Database
    account: Account
    admin: Member
    members: dict[str, Member] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return self.admin.headers

    @property
    def id(self) -> int:
        return self.account.id

    async def add_user(self, *, name: str = "User", rights: dict[str, Any] | None = None,
                       is_admin: bool = False, group_id: int | None = None, role_id: int | None = None,
                       email: str | None = None) -> Member:
        password = "password-" + uuid.uuid4().hex[:8]
        async with self.db.transaction() as session:
            bind_account(session, self.account.id)
            user = await create_user(session, email=email or f"{uuid.uuid4().hex[:8]}@example.com", name=name,
                                     password=password, is_admin=is_admin, rights=rights, group_id=group_id,
                                     role_id=role_id)
            token, _ = await create_long_lived_token(session, user=user, integration=None, days=30,
                                                     api_domain="127.0.0.1:8000")
        member = Member(user, token, password)
        self.members[user.email] = member
        return member


def restricted_rights(**letters: dict[str, str]) -> dict[str, Any]:
    rights = rights_mod.full_rights()
    for entity, actions in letters.items():
        rights[entity].update(actions)
    return rights


async def make_tenant(db: Database, *, language: str = "en", subdomain: str | None = None) -> Tenant:
    subdomain = subdomain or f"t{uuid.uuid4().hex[:12]}"
    password = "admin-" + uuid.uuid4().hex[:8]
    async with db.transaction() as session:
        created = await create_account(session, subdomain=subdomain, name=f"Account {subdomain}",
                                       admin_email=f"admin@{subdomain}.test", admin_password=password,
                                       admin_name="Admin", language=language)
        token, _ = await create_long_lived_token(session, user=created.admin, integration=None, days=30,
                                                 api_domain="127.0.0.1:8000")
    return Tenant(db=db, account=created.account, admin=Member(created.admin, token, password))
