"""Contacts to tag, a principal for direct library calls and a counter of SQL statements (BEGIN not included)."""

from __future__ import annotations

from typing import Any

from kanbo.core.db import bind_account
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.entities import Contact
from kanbo.tags.service import TagOps, apply_tag_ops
from tests.support.factories import Tenant
from tests.support.sql import count_statements  # noqa: F401 (re-exported)


def principal(tenant: Tenant) -> Principal:
    return Principal(account_id=tenant.id, user_id=tenant.admin.id, is_admin=True, group_id=None)


async def make_contacts(tenant: Tenant, n: int = 2) -> list[int]:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        stamp = now()
        contacts = [Contact(name=f"Contact {i}", responsible_user_id=tenant.admin.id, created_at=stamp,
                            updated_at=stamp) for i in range(n)]
        session.add_all(contacts)
        await session.flush()
        return [c.id for c in contacts]


async def tag_contacts(tenant: Tenant, ops: dict[int, TagOps]) -> list[Any]:
    """Apply tag changes in their own transaction; fail the test on validation errors."""
    from kanbo.core.errors import Errors

    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        errors = Errors()
        changes = await apply_tag_ops(session, principal(tenant), "contacts", ops, errors, {})
        errors.raise_if_any()
        return changes

