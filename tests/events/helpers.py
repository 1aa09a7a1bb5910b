"""Helpers for event log tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from kanbo.core.db import bind_account
from kanbo.core.principal import Principal
from kanbo.events.service import Change, record
from kanbo.models.events import Event


async def listing(client: Any, headers: Any, query: str = "") -> list[dict[str, Any]]:
    """Every event the query returns on its page ([] for 204)."""
    response = await client.get(f"/api/v4/events{query}", headers=headers)
    if response.status_code == 204:
        assert response.content == b""
        return []
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    events: list[dict[str, Any]] = response.json()["_embedded"]["events"]
    return events


async def uids(client: Any, headers: Any, query: str = "") -> list[str]:
    return [event["id"] for event in await listing(client, headers, query)]


async def add_events(tenant: Any, changes: list[tuple[Change, int]], user_id: int | None = None) -> list[str]:
    """Record events directly (``(change, created_at)``), as a service would; their uids in order."""
    principal = Principal(account_id=tenant.id, user_id=user_id or tenant.admin.id, is_admin=True, group_id=None)
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        rows = [record(session, principal, change, at=at) for change, at in changes]
        await session.flush()
        return [row.uid for row in rows]


async def set_created_at(tenant: Any, uid: str, stamp: int) -> None:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        await session.execute(update(Event).where(Event.uid == uid).values(created_at=stamp))
