"""Groups and roles made directly in the database, and a counter of SQL statements."""

from __future__ import annotations

import uuid
from typing import Any

from kanbo.accounts import rights as rights_mod
from kanbo.core.db import bind_account
from kanbo.core.time import now
from kanbo.models.users import Role, UserGroup
from tests.support.factories import Tenant
from tests.support.sql import count_statements  # noqa: F401 (re-exported)

BASE = "http://127.0.0.1:8000"


async def make_group(tenant: Tenant, name: str = "Sales") -> int:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        group = UserGroup(name=name, uuid=str(uuid.uuid4()), created_at=now())
        session.add(group)
        await session.flush()
        return group.id


async def make_role(tenant: Tenant, name: str = "Role", rights: dict[str, Any] | None = None) -> int:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        stamp = now()
        role = Role(name=name, rights=rights or rights_mod.full_rights(), created_at=stamp, updated_at=stamp)
        session.add(role)
        await session.flush()
        return role.id


def relative(href: str) -> str:
    assert href.startswith(BASE + "/"), href
    return href[len(BASE):]

