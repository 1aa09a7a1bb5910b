"""Listing tasks runs the same number of SQL statements for 1 and 100 tasks; batch writes don't grow
with the number of entities whose ``closest_task_at`` they update."""

from __future__ import annotations

from tests.entities.helpers import create
from tests.support.factories import make_tenant
from tests.support.sql import count_statements
from tests.tasks.helpers import DEADLINE, add_tasks


async def test_list_statements_do_not_grow_with_the_page(client, db):
    counts = []
    for size in (1, 100):
        tenant = await make_tenant(db)
        other = await tenant.add_user(name="Other")
        leads = await create(client, tenant, "leads", [{"name": f"L{i}"} for i in range(size)])
        await add_tasks(client, tenant, [
            {"text": f"t{i}", "complete_till": DEADLINE + i, "entity_type": "leads", "entity_id": lead_id,
             "responsible_user_id": other.id if i % 2 else tenant.admin.id}
            for i, lead_id in enumerate(leads)])
        with count_statements(db) as statements:
            response = await client.get("/api/v4/tasks?limit=250", headers=tenant.headers)
        assert response.status_code == 200
        assert len(response.json()["_embedded"]["tasks"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert not any("count(" in s.lower() for s in statements)


async def test_closest_task_updates_do_not_grow_with_the_batch(client, db):
    counts = []
    for size in (1, 20):
        tenant = await make_tenant(db)
        leads = await create(client, tenant, "leads", [{"name": f"L{i}"} for i in range(size)])
        (contact,) = await create(client, tenant, "contacts", [{"name": "C"}])
        items = [{"text": f"t{i}", "complete_till": DEADLINE + i, "entity_type": "leads", "entity_id": lead_id}
                 for i, lead_id in enumerate(leads)]
        items.append({"text": "c", "complete_till": DEADLINE, "entity_type": "contacts", "entity_id": contact})
        with count_statements(db) as statements:
            await add_tasks(client, tenant, items)
        updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")
                   and "closest_task_at" in s]
        counts.append(len(updates))
    assert counts == [2, 2]
