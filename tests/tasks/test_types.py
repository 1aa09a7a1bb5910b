"""Custom task types (Kanbo extension) and ``GET /api/v4/account?with=task_types``."""

from __future__ import annotations

from tests.tasks.helpers import DEADLINE, add_task, task


async def add_types(client, tenant, items, headers=None):
    response = await client.post("/api/v4/tasks/types", headers=headers or tenant.headers, json=items)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["task_types"]


async def account_types(client, tenant):
    body = (await client.get("/api/v4/account?with=task_types", headers=tenant.headers)).json()
    return body["_embedded"]["task_types"]


async def test_custom_types_get_ids_from_3_and_follow_the_system_ones(client, tenant):
    created = await add_types(client, tenant, [{"name": "Demo", "color": "#FFAA00"}, {"name": "Email"}])
    assert [(t["id"], t["request_id"]) for t in created] == [(3, "0"), (4, "1")]
    types = await account_types(client, tenant)
    assert [t["id"] for t in types] == [1, 2, 3, 4]
    assert [t["code"] for t in types[:2]] == ["FOLLOW_UP", "MEETING"]
    assert types[2] == {"id": 3, "name": "Demo", "color": "#ffaa00", "icon_id": None, "code": None}
    for task_type in types:
        assert set(task_type) == {"id", "name", "color", "icon_id", "code"}
    listed = (await client.get("/api/v4/tasks/types", headers=tenant.headers)).json()
    assert [t["id"] for t in listed["_embedded"]["task_types"]] == [1, 2, 3, 4]
    assert listed["_total_items"] == 4
    (more,) = await add_types(client, tenant, [{"name": "Later"}])
    assert more["id"] == 5


async def test_ids_are_per_account(client, tenant, db):
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    await add_types(client, other, [{"name": "Theirs"}, {"name": "Theirs too"}])
    (mine,) = await add_types(client, tenant, [{"name": "Mine"}])
    assert mine["id"] == 3
    assert [t["name"] for t in (await account_types(client, tenant))[2:]] == ["Mine"]


async def test_custom_type_as_task_type_id(client, tenant, db):
    from tests.support.factories import make_tenant

    (custom,) = await add_types(client, tenant, [{"name": "Demo"}])
    task_id = await add_task(client, tenant, task_type_id=custom["id"])
    assert (await task(client, tenant, task_id))["task_type_id"] == custom["id"]
    listed = (await client.get(f"/api/v4/tasks?filter[task_type]={custom['id']}", headers=tenant.headers)).json()
    assert [t["id"] for t in listed["_embedded"]["tasks"]] == [task_id]
    other = await make_tenant(db)
    response = await client.post("/api/v4/tasks", headers=other.headers, json=[
        {"text": "x", "complete_till": DEADLINE, "task_type_id": custom["id"]}])
    assert response.status_code == 400


async def test_validation(client, tenant):
    response = await client.post("/api/v4/tasks/types", headers=tenant.headers, json=[
        {"name": ""}, {"name": "ok", "color": "red"}, {"color": None}])
    assert response.status_code == 400
    errors = {e["request_id"]: [x["path"] for x in e["errors"]] for e in response.json()["validation-errors"]}
    assert errors == {"0": ["name"], "1": ["color"], "2": ["name"]}


async def test_patch_and_delete(client, tenant):
    (custom,) = await add_types(client, tenant, [{"name": "Demo", "color": "#000000"}])
    path = f"/api/v4/tasks/types/{custom['id']}"
    response = await client.patch(path, headers=tenant.headers, json={"name": "Demo call", "color": None})
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["color"]) == ("Demo call", None)
    assert (await account_types(client, tenant))[2]["name"] == "Demo call"
    task_id = await add_task(client, tenant, task_type_id=custom["id"])
    refused = await client.delete(path, headers=tenant.headers)
    assert refused.status_code == 400
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"task_type_id": 1})
    assert (await client.delete(path, headers=tenant.headers)).status_code == 204
    assert [t["id"] for t in await account_types(client, tenant)] == [1, 2]
    assert (await client.delete(path, headers=tenant.headers)).status_code == 404
    assert (await client.patch("/api/v4/tasks/types/1", headers=tenant.headers, json={"name": "x"})).status_code \
        == 400
    assert (await client.delete("/api/v4/tasks/types/2", headers=tenant.headers)).status_code == 400


async def test_only_admins_write(client, tenant):
    user = await tenant.add_user(name="User")
    (custom,) = await add_types(client, tenant, [{"name": "Demo"}])
    assert (await client.post("/api/v4/tasks/types", headers=user.headers, json=[{"name": "x"}])).status_code == 403
    path = f"/api/v4/tasks/types/{custom['id']}"
    assert (await client.patch(path, headers=user.headers, json={"name": "x"})).status_code == 403
    assert (await client.delete(path, headers=user.headers)).status_code == 403
    assert (await client.get("/api/v4/tasks/types", headers=user.headers)).status_code == 200
    assert (await client.get(path, headers=user.headers)).json()["name"] == "Demo"
