"""Tasks: the object, creating, changing, completing, trashing (spec §9, §24)."""

from __future__ import annotations

import pytest

from tests.tasks.helpers import DEADLINE, add_task, add_tasks, get_task, lead, listed, task

TASK_KEYS = {
    "id": int, "created_by": int, "updated_by": int, "created_at": int, "updated_at": int,
    "responsible_user_id": int, "group_id": int, "is_completed": bool, "task_type_id": int, "text": str,
    "duration": int, "complete_till": int, "account_id": int,
}


async def test_create_answers_ids_request_ids_and_links(client, tenant):
    lead_id = await lead(client, tenant)
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "Call", "complete_till": DEADLINE, "entity_id": lead_id, "entity_type": "leads", "request_id": "a"},
        {"text": "Meet", "complete_till": DEADLINE + 60, "task_type_id": 2},
    ])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert "status" not in body
    first, second = body["_embedded"]["tasks"]
    assert set(first) == {"id", "request_id", "_links"}
    assert (first["request_id"], second["request_id"]) == ("a", "1")
    assert first["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/tasks/{first['id']}"


async def test_task_object_has_every_key_and_result_is_an_empty_list(client, tenant):
    lead_id = await lead(client, tenant)
    task_id = await add_task(client, tenant, entity_id=lead_id, entity_type="leads", duration=65.0)
    body = await task(client, tenant, task_id)
    for key, kind in TASK_KEYS.items():
        assert isinstance(body[key], kind), key
    assert body["result"] == []
    assert body["entity_id"] == lead_id and body["entity_type"] == "leads"
    assert body["responsible_user_id"] == tenant.admin.id and body["group_id"] == 0
    assert body["created_by"] == body["updated_by"] == tenant.admin.id
    assert (body["task_type_id"], body["duration"], body["complete_till"]) == (1, 65, DEADLINE)
    assert body["is_completed"] is False
    assert body["account_id"] == tenant.id
    assert body["_links"]["self"]["href"].endswith(f"/api/v4/tasks/{task_id}")
    (listed_task,) = await listed(client, tenant)
    assert listed_task == body


async def test_unattached_task_has_null_entity(client, tenant):
    body = await task(client, tenant, await add_task(client, tenant))
    assert body["entity_id"] is None and body["entity_type"] is None


@pytest.mark.parametrize("raw,expected", [
    (1700000000.0, 1700000000), ("1700000000", 1700000000), ("2023-11-14T22:13:20Z", 1700000000),
    ("2023-11-14T23:13:20+01:00", 1700000000),
])
async def test_complete_till_accepts_floats_and_rfc3339(client, tenant, raw, expected):
    task_id = await add_task(client, tenant, complete_till=raw)
    assert (await task(client, tenant, task_id))["complete_till"] == expected


async def test_singular_entity_type_is_stored_plural(client, tenant):
    lead_id = await lead(client, tenant)
    body = await task(client, tenant, await add_task(client, tenant, entity_id=lead_id, entity_type="lead"))
    assert body["entity_type"] == "leads"


def _errors(response):
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["request_id"]: {x["path"]: x["code"] for x in e["errors"]} for e in response.json()["validation-errors"]}


async def test_required_fields_and_invalid_values_name_their_paths(client, tenant):
    """What the wire models refuse, every failing item at once; then what needs the database."""
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"complete_till": DEADLINE},
        {"text": "  ", "complete_till": "soon"},
        {"text": "x"},
        {"text": "x", "complete_till": DEADLINE, "duration": -5, "is_completed": "maybe"},
        {"text": "x", "complete_till": DEADLINE},
        {"text": "x", "complete_till": DEADLINE, "entity_type": "customers", "entity_id": 5},
    ])
    errors = _errors(response)
    assert errors["0"] == {"text": "NotBlank"}
    assert errors["1"] == {"text": "NotBlank", "complete_till": "InvalidType"}
    assert errors["2"] == {"complete_till": "NotBlank"}
    assert errors["3"] == {"duration": "OutOfRange", "is_completed": "InvalidType"}
    assert "4" not in errors
    assert errors["5"] == {"entity_type": "NotSupportedChoice"}
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "x", "complete_till": DEADLINE},
        {"text": "x", "complete_till": DEADLINE, "responsible_user_id": 999999999, "task_type_id": 77},
        {"text": "x", "complete_till": DEADLINE, "entity_id": 5},
        {"text": "x", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": 999999999},
        {"text": "x", "complete_till": DEADLINE, "result": {"text": "done"}},
    ])
    errors = _errors(response)
    assert "0" not in errors
    assert errors["1"] == {"responsible_user_id": "NotSupportedChoice", "task_type_id": "NotSupportedChoice"}
    assert errors["2"] == {"entity_type": "NotBlank"}
    assert errors["3"] == {"entity_id": "NotFound"}
    assert errors["4"] == {"result": "InvalidValue"}
    assert await listed(client, tenant) == []


async def test_batch_is_atomic(client, tenant):
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "good", "complete_till": DEADLINE}, {"text": "bad"}])
    assert response.status_code == 400
    assert [e["request_id"] for e in response.json()["validation-errors"]] == ["1"]
    assert await listed(client, tenant) == []
    task_id = await add_task(client, tenant)
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[
        {"id": task_id, "text": "changed"}, {"id": 999999999, "text": "nope"}])
    assert response.status_code == 400
    assert (await task(client, tenant, task_id))["text"] == "Call back"


async def test_inactive_user_cannot_be_responsible(client, tenant):
    other = await tenant.add_user(name="Gone")
    response = await client.post("/api/v4/users/deactivate", headers=tenant.headers, json=[{"id": other.id}])
    assert response.status_code in (200, 204), response.text
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "x", "complete_till": DEADLINE, "responsible_user_id": other.id}])
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["errors"][0]["path"] == "responsible_user_id"


async def test_attaching_to_a_trashed_entity_fails(client, tenant):
    lead_id = await lead(client, tenant)
    assert (await client.delete(f"/api/v4/leads/{lead_id}", headers=tenant.headers)).status_code == 204
    response = await client.post("/api/v4/tasks", headers=tenant.headers, json=[
        {"text": "x", "complete_till": DEADLINE, "entity_type": "leads", "entity_id": lead_id}])
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["errors"][0]["path"] == "entity_id"


async def test_get_of_missing_or_foreign_task_is_204(client, tenant, db):
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    foreign = await add_task(client, other)
    for task_id in (foreign, 999999999):
        response = await get_task(client, tenant, task_id)
        assert response.status_code == 204 and response.content == b""
    assert (await client.patch(f"/api/v4/tasks/{foreign}", headers=tenant.headers,
                               json={"text": "x"})).status_code == 404
    assert (await client.delete(f"/api/v4/tasks/{foreign}", headers=tenant.headers)).status_code == 404


async def test_patch_single_and_batch_answers(client, tenant):
    first, second = await add_tasks(client, tenant, [{"text": "a", "complete_till": DEADLINE},
                                                     {"text": "b", "complete_till": DEADLINE}])
    response = await client.patch(f"/api/v4/tasks/{first}", headers=tenant.headers,
                                  json={"text": "a2", "complete_till": DEADLINE + 1, "duration": 30})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"id", "updated_at", "_links"} and body["id"] == first
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[
        {"id": first, "task_type_id": 2, "request_id": "x"}, {"id": second, "text": "b2"}])
    assert response.status_code == 200, response.text
    items = response.json()["_embedded"]["tasks"]
    assert [set(i) for i in items] == [{"id", "updated_at", "request_id", "_links"}] * 2
    assert [i["request_id"] for i in items] == ["x", "1"]
    changed = await task(client, tenant, first)
    assert (changed["text"], changed["complete_till"], changed["duration"], changed["task_type_id"]) == \
        ("a2", DEADLINE + 1, 30, 2)
    assert (await task(client, tenant, second))["text"] == "b2"


async def test_patch_tolerates_an_echoed_task(client, tenant):
    task_id = await add_task(client, tenant)
    body = await task(client, tenant, task_id)
    body.update({"text": "echoed", "group_id": None, "account_id": None})
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[body])
    assert response.status_code == 200, response.text
    assert (await task(client, tenant, task_id))["text"] == "echoed"


async def test_patch_missing_id_and_blank_text(client, tenant):
    task_id = await add_task(client, tenant)
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[{"text": "x"}])
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["errors"][0]["path"] == "id"
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"text": ""})
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["errors"][0]["path"] == "text"
    assert (await client.patch("/api/v4/tasks/999999999", headers=tenant.headers, json={"text": "x"})).status_code \
        == 404


async def test_complete_without_result_and_reopen(client, tenant):
    task_id = await add_task(client, tenant)
    response = await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"is_completed": True})
    assert response.status_code == 200, response.text
    body = await task(client, tenant, task_id)
    assert body["is_completed"] is True and body["result"] == []
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"is_completed": False})
    assert (await task(client, tenant, task_id))["is_completed"] is False


async def test_move_between_entities_and_detach(client, tenant):
    lead_id = await lead(client, tenant)
    (contact_id,) = [i["id"] for i in (await client.post("/api/v4/contacts", headers=tenant.headers,
                                                         json=[{"name": "C"}])).json()["_embedded"]["contacts"]]
    task_id = await add_task(client, tenant, entity_id=lead_id, entity_type="leads")
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers,
                       json={"entity_id": contact_id, "entity_type": "contacts"})
    body = await task(client, tenant, task_id)
    assert (body["entity_type"], body["entity_id"]) == ("contacts", contact_id)
    await client.patch(f"/api/v4/tasks/{task_id}", headers=tenant.headers, json={"entity_id": None})
    body = await task(client, tenant, task_id)
    assert (body["entity_type"], body["entity_id"]) == (None, None)


async def test_delete_moves_to_trash_and_restore_brings_back(client, tenant):
    first, second, third = await add_tasks(client, tenant, [{"text": t, "complete_till": DEADLINE}
                                                            for t in ("a", "b", "c")])
    assert (await client.delete(f"/api/v4/tasks/{first}", headers=tenant.headers)).status_code == 204
    response = await client.request("DELETE", "/api/v4/tasks", headers=tenant.headers,
                                    json=[{"id": second}, {"id": third}])
    assert response.status_code == 204
    assert (await get_task(client, tenant, first)).status_code == 204
    assert await listed(client, tenant) == []
    trash = await listed(client, tenant, "?with=only_deleted")
    assert {t["id"] for t in trash} == {first, second, third}
    assert (await client.delete(f"/api/v4/tasks/{first}", headers=tenant.headers)).status_code == 404
    assert (await client.patch(f"/api/v4/tasks/{first}", headers=tenant.headers, json={"text": "x"})).status_code \
        == 404
    response = await client.post(f"/api/v4/tasks/{first}/restore", headers=tenant.headers)
    assert response.status_code == 200 and response.json()["id"] == first
    assert (await client.post(f"/api/v4/tasks/{first}/restore", headers=tenant.headers)).status_code == 404
    assert [t["id"] for t in await listed(client, tenant)] == [first]


async def test_batch_delete_of_a_missing_id_fails_whole(client, tenant):
    task_id = await add_task(client, tenant)
    response = await client.request("DELETE", "/api/v4/tasks", headers=tenant.headers,
                                    json=[{"id": task_id}, {"id": 999999999}])
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["request_id"] == "1"
    assert (await get_task(client, tenant, task_id)).status_code == 200
