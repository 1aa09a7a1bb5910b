"""Helpers for the payload tests: the tenant's recorded events, rendering them, parsing the form body."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import select

from kanbo.config import get_settings
from kanbo.core.db import bind_account
from kanbo.models.accounts import Account
from kanbo.models.events import Event
from kanbo.webhooks.payload import codes_for, render_json, render_kommo


async def events(tenant: Any, type_: str | None = None, entity_id: int | None = None) -> list[Event]:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        query = select(Event).order_by(Event.seq)
        if type_ is not None:
            query = query.where(Event.type == type_)
        if entity_id is not None:
            query = query.where(Event.entity_id == entity_id)
        return list(await session.scalars(query))


async def one_event(tenant: Any, type_: str, entity_id: int | None = None) -> Event:
    found = await events(tenant, type_, entity_id)
    assert len(found) == 1, [(e.type, e.entity_id) for e in found]
    return found[0]


async def body_of(tenant: Any, items: list[tuple[str, Event]]) -> str:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        account = await session.get(Account, tenant.id)
        assert account is not None
        return await render_kommo(session, account, items)


async def json_of(tenant: Any, items: list[tuple[str, Event]]) -> dict[str, Any]:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        account = await session.get(Account, tenant.id)
        assert account is not None
        return await render_json(session, account, items)


async def fields_of(tenant: Any, items: list[tuple[str, Event]]) -> dict[str, str]:
    """The decoded form fields of a body (no key twice)."""
    pairs = parse_qsl(await body_of(tenant, items), keep_blank_values=True, strict_parsing=True)
    result = dict(pairs)
    assert len(result) == len(pairs), "a key appears twice"
    return result


async def render_event(tenant: Any, type_: str, code: str, entity_id: int | None = None) -> dict[str, str]:
    """Render the one event of ``type_`` for ``code`` (which it must trigger)."""
    event = await one_event(tenant, type_, entity_id)
    assert code in codes_for(event), codes_for(event)
    return await fields_of(tenant, [(code, event)])


def under(fields: dict[str, str], prefix: str) -> dict[str, str]:
    """The fields starting with ``prefix`` with the prefix removed."""
    return {key[len(prefix):]: value for key, value in fields.items() if key.startswith(prefix)}


def account_fields(tenant: Any) -> dict[str, str]:
    return {"account[subdomain]": tenant.account.subdomain, "account[id]": str(tenant.id),
            "account[_links][self]": f"http://{get_settings().http.public_host or '127.0.0.1:8000'}"}


def assert_account(fields: dict[str, str], tenant: Any) -> None:
    assert under(fields, "account[") == {k[len("account["):]: v for k, v in account_fields(tenant).items()}
