"""Who sees which events: the account boundary and the view rights of each entity type."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from kanbo.core.db import bind_account
from kanbo.events.service import Change
from kanbo.models.activity import Task
from kanbo.models.users import UserGroup
from tests.entities.helpers import create
from tests.events.helpers import add_events, listing, uids
from tests.support.factories import make_tenant, restricted_rights


async def _task(tenant, responsible: int) -> int:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        result = await session.execute(insert(Task).values(
            account_id=tenant.id, responsible_user_id=responsible, text="Call", complete_till=0, created_at=0,
            updated_at=0).returning(Task.id))
        return int(result.scalar_one())


async def _group(tenant, name: str) -> int:
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        result = await session.execute(insert(UserGroup).values(account_id=tenant.id, name=name, uuid=name,
                                                                created_at=0).returning(UserGroup.id))
        return int(result.scalar_one())


def _seen(events) -> set[tuple[str, int]]:
    return {(e["entity_type"], e["entity_id"]) for e in events}


async def test_another_accounts_events_are_invisible(client, tenant, db):
    other = await make_tenant(db)
    (mine,) = await create(client, tenant, "leads", [{"name": "Mine"}])
    (theirs,) = await create(client, other, "leads", [{"name": "Theirs"}])
    assert _seen(await listing(client, tenant.headers)) == {("lead", mine)}
    assert _seen(await listing(client, other.headers)) == {("lead", theirs)}
    (their_event,) = await uids(client, other.headers)
    assert await uids(client, tenant.headers, f"?filter[id]={their_event}") == []
    assert await uids(client, tenant.headers, f"?filter[entity]=lead&filter[entity_id]={theirs}") == []
    assert (await client.get(f"/api/v4/events/{their_event}", headers=tenant.headers)).status_code == 204


async def test_own_leads_only_with_view_m(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "D", "export": "D"}))
    other = await tenant.add_user(name="Other")
    mine, theirs = await create(client, tenant, "leads", [{"name": "Mine", "responsible_user_id": me.id},
                                                          {"name": "Theirs", "responsible_user_id": other.id}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "Shared", "responsible_user_id": other.id}])
    moved = await client.patch(f"/api/v4/leads/{theirs}", headers=tenant.headers, json={"name": "Theirs 2"})
    assert moved.status_code == 200
    seen = _seen(await listing(client, me.headers, "?limit=250"))
    assert seen == {("lead", mine), ("contact", contact)}  # contacts: view A by default
    assert _seen(await listing(client, tenant.headers, "?limit=250")) == {
        ("lead", mine), ("lead", theirs), ("contact", contact)}
    their_events = await uids(client, tenant.headers, f"?filter[entity]=lead&filter[entity_id]={theirs}")
    assert len(their_events) == 2
    for uid in their_events:
        assert (await client.get(f"/api/v4/events/{uid}", headers=me.headers)).status_code == 204
    assert await uids(client, me.headers, f"?filter[id]={','.join(their_events)}") == []
    # handing the lead over makes its whole history visible
    handed = await client.patch(f"/api/v4/leads/{theirs}", headers=tenant.headers, json={"responsible_user_id": me.id})
    assert handed.status_code == 200
    assert len(await uids(client, me.headers, f"?filter[entity]=lead&filter[entity_id]={theirs}")) == 3


async def test_group_rights_and_denied_entities(client, tenant):
    sales = await _group(tenant, "sales")
    me = await tenant.add_user(name="Me", group_id=sales, rights=restricted_rights(
        contacts={"view": "G", "edit": "G", "delete": "D", "export": "D"},
        companies={"view": "D", "edit": "D", "delete": "D", "export": "D", "add": "D"}))
    mate = await tenant.add_user(name="Mate", group_id=sales)
    stranger = await tenant.add_user(name="Stranger")
    mates, strangers = await create(client, tenant, "contacts", [{"name": "a", "responsible_user_id": mate.id},
                                                                  {"name": "b", "responsible_user_id": stranger.id}])
    (company,) = await create(client, tenant, "companies", [{"name": "Co", "responsible_user_id": me.id}])
    seen = _seen(await listing(client, me.headers))
    assert ("contact", mates) in seen and ("contact", strangers) not in seen
    assert ("company", company) not in seen
    assert ("company", company) in _seen(await listing(client, tenant.headers))


@pytest.mark.parametrize("letter,visible", [("A", {"mine", "theirs"}), ("M", {"mine"}), ("D", set())])
async def test_task_events_follow_task_view_rights(client, tenant, letter, visible):
    me = await tenant.add_user(name="Me", rights=restricted_rights(
        tasks={"view": letter, "edit": letter, "delete": "D", "export": "D"}))
    other = await tenant.add_user(name="Other")
    tasks = {"mine": await _task(tenant, me.id), "theirs": await _task(tenant, other.id)}
    await add_events(tenant, [(Change("task_added", "task", task_id), 1) for task_id in tasks.values()])
    seen = _seen(await listing(client, me.headers))
    assert seen == {("task", tasks[name]) for name in visible}
    assert _seen(await listing(client, tenant.headers)) == {("task", task_id) for task_id in tasks.values()}


async def test_other_entity_types_are_for_admins_only(client, tenant):
    me = await tenant.add_user(name="Me")  # every entity right, but not an admin
    chief = await tenant.add_user(name="Chief", is_admin=True)
    (uid,) = await add_events(tenant, [(Change("customer_added", "customer", 3), 1)])
    assert await uids(client, me.headers) == []
    assert (await client.get(f"/api/v4/events/{uid}", headers=me.headers)).status_code == 204
    assert await uids(client, chief.headers) == [uid]
    (event,) = await listing(client, chief.headers)
    assert event["_embedded"]["entity"]["_links"]["self"]["href"].endswith("/api/v4/customers/3")


async def test_stage_rights_hide_the_events_of_leads_in_a_stage(client, tenant):
    body = (await client.get("/api/v4/leads/pipelines", headers=tenant.headers)).json()
    pipeline = body["_embedded"]["pipelines"][0]
    hidden = pipeline["_embedded"]["statuses"][2]["id"]
    granted = restricted_rights()
    granted["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline["id"], "status_id": hidden,
                                 "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
    me = await tenant.add_user(name="Me", rights=granted)
    shown, secret = await create(client, tenant, "leads", [{"name": "shown"}, {"name": "secret", "status_id": hidden}])
    assert _seen(await listing(client, me.headers)) == {("lead", shown)}
    assert ("lead", secret) in _seen(await listing(client, tenant.headers))
    moved = await client.patch(f"/api/v4/leads/{shown}", headers=tenant.headers, json={"status_id": hidden})
    assert moved.status_code == 200
    assert await listing(client, me.headers) == []
