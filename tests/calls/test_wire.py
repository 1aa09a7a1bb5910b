"""The typed wire of ``POST /api/v4/calls`` (spec §13): what telephony integrations send (floats,
numbers for text, single objects, unknown keys), invalid items listed in ``errors`` with Kommo's paths
while the others are written, the batch's own limits and the published document."""

from __future__ import annotations

from tests.contract.helpers import assert_problem
from tests.entities.helpers import create, phone
from tests.unsorted.helpers import notes_of

URL = "/api/v4/calls"


async def test_floats_numbers_for_text_a_single_object_and_unknown_keys(client, tenant):
    agent = await tenant.add_user(name="Agent")
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 300 0001")]}])
    response = await client.post(URL, headers=tenant.headers, json={
        "direction": "outbound", "phone": 15553000001, "duration": 65.0, "source": 42, "uniq": 7,
        "call_status": "4", "call_responsible": 3.0, "responsible_user_id": str(agent.id), "created_by": 0,
        "created_at": "1600000000", "request_id": 5, "updated_by": "who knows", "_embedded": {"x": 1}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    (placed,) = body["_embedded"]["calls"]
    assert (placed["entity_type"], placed["entity_id"], placed["request_id"]) == ("contacts", contact, "5")
    (note,) = await notes_of(tenant, "contacts", contact)
    assert note.note_type == "call_out" and note.created_at == 1600000000
    assert note.responsible_user_id == agent.id and note.created_by == 0
    assert note.params["phone"] == "15553000001" and note.params["duration"] == 65
    assert note.params["source"] == "42" and note.params["uniq"] == "7" and note.params["call_status"] == 4
    assert note.params["call_responsible"] == 3


async def test_call_responsible_keeps_text_as_text(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 300 0002")]}])
    response = await client.post(URL, headers=tenant.headers, json=[
        {"direction": "inbound", "phone": "+15553000002", "duration": 1, "source": "pbx", "call_responsible": "101"}])
    assert response.json()["errors"] == [], response.text
    (note,) = await notes_of(tenant, "contacts", contact)
    assert note.params["call_responsible"] == "101"


async def test_invalid_items_are_listed_with_kommos_paths_and_the_valid_ones_written(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 300 0003")]}])
    good = {"direction": "inbound", "phone": "+15553000003", "duration": 3, "source": "pbx"}
    response = await client.post(URL, headers=tenant.headers, json=[
        {**good, "request_id": "a", "duration": "abc", "call_status": 0},
        {**good, "duration": 6.5, "phone": "no digits", "call_responsible": True},
        {**good, "request_id": "ok"},
        {**good, "request_id": "who", "created_by": 999999999, "created_at": -1},
    ])
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["request_id"] for c in body["_embedded"]["calls"]] == ["ok"] and body["_total_items"] == 1
    failures = {f["request_id"]: {(e["path"], e["code"]) for e in f["errors"]} for f in body["errors"]}
    assert failures == {
        "a": {("duration", "InvalidType"), ("call_status", "OutOfRange")},
        "1": {("duration", "InvalidType"), ("phone", "InvalidValue"), ("call_responsible", "InvalidValue")},
        "who": {("created_at", "OutOfRange")},
    }
    assert [f["request_id"] for f in body["errors"]] == ["a", "1", "who"]  # in request order
    assert all(f["detail"] for f in body["errors"])
    unknown_author = {**good, "request_id": "who", "created_by": 999999999}
    response = await client.post(URL, headers=tenant.headers, json=[unknown_author])
    (failure,) = response.json()["errors"]
    assert [(e["path"], e["code"]) for e in failure["errors"]] == [("created_by", "NotSupportedChoice")]
    assert len(await notes_of(tenant, "contacts", contact)) == 1


async def test_the_batch_itself_must_be_a_batch(client, tenant):
    good = {"direction": "inbound", "phone": "+15553000004", "duration": 3, "source": "pbx"}
    assert_problem(await client.post(URL, headers=tenant.headers, json=[]), 400)
    assert_problem(await client.post(URL, headers=tenant.headers, json="call"), 400)
    body = assert_problem(await client.post(URL, headers=tenant.headers, json=[good, 5]), 400)
    assert body["validation-errors"][0]["request_id"] == "1"
    body = assert_problem(await client.post(URL, headers=tenant.headers, json=[{**good, "request_id": {"a": 1}}]), 400)
    assert body["validation-errors"][0]["errors"][0]["path"] == "request_id"
    assert_problem(await client.post(URL, headers=tenant.headers, json=[good] * 251), 422)


def test_the_document_names_the_models(app):
    document = app.openapi()
    operation, schemas = document["paths"][URL]["post"], document["components"]["schemas"]
    assert operation["operationId"] == "calls.add_calls"
    ref = {"$ref": "#/components/schemas/CallIn"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": ref}, ref]}
    assert operation["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/CallsAdded"}
    call = schemas["CallIn"]
    assert set(call["required"]) == {"direction", "phone", "duration", "source"}
    assert call["properties"]["direction"]["enum"] == ["inbound", "outbound"]
    assert {s["type"] for s in call["properties"]["phone"]["anyOf"]} == {"string", "integer"}
