"""User groups (a Kanbo extension): ``POST /api/v4/users/groups``, ``PATCH`` and ``DELETE …/{id}``."""

from __future__ import annotations


async def groups(client, tenant) -> list[dict]:
    body = (await client.get("/api/v4/account?with=users_groups", headers=tenant.headers)).json()
    return body["_embedded"]["users_groups"]


async def test_add_rename_delete(client, tenant):
    response = await client.post("/api/v4/users/groups", headers=tenant.headers,
                                 json=[{"name": " North ", "request_id": "a"}, {"name": "South"}])
    assert response.status_code == 200, response.text
    made = response.json()["_embedded"]["users_groups"]
    assert [(g["name"], g["request_id"]) for g in made] == [("North", "a"), ("South", "1")]
    assert all(isinstance(g["id"], int) and g["uuid"] for g in made)
    north, south = made[0]["id"], made[1]["id"]
    assert [(g["id"], g["name"]) for g in await groups(client, tenant)] == [(0, "Main group"), (north, "North"),
                                                                          (south, "South")]
    renamed = await client.patch(f"/api/v4/users/groups/{north}", headers=tenant.headers, json={"name": "Norte"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Norte"

    member = await tenant.add_user(group_id=south)
    assert (await client.delete(f"/api/v4/users/groups/{south}", headers=tenant.headers)).status_code == 204
    assert [g["id"] for g in await groups(client, tenant)] == [0, north]
    user = (await client.get(f"/api/v4/users/{member.id}", headers=tenant.headers)).json()
    assert user["rights"]["group_id"] is None  # back in the main group


async def test_names_are_unique_and_required(client, tenant):
    await client.post("/api/v4/users/groups", headers=tenant.headers, json=[{"name": "Team"}])
    taken = await client.post("/api/v4/users/groups", headers=tenant.headers, json=[{"name": "TEAM"}])
    assert taken.status_code == 400
    twice = await client.post("/api/v4/users/groups", headers=tenant.headers,
                              json=[{"name": "X", "request_id": "1"}, {"name": "x", "request_id": "2"}])
    assert twice.status_code == 400
    assert [i["request_id"] for i in twice.json()["validation-errors"]] == ["2"]
    blank = await client.post("/api/v4/users/groups", headers=tenant.headers, json=[{"name": "  "}])
    assert blank.status_code == 400
    other = (await client.post("/api/v4/users/groups", headers=tenant.headers, json=[{"name": "Other"}])).json()
    other_id = other["_embedded"]["users_groups"][0]["id"]
    clash = await client.patch(f"/api/v4/users/groups/{other_id}", headers=tenant.headers, json={"name": "team"})
    assert clash.status_code == 400
    same = await client.patch(f"/api/v4/users/groups/{other_id}", headers=tenant.headers, json={"name": "OTHER"})
    assert same.status_code == 200 and same.json()["name"] == "OTHER"
    assert (await client.patch("/api/v4/users/groups/0", headers=tenant.headers,
                               json={"name": "Main"})).status_code == 404
    assert (await client.delete("/api/v4/users/groups/999999", headers=tenant.headers)).status_code == 404


async def test_only_admins(client, tenant):
    member = await tenant.add_user()
    refused = await client.post("/api/v4/users/groups", headers=member.headers, json=[{"name": "Mine"}])
    assert refused.status_code == 403
    assert [g["id"] for g in await groups(client, tenant)] == [0]
