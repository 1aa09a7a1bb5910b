"""Rights on tasks: view scope (own, group, all, none), add, edit and delete per row."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from kanbo.core.db import bind_account
from kanbo.models.users import UserGroup
from tests.support.factories import restricted_rights
from tests.tasks.helpers import DEADLINE, add_task, add_tasks, get_task, lead, listed


async def _group(tenant, name):
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        result = await session.execute(insert(UserGroup).values(account_id=tenant.id, name=name, uuid=name,
                                                                created_at=0).returning(UserGroup.id))
        return result.scalar_one()


@pytest.mark.parametrize("letter,visible", [("A", {"mine", "mate", "stranger"}), ("G", {"mine", "mate"}),
                                            ("M", {"mine"}), ("D", set())])
async def test_view_scope_for_lists_and_gets(client, tenant, letter, visible):
    sales, other = await _group(tenant, "sales"), await _group(tenant, "other")
    me = await tenant.add_user(name="Me", group_id=sales, rights=restricted_rights(
        tasks={"view": letter, "edit": letter, "delete": "D", "export": "D"}))
    mate = await tenant.add_user(name="Mate", group_id=sales)
    stranger = await tenant.add_user(name="Stranger", group_id=other)
    owners = {"mine": me.id, "mate": mate.id, "stranger": stranger.id}
    ids = dict(zip(owners, await add_tasks(client, tenant, [
        {"text": name, "complete_till": DEADLINE, "responsible_user_id": owner} for name, owner in owners.items()]),
        strict=True))
    assert {t["text"] for t in await listed(client, tenant, headers=me.headers)} == visible
    for name, task_id in ids.items():
        response = await get_task(client, tenant, task_id, headers=me.headers)
        assert response.status_code == (200 if name in visible else 204)
    if "mine" in visible:
        assert (await get_task(client, tenant, ids["mine"], headers=me.headers)).json()["group_id"] == sales


async def test_edit_and_delete_of_anothers_task_with_own_rights(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(
        tasks={"view": "A", "edit": "M", "delete": "M", "add": "A"}))
    other = await tenant.add_user(name="Other")
    mine = await add_task(client, tenant, responsible_user_id=me.id)
    theirs = await add_task(client, tenant, responsible_user_id=other.id)
    ok = await client.patch(f"/api/v4/tasks/{mine}", headers=me.headers, json={"is_completed": True})
    assert ok.status_code == 200, ok.text
    refused = await client.patch(f"/api/v4/tasks/{theirs}", headers=me.headers, json={"is_completed": True})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    batch = await client.patch("/api/v4/tasks", headers=me.headers,
                               json=[{"id": mine, "text": "x"}, {"id": theirs, "text": "y"}])
    assert batch.status_code == 403
    assert (await client.delete(f"/api/v4/tasks/{theirs}", headers=me.headers)).status_code == 403
    assert (await client.delete(f"/api/v4/tasks/{mine}", headers=me.headers)).status_code == 204
    body = (await get_task(client, tenant, theirs)).json()
    assert body["is_completed"] is False and body["text"] == "Call back"


async def test_add_right(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(tasks={"add": "D"}))
    response = await client.post("/api/v4/tasks", headers=me.headers, json=[{"text": "x", "complete_till": DEADLINE}])
    assert response.status_code == 403


async def test_user_adds_for_self_by_default(client, tenant):
    me = await tenant.add_user(name="Me")
    task_id = await add_task(client, tenant, headers=me.headers)
    body = (await get_task(client, tenant, task_id)).json()
    assert body["responsible_user_id"] == me.id and body["created_by"] == me.id


async def test_cannot_attach_to_an_entity_one_cannot_view(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(leads={"view": "M", "edit": "M", "delete": "M"}))
    other = await tenant.add_user(name="Other")
    hidden = await lead(client, tenant, responsible_user_id=other.id)
    mine = await lead(client, tenant, responsible_user_id=me.id)
    response = await client.post("/api/v4/tasks", headers=me.headers, json=[
        {"text": "a", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": mine},
        {"text": "b", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": hidden}])
    assert response.status_code == 400
    (failed,) = response.json()["validation-errors"]
    assert failed["request_id"] == "1" and failed["errors"][0]["path"] == "entity_id"
