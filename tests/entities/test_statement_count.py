"""A list request runs a fixed number of SQL statements whatever the page size and ``with=``."""

from __future__ import annotations

import pytest

from tests.entities.helpers import create, phone
from tests.support.sql import count_statements


async def _fill(client, tenant, entity, count):
    (company,) = await create(client, tenant, "companies", [{"name": "Co"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "C"}])
    items = []
    for i in range(count):
        item = {"name": f"E{i}", "custom_fields_values": [phone(f"+1555{i:07d}")] if entity != "leads" else [],
                "_embedded": {"tags": [{"name": f"t{i % 3}"}]}}
        if entity == "leads":
            item["_embedded"]["contacts"] = [{"id": contact}]
            item["_embedded"]["companies"] = [{"id": company}]
        items.append(item)
    for start in range(0, count, 250):
        await create(client, tenant, entity, items[start:start + 250])


@pytest.mark.parametrize("entity,with_", [
    ("leads", "contacts,loss_reason,catalog_elements,source_id"),
    ("contacts", "leads,customers"),
    ("companies", "contacts,leads"),
])
async def test_list_statements_do_not_grow_with_the_page(client, db, entity, with_):
    from tests.support.factories import make_tenant

    counts = []
    extra = 0 if entity == "leads" else 1  # the company and contact every lead links to
    for rows in (1, 250):
        size = max(1, rows - extra)
        tenant = await make_tenant(db)
        await _fill(client, tenant, entity, size)
        with count_statements(db) as statements:
            response = await client.get(f"/api/v4/{entity}?limit=250&with={with_}", headers=tenant.headers)
        assert response.status_code == 200
        assert len(response.json()["_embedded"][entity]) == size + extra
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert not any("count(" in s.lower() for s in statements)
