"""Fields made through the API, contacts made directly in the database, values written through the library."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import bind_account
from kanbo.core.errors import Errors
from kanbo.core.time import now
from kanbo.custom_fields.values import FieldCatalog, load_catalog, reindex, write_values
from kanbo.models.accounts import Account
from kanbo.models.entities import Company, Contact
from tests.support.factories import Tenant

BASE = "http://127.0.0.1:8000"
CONTACT_FIELDS = "/api/v4/contacts/custom_fields"


def errors_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 400, response.text
    return [error for item in response.json()["validation-errors"] for error in item["errors"]]


def paths_of(errors: Errors) -> dict[str, str]:
    """``{path: code}`` of the collected errors."""
    return {e.path: e.code for item in errors._items.values() for e in item.errors}


async def add_fields(client: httpx.AsyncClient, tenant: Tenant, body: list[dict[str, Any]],
                     entity: str = "contacts") -> list[dict[str, Any]]:
    response = await client.post(f"/api/v4/{entity}/custom_fields", json=body, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["_embedded"]["custom_fields"])


async def add_field(client: httpx.AsyncClient, tenant: Tenant, entity: str = "contacts",
                    **body: Any) -> dict[str, Any]:
    return (await add_fields(client, tenant, [body], entity))[0]


@asynccontextmanager
async def account_session(tenant: Tenant) -> AsyncIterator[AsyncSession]:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        yield session


async def set_country(tenant: Tenant, country: str) -> None:
    async with tenant.db.transaction() as session:
        await session.execute(update(Account).where(Account.id == tenant.id).values(country=country))


async def new_entity(session: AsyncSession, tenant: Tenant, stored: list[dict[str, Any]] | None = None,
                     entity: str = "contacts", name: str = "Someone") -> int:
    model = Contact if entity == "contacts" else Company
    stamp = now()
    row = model(name=name, responsible_user_id=tenant.admin.id, created_at=stamp, updated_at=stamp,
                custom_fields=stored or [])
    session.add(row)
    await session.flush()
    return row.id


async def save(session: AsyncSession, catalog: FieldCatalog, tenant: Tenant, raw: Any,
               entity_id: int | None = None) -> int:
    """Write ``raw`` into a new (or the given) contact and index it; fails on validation errors."""
    model = Contact if catalog.entity_type == "contacts" else Company
    stored: list[dict[str, Any]] = []
    if entity_id is not None:
        stored = (await session.scalar(select(model.custom_fields).where(model.id == entity_id))) or []
    errors = Errors()
    result = write_values(catalog, stored, raw, errors, "0")
    assert not errors, paths_of(errors)
    if entity_id is None:
        entity_id = await new_entity(session, tenant, result.stored, catalog.entity_type)
    else:
        await session.execute(update(model).where(model.id == entity_id).values(custom_fields=result.stored))
    await reindex(session, catalog, {entity_id: result.stored})
    return entity_id


async def stored_values(session: AsyncSession, entity_id: int, model: type[Contact] | type[Company] = Contact
                        ) -> list[dict[str, Any]]:
    return list((await session.scalar(select(model.custom_fields).where(model.id == entity_id))) or [])


async def catalog_of(tenant: Tenant, entity: str = "contacts") -> FieldCatalog:
    async with account_session(tenant) as session:
        return await load_catalog(session, entity)
