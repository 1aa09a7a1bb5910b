"""Task events in the event log (spec §11.4), with ``value_before``/``value_after``."""

from __future__ import annotations

from tests.tasks.helpers import DEADLINE, add_task, task_events


async def test_add_change_complete_delete_restore(client, tenant, db):
    other = await tenant.add_user(name="Other")
    task_id = await add_task(client, tenant)
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={
        "text": "New text", "task_type_id": 2, "complete_till": DEADLINE + 60, "responsible_user_id": other.id})
    assert response.status_code == 200, response.text
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"is_completed": True})
    await client.delete(f"/api/v4/tasks/{task_id}", headers=tenant.headers)
    await client.post(f"/api/v4/tasks/{task_id}/restore", headers=tenant.headers)
    events = {e.type: e for e in await task_events(db, tenant, task_id)}
    assert list(events) == ["task_added", "task_type_changed", "task_text_changed", "task_deadline_changed",
                            "entity_responsible_changed", "task_completed", "task_deleted", "task_restored"]
    assert all(e.entity_type == "task" and e.created_by == tenant.admin.id for e in events.values())
    deadline = events["task_deadline_changed"]
    assert deadline.value_before == [{"task_deadline": {"timestamp": DEADLINE}}]
    assert deadline.value_after == [{"task_deadline": {"timestamp": DEADLINE + 60}}]
    responsible = events["entity_responsible_changed"]
    assert responsible.value_before == [{"responsible_user": {"id": tenant.admin.id}}]
    assert responsible.value_after == [{"responsible_user": {"id": other.id}}]
    assert events["task_type_changed"].value_after == [{"task_type": {"id": 2}}]
    assert events["task_text_changed"].value_before == [{"task_text": {"text": "Call back"}}]
    assert events["task_added"].value_before == [] and events["task_added"].value_after == []


async def test_unchanged_values_record_nothing(client, tenant, db):
    task_id = await add_task(client, tenant)
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                       json={"text": "Call back", "complete_till": DEADLINE, "task_type_id": 1})
    assert [e.type for e in await task_events(db, tenant, task_id)] == ["task_added"]


async def test_result_without_entity_is_recorded_without_note(client, tenant, db):
    task_id = await add_task(client, tenant)
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                                  json={"is_completed": True, "result": {"text": "Done"}})
    assert response.status_code == 200, response.text
    events = {e.type: e for e in await task_events(db, tenant, task_id)}
    assert events["task_result_added"].value_after == []
    assert "task_completed" in events
    body = (await client.get(f"/api/v4/tasks/{task_id}", headers=tenant.headers)).json()
    assert body["result"] == {"text": "Done"}
