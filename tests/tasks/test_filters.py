"""``GET /api/v4/tasks``: every filter, order, paging and 204."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from kanbo.core.db import bind_account
from kanbo.models.activity import Task
from tests.entities.helpers import create
from tests.tasks.helpers import DEADLINE, add_tasks, lead, listed, listed_ids


@pytest.fixture
async def world(client, tenant):
    """Five tasks: two on a lead, one on a contact, one completed, one of another user and type."""
    other = await tenant.add_user(name="Other")
    lead_id = await lead(client, tenant)
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "C"}])
    ids = await add_tasks(client, tenant, [
        {"text": "a", "complete_till": DEADLINE + 30, "entity_type": "leads", "entity_id": lead_id},
        {"text": "b", "complete_till": DEADLINE + 10, "entity_type": "leads", "entity_id": lead_id},
        {"text": "c", "complete_till": DEADLINE + 40, "entity_type": "contacts", "entity_id": contact_id},
        {"text": "d", "complete_till": DEADLINE + 20, "is_completed": True},
        {"text": "e", "complete_till": DEADLINE + 50, "responsible_user_id": other.id, "task_type_id": 2},
    ])
    async with tenant.db.transaction() as session:  # distinct creation and change times
        bind_account(session, tenant.id)
        for index, task_id in enumerate(ids):
            await session.execute(update(Task).where(Task.id == task_id)
                                  .values(created_at=1000 + index, updated_at=2000 + 100 * index))
    return {"ids": dict(zip("abcde", ids, strict=True)), "lead": lead_id, "contact": contact_id,
            "other": other}


def names(world, ids):
    by_id = {v: k for k, v in world["ids"].items()}
    return "".join(sorted(by_id[i] for i in ids))


@pytest.mark.parametrize("query,expected", [
    ("", "abcde"),
    ("?filter[is_completed]=1", "d"),
    ("?filter[is_completed]=0", "abce"),
    ("?filter[is_completed]=true", "d"),
    ("?filter[is_completed]=false", "abce"),
    ("?filter[task_type]=2", "e"),
    ("?filter[task_type][]=1&filter[task_type][]=2", "abcde"),
    ("?filter[task_type_id]=2", "e"),
    ("?filter[entity_type]=leads", "ab"),
    ("?filter[entity_type]=contacts", "c"),
    ("?filter[entity_type]=customers", ""),
    ("?filter[updated_at]=2200", "cde"),
    ("?filter[updated_at][from]=2100&filter[updated_at][to]=2300", "bcd"),
])
async def test_filters(client, tenant, world, query, expected):
    assert names(world, await listed_ids(client, tenant, query)) == expected


async def test_id_responsible_created_by_and_entity_id_filters(client, tenant, world):
    ids = world["ids"]
    assert names(world, await listed_ids(client, tenant, f"?filter[id][]={ids['a']}&filter[id][]={ids['c']}")) \
        == "ac"
    assert names(world, await listed_ids(client, tenant, f"?filter[id]={ids['b']}")) == "b"
    other = world["other"].id
    assert names(world, await listed_ids(client, tenant, f"?filter[responsible_user_id]={other}")) == "e"
    assert names(world, await listed_ids(client, tenant, f"?filter[responsible_user_id][0]={tenant.admin.id}")) \
        == "abcd"
    assert names(world, await listed_ids(client, tenant, f"?filter[created_by]={tenant.admin.id}")) == "abcde"
    assert await listed_ids(client, tenant, f"?filter[created_by][]={other}") == []
    query = f"?filter[entity_type]=leads&filter[entity_id][]={world['lead']}"
    assert names(world, await listed_ids(client, tenant, query)) == "ab"
    query = f"?filter[entity_type]=contacts&filter[entity_id]={world['lead']}"
    assert await listed_ids(client, tenant, query) == []


async def test_entity_id_needs_entity_type(client, tenant, world):
    response = await client.get(f"/api/v4/tasks?filter[entity_id]={world['lead']}", headers=tenant.headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("query", ["?filter[is_completed]=maybe", "?filter[entity_type]=planets",
                                   "?order[text]=asc", "?filter[id]=abc"])
async def test_bad_filters_are_400(client, tenant, world, query):
    assert (await client.get(f"/api/v4/tasks{query}", headers=tenant.headers)).status_code == 400


@pytest.mark.parametrize("query,expected", [
    ("?order[complete_till]=asc", "bdace"),
    ("?order[complete_till]=desc", "ecadb"),
    ("?order[created_at]=desc", "edcba"),
    ("?order[id]=desc", "edcba"),
    ("?order[id]=asc", "abcde"),
])
async def test_order(client, tenant, world, query, expected):
    by_id = {v: k for k, v in world["ids"].items()}
    assert "".join(by_id[i] for i in await listed_ids(client, tenant, query)) == expected


async def test_pages_and_204_past_the_end(client, tenant, world):
    response = await client.get("/api/v4/tasks?limit=2&filter[is_completed]=0", headers=tenant.headers)
    body = response.json()
    assert body["_page"] == 1 and len(body["_embedded"]["tasks"]) == 2
    next_href = body["_links"]["next"]["href"]
    assert "filter[is_completed]=0" in next_href and "page=2" in next_href and "limit=2" in next_href
    second = (await client.get(next_href.removeprefix("http://127.0.0.1:8000"), headers=tenant.headers)).json()
    assert len(second["_embedded"]["tasks"]) == 2 and "next" not in second["_links"]
    past = await client.get("/api/v4/tasks?limit=2&page=3&filter[is_completed]=0", headers=tenant.headers)
    assert past.status_code == 204 and past.content == b""
    assert (await client.get("/api/v4/tasks?limit=251", headers=tenant.headers)).status_code == 422


async def test_if_modified_since(client, tenant, world):
    header = {"If-Modified-Since": "Thu, 01 Jan 1970 00:36:40 GMT", **tenant.headers}  # 2200
    items = await listed(client, tenant, headers=header)
    assert names(world, [t["id"] for t in items]) == "cde"
