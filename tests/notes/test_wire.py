"""The typed wire of notes: lax input where Kommo clients need it, exact paths, the documented schemas."""

from __future__ import annotations

import pytest

from kanbo.notes.params_wire import check_params
from kanbo.notes.wire import NoteOut, NotesPage, NotesWritten, NoteWritten
from tests.notes.helpers import SAMPLES, add, add_ok, errors_of, make_entity


async def test_digit_strings_and_floats_for_ints(client, tenant):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [
        {"entity_id": str(lead), "note_type": "call_out", "created_at": 1700000000.0, "updated_at": "1700000001",
         "responsible_user_id": f"{tenant.admin.id}", "created_by": float(tenant.admin.id),
         "params": {**SAMPLES["call_out"], "duration": "65", "call_status": "4"}}])
    assert response.status_code == 200, response.text
    (note_id,) = [n["id"] for n in response.json()["_embedded"]["notes"]]
    note = (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()
    assert (note["created_at"], note["updated_at"]) == (1700000000, 1700000001)
    assert note["responsible_user_id"] == note["created_by"] == tenant.admin.id
    assert note["params"]["duration"] == 65 and note["params"]["call_status"] == 4


async def test_a_single_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    lead = await make_entity(client, tenant)
    response = await client.post("/api/v4/leads/notes", headers=tenant.headers, json={
        "entity_id": lead, "note_type": "common", "params": {"text": "one", "metadata": None, "extra": [1]},
        "_embedded": {}, "unknown": {"deep": True}, "request_id": 7})
    assert response.status_code == 200, response.text
    (written,) = response.json()["_embedded"]["notes"]
    assert written["request_id"] == "7"
    note = (await client.get(f"/api/v4/leads/notes/{written['id']}", headers=tenant.headers)).json()
    assert note["params"] == {"text": "one"}


@pytest.mark.parametrize("item,path,code", [
    ({"params": {**SAMPLES["call_in"], "duration": [65]}}, "params.duration", "InvalidType"),
    ({"params": {**SAMPLES["call_in"], "call_responsible": True}}, "params.call_responsible", "InvalidType"),
    ({"params": {**SAMPLES["call_in"], "call_responsible": 1.5}}, "params.call_responsible", "InvalidType"),
    ({"params": {**SAMPLES["call_in"], "source": "x" * 256}}, "params.source", "TooLong"),
    ({"params": {**SAMPLES["call_in"], "link": "https://x.example/" + "a" * 2048}}, "params.link", "TooLong"),
    ({"params": SAMPLES["call_in"], "created_by": "someone"}, "created_by", "InvalidType"),
    ({"params": SAMPLES["call_in"], "created_at": -1}, "created_at", "OutOfRange"),
    ({"params": None}, "params.duration params.source params.phone", "NotBlank"),
])
async def test_wrong_values_name_their_path(client, tenant, item, path, code):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "common", "params": {"text": "fine"}},
        {"entity_id": lead, "note_type": "call_in", "request_id": "call", **item}])
    assert errors_of(response) == {"call": [(one, code) for one in path.split()]}


async def test_every_item_of_a_batch_is_checked(client, tenant):
    response = await add(client, tenant, "leads", [
        {"note_type": "common", "params": {"text": "x"}},
        {"entity_id": 1, "note_type": "sms_in", "params": {"text": " ", "phone": None}},
        "not an object"])
    assert errors_of(response) == {"0": [("entity_id", "NotBlank")],
                                   "1": [("params.text", "NotBlank"), ("params.phone", "NotBlank")],
                                   "2": [("body", "InvalidType")]}


async def test_users_named_in_a_note_must_exist(client, tenant):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "common", "params": {"text": "x"}, "created_by": 10**12,
         "responsible_user_id": 0}])
    assert errors_of(response) == {"0": [("created_by", "NotSupportedChoice"),
                                         ("responsible_user_id", "NotSupportedChoice")]}
    robot = await add_ok(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "x"},
                                                    "created_by": 0}])
    body = (await client.get(f"/api/v4/leads/notes/{robot[0]}", headers=tenant.headers)).json()
    assert body["created_by"] == body["responsible_user_id"] == 0


async def test_edits_are_checked_against_the_type_of_the_note(client, tenant):
    lead = await make_entity(client, tenant)
    (call,) = await add_ok(client, tenant, "leads", [{"entity_id": lead, "note_type": "call_in",
                                                     "params": SAMPLES["call_in"]}])
    one = await client.patch(f"/api/v4/leads/notes/{call}", headers=tenant.headers,
                             json={"params": {"duration": "long", "phone": None}, "request_id": "mine"})
    assert errors_of(one) == {"0": [("params.duration", "InvalidType"), ("params.phone", "NotBlank")]}
    batch = await client.patch("/api/v4/leads/notes", headers=tenant.headers,
                               json={"id": str(call), "params": {"duration": 70.0}, "updated_at": "1800000000"})
    assert batch.status_code == 200, batch.text
    assert batch.json()["_embedded"]["notes"][0]["updated_at"] == 1800000000
    wrong = await client.patch("/api/v4/leads/notes", headers=tenant.headers,
                               json=[{"id": 0, "params": {}}, {"id": call, "updated_by": "x"}])
    assert errors_of(wrong) == {"0": [("id", "InvalidType")], "1": [("updated_by", "InvalidType")]}


@pytest.mark.parametrize("query,path", [
    ("filter[id]=x", "filter.id.0"),
    ("filter[entity_id][]=1&filter[entity_id][]=y", "filter.entity_id.1"),
    ("filter[updated_at][from]=soon", "filter.updated_at.from"),
    ("filter[updated_at][since]=1", "filter.updated_at.since"),
    ("filter=abc", "filter"),
    ("limit=many", "limit"),
])
async def test_bad_queries_name_the_parameter(client, tenant, query, path):
    response = await client.get(f"/api/v4/leads/notes?{query}", headers=tenant.headers)
    assert errors_of(response)["0"][0][0] == path


async def test_limit_above_the_maximum_is_422(client, tenant):
    response = await client.get("/api/v4/leads/notes?limit=251", headers=tenant.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_updated_at_forms(client, tenant):
    lead = await make_entity(client, tenant)
    ids = await add_ok(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "common", "params": {"text": str(stamp)}, "updated_at": stamp}
        for stamp in (1000, 2000, 3000)])

    async def found(query: str) -> list[int]:
        response = await client.get(f"/api/v4/leads/notes?{query}", headers=tenant.headers)
        return [] if response.status_code == 204 else [n["id"] for n in response.json()["_embedded"]["notes"]]

    assert await found("filter[updated_at]=2000") == ids[1:]
    assert await found("filter[updated_at][]=1000&filter[updated_at][]=2000") == ids[:2]
    assert await found("filter[updated_at][to]=1999") == ids[:1]
    assert await found("filter[updated_at]=") == ids
    assert await found("filter[note_type]=common,sms_in&filter[id][0]=" + str(ids[2])) == ids[2:]


def test_params_library_keeps_what_was_sent():
    clean, problems = check_params("geolocation", {"longitude": " 37.6 ", "latitude": 55, "text": "",
                                                   "address": None, "extra": 1})
    assert problems == [] and clean == {"text": "", "longitude": "37.6", "latitude": 55}
    clean, problems = check_params("call_out", {"phone": 15551234567, "duration": 1.0, "source": "pbx",
                                                "call_responsible": "Alice", "uniq": ""})
    assert clean == {"duration": 1, "source": "pbx", "phone": "15551234567", "call_responsible": "Alice"}
    _, problems = check_params("task_result", {"text": "", "task_id": 0})
    assert [(p.path, p.code) for p in problems] == [("params.task_id", "InvalidValue")]
    _, problems = check_params("common", ["text"])
    assert [(p.path, p.code) for p in problems] == [("params", "InvalidType")]


async def test_answers_match_their_documented_models(client, tenant):
    lead = await make_entity(client, tenant)
    added = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "x"}}])
    NotesWritten.model_validate(added.json())
    note_id = added.json()["_embedded"]["notes"][0]["id"]
    NoteOut.model_validate((await client.get(f"/api/v4/leads/notes/{note_id}?with=is_pinned",
                                             headers=tenant.headers)).json())
    NotesPage.model_validate((await client.get("/api/v4/leads/notes?limit=1", headers=tenant.headers)).json())
    edited = await client.patch(f"/api/v4/leads/{lead}/notes/{note_id}", headers=tenant.headers,
                                json={"params": {"text": "y"}})
    NoteWritten.model_validate(edited.json())
    NotesWritten.model_validate((await client.patch("/api/v4/leads/notes", headers=tenant.headers,
                                                    json=[{"id": note_id, "params": {"text": "z"}}])).json())


def test_the_document_describes_bodies_and_answers(app):
    paths = app.openapi()["paths"]
    schemas = app.openapi()["components"]["schemas"]
    add_op = paths["/api/v4/leads/notes"]["post"]
    assert add_op["operationId"] == "notes.add_leads_notes"
    body = add_op["requestBody"]["content"]["application/json"]["schema"]
    assert body["anyOf"][1] == {"$ref": "#/components/schemas/NotesAddItem"}
    # exactly the model: no "type": "string" beside the $ref, which no object answer would match
    assert add_op["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/NotesWritten"}
    variants = {v["properties"]["note_type"]["const"]: v for v in schemas["NotesAddItem"]["oneOf"]}
    assert len(variants) == 10
    assert variants["call_in"]["properties"]["params"]["$ref"].endswith("/CallNoteParams")
    assert variants["common"]["required"] == ["entity_id", "note_type", "params"]
    assert schemas["CallNoteParams"]["required"] == ["duration", "source", "phone"]
    card_add = paths["/api/v4/contacts/{entity_id}/notes"]["post"]["requestBody"]["content"]["application/json"]
    assert card_add["schema"]["anyOf"][1] == {"$ref": "#/components/schemas/NoteIn"}
    listed = paths["/api/v4/companies/notes"]["get"]
    assert listed["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/NotesPage"}
    assert "204" in listed["responses"]
    assert {p["name"] for p in listed["parameters"]} >= {"page", "limit", "with", "filter", "order"}
    pin = paths["/api/v4/leads/notes/{note_id}/pin"]["post"]["responses"]
    assert "204" in pin and "200" not in pin
    single = paths["/api/v4/leads/notes/{note_id}"]["patch"]
    assert single["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/NoteEdit"}
    assert single["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/NoteWritten"}
