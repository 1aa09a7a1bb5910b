"""Completing a task with a result writes a ``task_result`` note on the entity it is attached to."""

from __future__ import annotations

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.models.activity import Note
from tests.entities.helpers import create
from tests.tasks.helpers import DEADLINE, add_task, add_tasks, lead, task, task_events


async def notes_of(db, tenant, entity_type, entity_id):
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        rows = await session.scalars(select(Note).where(Note.entity_type == entity_type, Note.entity_id == entity_id)
                                     .order_by(Note.id))
        return list(rows)


async def test_completing_with_result_makes_a_note(client, tenant, db):
    lead_id = await lead(client, tenant)
    task_id = await add_task(client, tenant, entity_type="leads", entity_id=lead_id)
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[
        {"id": task_id, "is_completed": True, "result": {"text": "Client agreed"}}])
    assert response.status_code == 200, response.text
    body = await task(client, tenant, task_id)
    assert body["is_completed"] is True and body["result"] == {"text": "Client agreed"}
    (note,) = await notes_of(db, tenant, "leads", lead_id)
    assert note.note_type == "task_result"
    assert note.params == {"text": "Client agreed", "task_id": task_id}
    assert note.created_by == tenant.admin.id
    listed = await client.get(f"/api/v4/leads/{lead_id}/notes", headers=tenant.headers)
    assert listed.status_code == 200, listed.text
    assert [n["id"] for n in listed.json()["_embedded"]["notes"]] == [note.id]
    events = {e.type: e for e in await task_events(db, tenant, task_id)}
    assert events["task_result_added"].value_after == [{"note": {"id": note.id}}]
    assert "task_completed" in events


async def test_reopen_keeps_result_and_echo_makes_no_second_note(client, tenant, db):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C"}])
    task_id = await add_task(client, tenant, entity_type="contacts", entity_id=contact)
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                       json={"is_completed": True, "result": {"text": "Done"}})
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                                  json={"is_completed": False, "result": {"text": "Done"}})
    assert response.status_code == 200, response.text
    body = await task(client, tenant, task_id)
    assert body["is_completed"] is False and body["result"] == {"text": "Done"}
    assert len(await notes_of(db, tenant, "contacts", contact)) == 1
    refused = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                                 json={"result": {"text": "Another"}})
    assert refused.status_code == 400
    assert refused.json()["validation-errors"][0]["errors"][0]["path"] == "result"


async def test_created_completed_with_result_in_a_batch(client, tenant, db):
    first, second = await lead(client, tenant, "one"), await lead(client, tenant, "two")
    await add_tasks(client, tenant, [
        {"text": "a", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": first,
         "is_completed": True, "result": {"text": "r1"}},
        {"text": "b", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": second,
         "is_completed": True, "result": {"text": "r2"}},
    ])
    assert [n.params["text"] for n in await notes_of(db, tenant, "leads", first)] == ["r1"]
    assert [n.params["text"] for n in await notes_of(db, tenant, "leads", second)] == ["r2"]


async def test_blank_result_makes_no_note(client, tenant, db):
    lead_id = await lead(client, tenant)
    task_id = await add_task(client, tenant, entity_type="leads", entity_id=lead_id)
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                       json={"is_completed": True, "result": {"text": "  "}})
    assert (await task(client, tenant, task_id))["result"] == []
    assert await notes_of(db, tenant, "leads", lead_id) == []
