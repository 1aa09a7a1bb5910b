"""``closest_task_at`` of leads, contacts and companies follows their open, non-deleted tasks."""

from __future__ import annotations

from tests.entities.helpers import create
from tests.tasks.helpers import DEADLINE, add_tasks, entity, lead


async def closest(client, tenant, lead_id):
    return (await entity(client, tenant, "leads", lead_id))["closest_task_at"]


async def test_closest_task_follows_completion_deletion_and_restore(client, tenant):
    lead_id = await lead(client, tenant)
    assert await closest(client, tenant, lead_id) is None
    early, late = await add_tasks(client, tenant, [
        {"text": "early", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": lead_id},
        {"text": "late", "complete_till": DEADLINE + 3600, "entity_type": "leads", "entity_id": lead_id},
    ])
    assert await closest(client, tenant, lead_id) == DEADLINE
    await client.patch(f"/api/v4/tasks/{early}", headers=tenant.headers, json={"is_completed": True})
    assert await closest(client, tenant, lead_id) == DEADLINE + 3600
    assert (await client.delete(f"/api/v4/tasks/{late}", headers=tenant.headers)).status_code == 204
    assert await closest(client, tenant, lead_id) is None
    await client.post(f"/api/v4/tasks/{late}/restore", headers=tenant.headers)
    assert await closest(client, tenant, lead_id) == DEADLINE + 3600
    await client.patch(f"/api/v4/tasks/{early}", headers=tenant.headers, json={"is_completed": False})
    assert await closest(client, tenant, lead_id) == DEADLINE
    await client.patch(f"/api/v4/tasks/{early}", headers=tenant.headers, json={"complete_till": DEADLINE + 7200})
    assert await closest(client, tenant, lead_id) == DEADLINE + 3600


async def test_moving_a_task_updates_both_entities(client, tenant):
    first, second = await lead(client, tenant, "one"), await lead(client, tenant, "two")
    (contact,) = await create(client, tenant, "contacts", [{"name": "C"}])
    (task_id,) = await add_tasks(client, tenant, [
        {"text": "t", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": first}])
    await client.patch("/api/v4/tasks", headers=tenant.headers, json=[{"id": task_id, "entity_id": second}])
    assert await closest(client, tenant, first) is None
    assert await closest(client, tenant, second) == DEADLINE
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                       json={"entity_type": "contacts", "entity_id": contact})
    assert await closest(client, tenant, second) is None
    assert (await entity(client, tenant, "contacts", contact))["closest_task_at"] == DEADLINE


async def test_batch_over_many_entities(client, tenant):
    (company,) = await create(client, tenant, "companies", [{"name": "Co"}])
    leads = await create(client, tenant, "leads", [{"name": f"L{i}"} for i in range(5)])
    items = [{"text": f"t{i}", "complete_till": DEADLINE + i, "entity_type": "leads", "entity_id": lead_id}
             for i, lead_id in enumerate(leads)]
    items.append({"text": "co", "complete_till": DEADLINE + 99, "entity_type": "companies", "entity_id": company})
    await add_tasks(client, tenant, items)
    for i, lead_id in enumerate(leads):
        assert await closest(client, tenant, lead_id) == DEADLINE + i
    assert (await entity(client, tenant, "companies", company))["closest_task_at"] == DEADLINE + 99


async def _filtered(client, tenant, entity, query):
    response = await client.get(f"/api/v4/{entity}?{query}", headers=tenant.headers)
    assert response.status_code in (200, 204), response.text
    return [row["id"] for row in response.json()["_embedded"][entity]] if response.status_code == 200 else []


async def test_closest_task_is_filterable_and_follows_the_tasks(client, tenant):
    soon, later, idle = await create(client, tenant, "leads", [{"name": "soon"}, {"name": "later"}, {"name": "idle"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "C"}])
    first, _, done = await add_tasks(client, tenant, [
        {"text": "a", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": soon},
        {"text": "b", "complete_till": DEADLINE + 500, "entity_type": "leads", "entity_id": later},
        {"text": "done", "complete_till": DEADLINE - 500, "entity_type": "leads", "entity_id": idle,
         "is_completed": True}])  # a task added completed is no closest task
    window = f"filter[closest_task_at][from]={DEADLINE}&filter[closest_task_at][to]={DEADLINE + 100}"
    assert await _filtered(client, tenant, "leads", window) == [soon]
    assert await _filtered(client, tenant, "leads", f"filter[closest_task_at][from]={DEADLINE}") == [soon, later]
    assert await _filtered(client, tenant, "leads", f"filter[closest_task_at][to]={DEADLINE}") == [soon]
    # Moved to the contact: the lead leaves the window, the contact enters it.
    await client.patch(f"/api/v4/tasks/{first}", headers=tenant.headers,
                       json={"entity_type": "contacts", "entity_id": contact})
    assert await _filtered(client, tenant, "leads", window) == []
    assert await _filtered(client, tenant, "contacts", window) == [contact]
    # Reopening the completed task gives its lead a closest task.
    await client.patch("/api/v4/tasks", headers=tenant.headers, json=[{"id": done, "is_completed": False}])
    assert await _filtered(client, tenant, "leads", f"filter[closest_task_at][to]={DEADLINE}") == [idle]
    assert (await client.delete(f"/api/v4/tasks/{first}", headers=tenant.headers)).status_code == 204
    assert await _filtered(client, tenant, "contacts", window) == []
