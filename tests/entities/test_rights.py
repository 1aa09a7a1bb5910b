"""The rights matrix: own (M), group (G), all (A), none (D) for list, get, edit and delete."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from kanbo.core.db import bind_account
from kanbo.models.users import UserGroup
from tests.entities.helpers import create, get
from tests.support.factories import restricted_rights


async def _group(tenant, name):
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        result = await session.execute(insert(UserGroup).values(account_id=tenant.id, name=name, uuid=name,
                                                                created_at=0).returning(UserGroup.id))
        return result.scalar_one()


@pytest.mark.parametrize("entity", ["leads", "contacts", "companies"])
@pytest.mark.parametrize("letter,visible", [("A", {"mine", "mate", "stranger"}), ("G", {"mine", "mate"}),
                                            ("M", {"mine"}), ("D", set())])
async def test_view_rights_scope_lists_and_gets(client, tenant, entity, letter, visible):
    sales, other = await _group(tenant, "sales"), await _group(tenant, "other")
    me = await tenant.add_user(name="Me", group_id=sales, rights=restricted_rights(
        **{entity: {"view": letter, "edit": letter if letter != "A" else "A", "delete": "D", "export": "D"}}))
    mate = await tenant.add_user(name="Mate", group_id=sales)
    stranger = await tenant.add_user(name="Stranger", group_id=other)
    owners = {"mine": me.id, "mate": mate.id, "stranger": stranger.id}
    ids = dict(zip(owners, await create(client, tenant, entity, [
        {"name": name, "responsible_user_id": owner} for name, owner in owners.items()]), strict=True))
    listed = await client.get(f"/api/v4/{entity}", headers=me.headers)
    seen = set() if listed.status_code == 204 else {e["name"] for e in listed.json()["_embedded"][entity]}
    assert seen == visible
    for name, entity_id in ids.items():
        status = (await get(client, tenant, entity, entity_id, headers=me.headers)).status_code
        assert status == (200 if name in visible else 204)


@pytest.mark.parametrize("entity", ["leads", "contacts"])
async def test_edit_and_delete_rights_per_row(client, tenant, entity):
    me = await tenant.add_user(name="Me", rights=restricted_rights(
        **{entity: {"view": "A", "edit": "M", "delete": "M", "add": "A"}}))
    other = await tenant.add_user(name="Other")
    mine, theirs = await create(client, tenant, entity, [{"name": "m", "responsible_user_id": me.id},
                                                         {"name": "t", "responsible_user_id": other.id}])
    assert (await client.patch(f"/api/v4/{entity}/{mine}", headers=me.headers, json={"name": "m2"})).status_code == 200
    refused = await client.patch(f"/api/v4/{entity}/{theirs}", headers=me.headers, json={"name": "t2"})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.delete(f"/api/v4/{entity}/{theirs}", headers=me.headers)).status_code == 403
    assert (await client.delete(f"/api/v4/{entity}/{mine}", headers=me.headers)).status_code == 204
    assert (await get(client, tenant, entity, theirs)).json()["name"] == "t"


async def test_add_right(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(leads={"add": "D"}))
    assert (await client.post("/api/v4/leads", headers=me.headers, json=[{"name": "x"}])).status_code == 403
    assert (await client.post("/api/v4/contacts", headers=me.headers, json=[{"name": "x"}])).status_code == 200


async def test_stage_rights_hide_leads_in_a_stage(client, tenant):
    body = (await client.get("/api/v4/leads/pipelines", headers=tenant.headers)).json()
    pipeline = body["_embedded"]["pipelines"][0]
    hidden = pipeline["_embedded"]["statuses"][2]["id"]
    rights = restricted_rights()
    rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline["id"], "status_id": hidden,
                                "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
    me = await tenant.add_user(name="Me", rights=rights)
    shown, secret = await create(client, tenant, "leads", [{"name": "shown"}, {"name": "secret", "status_id": hidden}])
    listed = (await client.get("/api/v4/leads", headers=me.headers)).json()
    assert [lead["id"] for lead in listed["_embedded"]["leads"]] == [shown]
    assert (await get(client, tenant, "leads", secret, headers=me.headers)).status_code == 204
    moved = await client.patch(f"/api/v4/leads/{shown}", headers=me.headers, json={"status_id": hidden})
    assert moved.status_code == 403
