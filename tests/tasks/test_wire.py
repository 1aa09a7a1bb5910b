"""The typed wire of ``/api/v4/tasks`` (issue 10 §1): lax where Kommo clients need it, Kommo's 400 paths,
rights before the body, and an OpenAPI document that tells the truth."""

from __future__ import annotations

from tests.support.factories import restricted_rights
from tests.tasks.helpers import DEADLINE, add_task, listed_ids, task

REF = "#/components/schemas/"


def _errors(response):
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["request_id"]: {x["path"]: x["code"] for x in e["errors"]} for e in response.json()["validation-errors"]}


async def test_digit_strings_and_floats_for_ints(client, tenant):
    other = await tenant.add_user(name="Other")
    task_id = await add_task(client, tenant, complete_till=f"{DEADLINE}", duration="65.0", task_type_id=2.0,
                             responsible_user_id=str(other.id))
    body = await task(client, tenant, task_id)
    assert (body["complete_till"], body["duration"], body["task_type_id"], body["responsible_user_id"]) == \
        (DEADLINE, 65, 2, other.id)
    response = await client.patch("/api/v4/tasks", headers=tenant.headers,
                                  json=[{"id": str(task_id), "is_completed": "1", "task_type": "1"}])
    assert response.status_code == 200, response.text
    body = await task(client, tenant, task_id)
    assert body["is_completed"] is True and body["task_type_id"] == 1


async def test_a_single_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json={
        "text": 12345, "complete_till": DEADLINE, "color": "blue", "_embedded": {}, "group_id": 7})
    assert response.status_code == 200, response.text
    (item,) = response.json()["_embedded"]["tasks"]
    assert item["request_id"] == "0"
    assert (await task(client, tenant, item["id"]))["text"] == "12345"


async def test_result_as_plain_text_and_request_id_as_number(client, tenant):
    task_id = await add_task(client, tenant)
    response = await client.patch("/api/v4/tasks", headers=tenant.headers,
                                  json=[{"id": task_id, "is_completed": True, "result": "Done", "request_id": 7}])
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["tasks"][0]["request_id"] == "7"
    assert (await task(client, tenant, task_id))["result"] == {"text": "Done"}


async def test_wrong_types_name_their_paths(client, tenant):
    task_id = await add_task(client, tenant)
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "ok", "complete_till": DEADLINE},
        {"text": "x", "complete_till": DEADLINE, "result": {"text": [1]}, "entity_id": "abc"},
        {"text": ["x"], "complete_till": "never", "request_id": "mine"},
    ])
    assert _errors(response) == {"1": {"result.text": "InvalidType", "entity_id": "InvalidType"},
                                 "mine": {"text": "InvalidType", "complete_till": "InvalidType"}}
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"duration": "long"})
    assert _errors(response) == {"0": {"duration": "InvalidType"}}
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[{"id": 0}, {"id": "x"}, 5])
    assert _errors(response) == {"0": {"id": "OutOfRange"}, "1": {"id": "InvalidType"}, "2": {"body": "InvalidType"}}


async def test_bad_query_parameters(client, tenant):
    await add_task(client, tenant)
    response = await client.get("/api/v4/tasks?filter[updated_at][from]=soon", headers=tenant.headers)
    assert _errors(response) == {"0": {"filter.updated_at.from": "InvalidType"}}
    response = await client.get("/api/v4/tasks?filter[responsible_user_id][]=1&filter[responsible_user_id][]=x",
                                headers=tenant.headers)
    assert _errors(response) == {"0": {"filter.responsible_user_id.1": "InvalidType"}}
    assert (await client.get("/api/v4/tasks?limit=251", headers=tenant.headers)).status_code == 422
    assert (await client.get("/api/v4/tasks?limit=0", headers=tenant.headers)).status_code == 400


async def test_empty_and_repeated_parameters(client, tenant):
    task_id = await add_task(client, tenant)
    for query in ("?limit=", "?limit=5&limit=", "?filter=", "?filter[id]=", "?filter[is_completed]=",
                  "?filter[updated_at]=", "?with="):
        assert await listed_ids(client, tenant, query) == [task_id], query
    assert await listed_ids(client, tenant, f"?filter[id]=999,{task_id}") == [task_id]
    assert await listed_ids(client, tenant, "?filter[entity_type]=Leads,CUSTOMERS") == []


async def test_trash_takes_bare_ids(client, tenant):
    first, second = await add_task(client, tenant), await add_task(client, tenant)
    response = await client.request("DELETE", "/api/v4/tasks", headers=tenant.headers, json=[first, str(second)])
    assert response.status_code == 204, response.text
    assert await listed_ids(client, tenant) == []
    response = await client.request("DELETE", "/api/v4/tasks", headers=tenant.headers, json=[{"id": "x"}])
    assert _errors(response) == {"0": {"id": "InvalidType"}}


async def test_rights_are_checked_before_the_body(client, tenant):
    """A user who may not add tasks, or change task types, gets 403 whatever the body holds."""
    me = await tenant.add_user(name="Me", rights=restricted_rights(tasks={"add": "D"}))
    assert (await client.post("/api/v4/tasks", headers=me.headers, json=[{}])).status_code == 403
    assert (await client.post("/api/v4/tasks", headers=tenant.headers, json=[{}])).status_code == 400
    assert (await client.post("/api/v4/tasks/types", headers=me.headers, json=[{}])).status_code == 403
    assert (await client.patch("/api/v4/tasks/types/3", headers=me.headers, json={"name": []})).status_code == 403
    assert (await client.post("/api/v4/tasks/types", headers=tenant.headers, json=[{}])).status_code == 400


async def test_task_type_patch(client, tenant):
    response = await client.post("/api/v4/tasks/types", headers=tenant.headers,
                                 json={"name": " Demo ", "color": "#ABCDEF", "code": "demo", "icon_id": "4"})
    assert response.status_code == 200, response.text
    created = response.json()["_embedded"]["task_types"][0]
    assert (created["name"], created["color"], created["code"], created["icon_id"]) == ("Demo", "#abcdef", "demo", 4)
    path = f"/api/v4/tasks/types/{created['id']}"
    response = await client.patch(path, headers=tenant.headers, json={"color": "", "code": None})
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["color"], response.json()["code"]) == ("Demo", None, None)
    assert _errors(await client.patch(path, headers=tenant.headers, json={"name": None})) == {"0": {"name": "NotBlank"}}
    assert _errors(await client.patch(path, headers=tenant.headers, json={"icon_id": -1})) == \
        {"0": {"icon_id": "OutOfRange"}}


def test_the_document(app):
    document = app.openapi()
    paths = document["paths"]
    add = paths["/api/v4/tasks"]["post"]
    assert add["operationId"] == "tasks.add_tasks"
    assert add["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": {"$ref": REF + "TaskIn"}}, {"$ref": REF + "TaskIn"}]}
    assert add["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "TasksAdded"}
    listing = paths["/api/v4/tasks"]["get"]
    assert listing["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "TasksPage"}
    assert "204" in listing["responses"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["filter"]["style"] == "deepObject"
    assert params["If-Modified-Since"]["in"] == "header"
    assert set(document["components"]["schemas"]["TaskFilter"]["properties"]) >= {
        "id", "responsible_user_id", "is_completed", "task_type", "entity_type", "entity_id", "updated_at"}
    single = paths["/api/v4/tasks/{task_id}"]["patch"]
    assert single["requestBody"]["content"]["application/json"]["schema"] == {"$ref": REF + "TaskPatch"}
    trash = paths["/api/v4/tasks"]["delete"]
    assert "200" not in trash["responses"] and "204" in trash["responses"]
    assert trash["requestBody"]["content"]["application/json"]["schema"]["anyOf"][1] == {"$ref": REF + "TaskRef"}
    required = document["components"]["schemas"]["TaskIn"]["required"]
    assert set(required) == {"text", "complete_till"}
    assert paths["/api/v4/tasks/types"]["post"]["operationId"] == "tasks.add_types"
