"""The tags API over HTTP (spec §18)."""

from __future__ import annotations

import pytest

from kanbo.core.db import bind_account
from kanbo.tags.service import TAG_COLORS, TagOps, tags_for
from tests.tags.helpers import make_contacts, tag_contacts

BASE = "http://127.0.0.1:8000"


def errors_of(body: dict) -> dict[str, list[dict]]:
    return {item["request_id"]: item["errors"] for item in body["validation-errors"]}


async def add(client, tenant, entity: str, *items: dict, headers: dict | None = None) -> list[dict]:
    response = await client.post(f"/api/v4/{entity}/tags", json=list(items), headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["tags"]


async def listed(client, tenant, entity: str = "leads", query: str = "") -> list[dict]:
    response = await client.get(f"/api/v4/{entity}/tags{query}", headers=tenant.headers)
    if response.status_code == 204:
        assert response.content == b""
        return []
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["tags"]


def test_palette_is_kommos():
    assert len(TAG_COLORS) == 23 and len(set(TAG_COLORS)) == 23
    assert all(len(c) == 6 and c == c.upper() and int(c, 16) >= 0 for c in TAG_COLORS)
    assert {"EBEBEB", "247BA0", "FFCE5A", "832161"} <= set(TAG_COLORS)


@pytest.mark.parametrize("entity", ["leads", "contacts", "companies"])
async def test_add_tags_batch(client, tenant, entity):
    response = await client.post(f"/api/v4/{entity}/tags", headers=tenant.headers, json=[
        {"name": " VIP ", "color": "ffce5a", "request_id": "vip"},
        {"name": "Cold", "color": None},
        {"name": "Warm"},
    ])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    assert body["_total_items"] == 3
    assert body["_links"]["self"]["href"] == f"{BASE}/api/v4/{entity}/tags"
    vip, cold, warm = body["_embedded"]["tags"]
    assert set(vip) == {"id", "name", "color", "request_id"}
    assert (vip["name"], vip["color"], vip["request_id"]) == ("VIP", "FFCE5A", "vip")
    assert (cold["name"], cold["color"], cold["request_id"]) == ("Cold", None, "1")
    assert (warm["color"], warm["request_id"]) == (None, "2")
    assert len({vip["id"], cold["id"], warm["id"]}) == 3
    assert [t["name"] for t in await listed(client, tenant, entity)] == ["VIP", "Cold", "Warm"]


async def test_existing_name_returns_the_existing_tag(client, tenant):
    (first,) = await add(client, tenant, "leads", {"name": "VIP", "color": "FFCE5A"})
    again, twin, other = await add(client, tenant, "leads", {"name": "vip", "color": "EBEBEB", "request_id": "a"},
                                   {"name": "New", "request_id": "b"}, {"name": "NEW", "request_id": "c"})
    assert (again["id"], again["name"], again["color"], again["request_id"]) == (first["id"], "VIP", "FFCE5A", "a")
    assert twin["id"] == other["id"] and twin["name"] == other["name"] == "New"
    assert len(await listed(client, tenant)) == 2


async def test_same_name_in_each_entity_type(client, tenant):
    (lead_tag,) = await add(client, tenant, "leads", {"name": "Partner"})
    (contact_tag,) = await add(client, tenant, "contacts", {"name": "Partner"})
    assert lead_tag["id"] != contact_tag["id"]
    assert [t["id"] for t in await listed(client, tenant, "contacts")] == [contact_tag["id"]]
    assert await listed(client, tenant, "companies") == []


@pytest.mark.parametrize("color", ["#FFCE5A", "red", "FFFFFF", "", 123, ["FFCE5A"]])
async def test_colour_outside_the_palette_is_refused(client, tenant, color):
    response = await client.post("/api/v4/leads/tags", headers=tenant.headers,
                                 json=[{"name": "Fine"}, {"name": "Bad", "color": color, "request_id": "x"}])
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = errors_of(response.json())
    assert list(errors) == ["x"] and [e["path"] for e in errors["x"]] == ["color"]
    assert await listed(client, tenant) == []  # the batch is atomic


async def test_names_are_validated(client, tenant):
    response = await client.post("/api/v4/leads/tags", headers=tenant.headers,
                                 json=[{"name": "  "}, {"color": "EBEBEB"}, {"name": "x" * 256}, {"name": "y" * 255}])
    assert response.status_code == 400, response.text
    errors = errors_of(response.json())
    assert sorted(errors) == ["0", "1", "2"]
    assert {e["path"] for errs in errors.values() for e in errs} == {"name"}
    assert [e["code"] for e in errors["2"]] == ["TooLong"]


async def test_empty_list_is_204(client, tenant):
    response = await client.get("/api/v4/companies/tags", headers=tenant.headers)
    assert response.status_code == 204 and response.content == b""


async def test_list_pagination(client, tenant):
    made = await add(client, tenant, "leads", *({"name": f"Tag {i}"} for i in range(3)))
    response = await client.get("/api/v4/leads/tags?limit=2&query=tag", headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["_page"] == 1 and "status" not in body and "_total_items" not in body
    assert [t["id"] for t in body["_embedded"]["tags"]] == [made[0]["id"], made[1]["id"]]
    assert all(set(t) == {"id", "name", "color"} for t in body["_embedded"]["tags"])
    assert body["_links"]["self"]["href"] == f"{BASE}/api/v4/leads/tags?limit=2&query=tag"
    next_href = body["_links"]["next"]["href"]
    assert next_href.startswith(f"{BASE}/api/v4/leads/tags?") and "limit=2" in next_href and "query=tag" in next_href
    second = await client.get(next_href[len(BASE):], headers=tenant.headers)
    assert second.json()["_page"] == 2 and [t["id"] for t in second.json()["_embedded"]["tags"]] == [made[2]["id"]]
    assert "next" not in second.json()["_links"]
    past = await client.get("/api/v4/leads/tags?limit=2&page=3", headers=tenant.headers)
    assert past.status_code == 204 and past.content == b""


async def test_list_filters(client, tenant):
    vip, very, cold, senal = await add(client, tenant, "leads", {"name": "VIP"}, {"name": "Very important"},
                                       {"name": "Cold"}, {"name": "SEÑAL"})
    assert [t["id"] for t in await listed(client, tenant, query=f"?filter[id]={cold['id']}")] == [cold["id"]]
    both = f"?filter[id][]={vip['id']}&filter[id][]={senal['id']}"
    assert [t["id"] for t in await listed(client, tenant, query=both)] == [vip["id"], senal["id"]]
    # filter[name] is a whole-name match (not a substring), case-insensitive like every name look-up
    assert [t["id"] for t in await listed(client, tenant, query="?filter[name]=vip")] == [vip["id"]]
    assert await listed(client, tenant, query="?filter[name]=V") == []
    assert [t["id"] for t in await listed(client, tenant, query="?query=V")] == [vip["id"], very["id"]]
    assert [t["id"] for t in await listed(client, tenant, query="?query=señ")] == [senal["id"]]
    assert [t["id"] for t in await listed(client, tenant, query="?filter[name]=Señal")] == [senal["id"]]
    assert await listed(client, tenant, query="?query=%25") == []  # LIKE wildcards are literal
    bad = await client.get("/api/v4/leads/tags?filter[id]=abc", headers=tenant.headers)
    assert bad.status_code == 400


async def test_patch_batch_renames_and_recolours(client, tenant):
    a, b = await add(client, tenant, "contacts", {"name": "A", "color": "EBEBEB"}, {"name": "B"})
    response = await client.patch("/api/v4/contacts/tags", headers=tenant.headers, json=[
        {"id": a["id"], "name": "Alpha", "request_id": "r1"},
        {"id": b["id"], "color": "247ba0"},
    ])
    assert response.status_code == 200, response.text
    body = response.json()
    assert "status" not in body and body["_total_items"] == 2
    assert body["_embedded"]["tags"] == [
        {"id": a["id"], "name": "Alpha", "color": "EBEBEB", "request_id": "r1"},
        {"id": b["id"], "name": "B", "color": "247BA0", "request_id": "1"},
    ]
    cleared = await client.patch("/api/v4/contacts/tags", headers=tenant.headers, json=[{"id": a["id"], "color": None}])
    assert cleared.json()["_embedded"]["tags"][0]["color"] is None
    assert [(t["name"], t["color"]) for t in await listed(client, tenant, "contacts")] == [("Alpha", None),
                                                                                            ("B", "247BA0")]


async def test_patch_batch_can_swap_names(client, tenant):
    a, b = await add(client, tenant, "leads", {"name": "A"}, {"name": "B"})
    response = await client.patch("/api/v4/leads/tags", headers=tenant.headers,
                                  json=[{"id": a["id"], "name": "B"}, {"id": b["id"], "name": "A"}])
    assert response.status_code == 200, response.text
    assert {t["id"]: t["name"] for t in await listed(client, tenant)} == {a["id"]: "B", b["id"]: "A"}
    recased = await client.patch("/api/v4/leads/tags", headers=tenant.headers, json=[{"id": a["id"], "name": "b"}])
    assert recased.status_code == 200, recased.text
    assert recased.json()["_embedded"]["tags"][0]["name"] == "b"


async def test_patch_batch_errors(client, tenant):
    a, b = await add(client, tenant, "leads", {"name": "A"}, {"name": "B"})
    response = await client.patch("/api/v4/leads/tags", headers=tenant.headers, json=[
        {"id": a["id"], "name": "b", "request_id": "dup"},
        {"id": b["id"], "color": "blue", "request_id": "colour"},
        {"id": 987654321, "name": "C", "request_id": "missing"},
        {"name": "D", "request_id": "noid"},
    ])
    assert response.status_code == 400, response.text
    errors = errors_of(response.json())
    assert [(e["path"], e["code"]) for e in errors["dup"]] == [("name", "NotUnique")]
    assert [e["path"] for e in errors["colour"]] == ["color"]
    assert [e["path"] for e in errors["missing"]] == ["id"]
    assert [e["path"] for e in errors["noid"]] == ["id"]
    assert [(t["name"], t["color"]) for t in await listed(client, tenant)] == [("A", None), ("B", None)]
    # a tag of another entity type is not found either
    (contact_tag,) = await add(client, tenant, "contacts", {"name": "Z"})
    other = await client.patch("/api/v4/leads/tags", headers=tenant.headers, json=[{"id": contact_tag["id"]}])
    assert other.status_code == 400 and errors_of(other.json())["0"][0]["path"] == "id"


async def test_patch_single(client, tenant):
    (tag,) = await add(client, tenant, "leads", {"name": "Old"})
    response = await client.patch(f"/api/v4/leads/tags/{tag['id']}", headers=tenant.headers,
                                  json={"name": "New", "color": "c7db8c"})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": tag["id"], "name": "New", "color": "C7DB8C"}
    missing = await client.patch("/api/v4/leads/tags/987654321", headers=tenant.headers, json={"name": "X"})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    bad = await client.patch(f"/api/v4/leads/tags/{tag['id']}", headers=tenant.headers, json={"color": "pink"})
    assert bad.status_code == 400 and errors_of(bad.json())["0"][0]["path"] == "color"


async def test_delete_removes_the_tag_everywhere(client, tenant):
    keep, gone = await add(client, tenant, "contacts", {"name": "Keep"}, {"name": "Gone"})
    contact_ids = await make_contacts(tenant, 2)
    await tag_contacts(tenant, {cid: TagOps(add=[{"id": keep["id"]}, {"id": gone["id"]}]) for cid in contact_ids})
    response = await client.request("DELETE", "/api/v4/contacts/tags", headers=tenant.headers,
                                    json=[{"id": gone["id"]}])
    assert response.status_code == 204 and response.content == b""
    assert [t["id"] for t in await listed(client, tenant, "contacts")] == [keep["id"]]
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        found = await tags_for(session, "contacts", contact_ids)
    assert {cid: [t["name"] for t in tags] for cid, tags in found.items()} == {cid: ["Keep"] for cid in contact_ids}
    again = await client.request("DELETE", "/api/v4/contacts/tags", headers=tenant.headers, json=[{"id": gone["id"]}])
    assert again.status_code == 400 and errors_of(again.json())["0"][0]["path"] == "id"


async def test_rights_any_user_reads_and_adds_only_admins_change(client, tenant):
    member = await tenant.add_user(name="Seller")
    (tag,) = await add(client, tenant, "leads", {"name": "Mine"}, headers=member.headers)
    listed_by_member = await client.get("/api/v4/leads/tags", headers=member.headers)
    assert [t["id"] for t in listed_by_member.json()["_embedded"]["tags"]] == [tag["id"]]
    refused = [
        await client.patch("/api/v4/leads/tags", headers=member.headers, json=[{"id": tag["id"], "name": "X"}]),
        await client.patch(f"/api/v4/leads/tags/{tag['id']}", headers=member.headers, json={"name": "X"}),
        await client.request("DELETE", "/api/v4/leads/tags", headers=member.headers, json=[{"id": tag["id"]}]),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
    assert [t["name"] for t in await listed(client, tenant)] == ["Mine"]


async def test_other_accounts_tags_are_invisible(client, tenant, db):
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    (theirs,) = await add(client, other, "leads", {"name": "Secret"})
    assert await listed(client, tenant) == []
    assert await listed(client, tenant, query=f"?filter[id]={theirs['id']}") == []
    (mine,) = await add(client, tenant, "leads", {"name": "Secret"})
    assert mine["id"] != theirs["id"]
    patch = await client.patch(f"/api/v4/leads/tags/{theirs['id']}", headers=tenant.headers, json={"name": "Mine"})
    assert patch.status_code == 404
    delete = await client.request("DELETE", "/api/v4/leads/tags", headers=tenant.headers, json=[{"id": theirs["id"]}])
    assert delete.status_code == 400
    assert [t["name"] for t in await listed(client, other)] == ["Secret"]


async def test_unauthenticated(client):
    assert (await client.get("/api/v4/leads/tags")).status_code == 401
    assert (await client.post("/api/v4/leads/tags", json=[{"name": "x"}])).status_code == 401
