"""Every note type clients create: round trip, validation of ``params`` with exact paths, atomic batches."""

from __future__ import annotations

import pytest

from tests.notes.helpers import SAMPLES, add, add_ok, errors_of, events_of, listed, make_entity


@pytest.mark.parametrize("note_type", sorted(SAMPLES))
async def test_each_creatable_type_round_trips(client, tenant, note_type):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": note_type,
                                                     "params": SAMPLES[note_type], "request_id": "mine"}])
    assert response.status_code == 200, response.text
    (created,) = response.json()["_embedded"]["notes"]
    assert created["entity_id"] == lead and created["request_id"] == "mine"
    assert created["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/leads/notes/{created['id']}"
    body = (await client.get(f"/api/v4/leads/notes/{created['id']}", headers=tenant.headers)).json()
    assert body["note_type"] == note_type
    assert body["params"] == SAMPLES[note_type]
    assert body["is_editable"] is True


async def test_note_object_carries_every_key(client, tenant):
    lead = await make_entity(client, tenant)
    (note_id,) = await add_ok(client, tenant, "leads", [{"entity_id": lead, "note_type": "common",
                                                         "params": {"text": "x"}}])
    body = (await client.get(f"/api/v4/leads/{lead}/notes/{note_id}", headers=tenant.headers)).json()
    assert list(body) == ["id", "entity_id", "created_by", "updated_by", "created_at", "updated_at",
                          "responsible_user_id", "group_id", "note_type", "params", "is_editable", "account_id",
                          "_links"]
    assert body["created_by"] == body["updated_by"] == body["responsible_user_id"] == tenant.admin.id
    assert body["group_id"] == 0 and body["account_id"] == tenant.id
    assert isinstance(body["created_at"], int) and body["created_at"] == body["updated_at"]


@pytest.mark.parametrize("entity", ["contacts", "companies"])
async def test_contacts_and_companies_have_notes(client, tenant, entity):
    card = await make_entity(client, tenant, entity)
    (note_id,) = await add_ok(client, tenant, entity, [{"note_type": "sms_out", "params": SAMPLES["sms_out"]}],
                              entity_id=card)
    notes = await listed(client, tenant, f"/api/v4/{entity}/{card}/notes")
    assert [(n["id"], n["entity_id"], n["params"]) for n in notes] == [(note_id, card, SAMPLES["sms_out"])]
    assert notes[0]["_links"]["self"]["href"].endswith(f"/api/v4/{entity}/notes/{note_id}")
    # a lead with the same id has no such note
    assert (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).status_code == 204


async def test_floats_for_ints_and_numbers_as_strings(client, tenant):
    lead = await make_entity(client, tenant)
    ids = await add_ok(client, tenant, "leads", [
        {"entity_id": float(lead), "note_type": "call_in",
         "params": {"duration": 65.0, "call_status": 4.0, "source": "pbx", "phone": 15551234567, "uniq": None,
                    "link": None, "call_responsible": 7.0}},
        {"entity_id": lead, "note_type": "geolocation", "params": {"longitude": "37.6173", "latitude": "55.7558",
                                                                   "text": None}},
        {"entity_id": lead, "note_type": "common", "params": {"text": "x", "unknown": 1},
         "is_need_to_trigger_digital_pipeline": True},
    ])
    call, geo, note = [(await client.get(f"/api/v4/leads/notes/{i}", headers=tenant.headers)).json()["params"]
                       for i in ids]
    assert call == {"duration": 65, "call_status": 4, "source": "pbx", "phone": "15551234567",
                    "call_responsible": 7}
    assert isinstance(call["duration"], int)
    assert geo == {"longitude": "37.6173", "latitude": "55.7558"}
    assert note == {"text": "x"}


BAD = [
    ("common", {}, "params.text", "NotBlank"),
    ("common", {"text": "   "}, "params.text", "NotBlank"),
    ("common", {"text": ["x"]}, "params.text", "InvalidType"),
    ("common", "text", "params", "InvalidType"),
    ("call_in", {**SAMPLES["call_in"], "duration": -1}, "params.duration", "InvalidValue"),
    ("call_in", {**SAMPLES["call_in"], "duration": "long"}, "params.duration", "InvalidType"),
    ("call_in", {**SAMPLES["call_in"], "duration": 6.5}, "params.duration", "InvalidType"),
    ("call_out", {**SAMPLES["call_out"], "call_status": 9}, "params.call_status", "NotSupportedChoice"),
    ("call_out", {**SAMPLES["call_out"], "call_status": 0}, "params.call_status", "NotSupportedChoice"),
    ("call_in", {**SAMPLES["call_in"], "link": "ftp://records.example.com/1.mp3"}, "params.link", "InvalidValue"),
    ("call_in", {**SAMPLES["call_in"], "link": "not a url"}, "params.link", "InvalidValue"),
    ("call_in", {**SAMPLES["call_in"], "phone": None}, "params.phone", "NotBlank"),
    ("call_out", {k: v for k, v in SAMPLES["call_out"].items() if k != "source"}, "params.source", "NotBlank"),
    ("call_in", {**SAMPLES["call_in"], "call_responsible": {"id": 1}}, "params.call_responsible", "InvalidType"),
    ("service_message", {"text": "x"}, "params.service", "NotBlank"),
    ("extended_service_message", {"service": "s"}, "params.text", "NotBlank"),
    ("message_cashier", {"status": "paid", "text": "x"}, "params.status", "NotSupportedChoice"),
    ("message_cashier", {"status": "shown"}, "params.text", "NotBlank"),
    ("geolocation", {**SAMPLES["geolocation"], "latitude": 91}, "params.latitude", "InvalidValue"),
    ("geolocation", {**SAMPLES["geolocation"], "longitude": -180.5}, "params.longitude", "InvalidValue"),
    ("geolocation", {**SAMPLES["geolocation"], "longitude": "east"}, "params.longitude", "InvalidType"),
    ("geolocation", {"text": "x", "latitude": 1}, "params.longitude", "NotBlank"),
    ("sms_in", {"phone": "+1555"}, "params.text", "NotBlank"),
    ("sms_out", {"text": "x"}, "params.phone", "NotBlank"),
    ("attachment", {**SAMPLES["attachment"], "file_uuid": "nope"}, "params.file_uuid", "InvalidValue"),
    ("attachment", {**SAMPLES["attachment"], "version_uuid": 12}, "params.version_uuid", "InvalidType"),
    ("attachment", {"file_uuid": SAMPLES["attachment"]["file_uuid"]}, "params.file_name", "NotBlank"),
    ("attachment", {**SAMPLES["attachment"], "is_drive_attachment": "maybe"}, "params.is_drive_attachment",
     "InvalidType"),
]


@pytest.mark.parametrize("note_type,params,path,code", BAD)
async def test_bad_params_name_their_path(client, tenant, note_type, params, path, code):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": note_type, "params": params}])
    assert errors_of(response) == {"0": [(path, code)]}
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("item,path,code", [
    ({"note_type": "chat", "params": {}}, "note_type", "NotSupportedChoice"),
    ({"note_type": "task_result", "params": {"text": "done", "task_id": 1}}, "note_type", "NotSupportedChoice"),
    ({"note_type": 4, "params": {"text": "x"}}, "note_type", "NotSupportedChoice"),
    ({"params": {"text": "x"}}, "note_type", "NotBlank"),
])
async def test_note_type_must_be_creatable(client, tenant, item, path, code):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [{"entity_id": lead, **item}])
    assert errors_of(response) == {"0": [(path, code)]}


@pytest.mark.parametrize("entity_id,code", [(None, "NotBlank"), ("abc", "InvalidType"), (0, "InvalidType"),
                                            (10**17, "NotFound")])
async def test_entity_id_is_required_and_must_exist(client, tenant, entity_id, code):
    item = {"note_type": "common", "params": {"text": "x"}}
    if entity_id is not None:
        item["entity_id"] = entity_id
    response = await add(client, tenant, "leads", [item])
    assert errors_of(response) == {"0": [("entity_id", code)]}


async def test_a_batch_is_atomic(client, tenant):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "common", "params": {"text": "fine"}},
        {"entity_id": lead, "note_type": "call_in", "params": {**SAMPLES["call_in"], "duration": -5},
         "request_id": "second"},
        {"entity_id": lead, "note_type": "sms_in", "params": {"text": "fine", "phone": "1"}},
        {"entity_id": lead, "note_type": "common", "params": {}},
    ])
    assert errors_of(response) == {"second": [("params.duration", "InvalidValue")], "3": [("params.text", "NotBlank")]}
    assert await listed(client, tenant, f"/api/v4/leads/{lead}/notes") == []
    assert [e.type for e in await events_of(tenant, "lead", lead)] == ["lead_added"]


async def test_a_batch_with_a_missing_entity_writes_nothing(client, tenant):
    lead = await make_entity(client, tenant)
    response = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "a"}},
                                                   {"entity_id": lead + 1000, "note_type": "common",
                                                    "params": {"text": "b"}}])
    assert errors_of(response) == {"1": [("entity_id", "NotFound")]}
    assert await listed(client, tenant, f"/api/v4/leads/{lead}/notes") == []


async def test_batch_limit_and_empty_body(client, tenant):
    lead = await make_entity(client, tenant)
    item = {"entity_id": lead, "note_type": "common", "params": {"text": "x"}}
    assert (await add(client, tenant, "leads", [item] * 251)).status_code == 422
    empty = await client.post("/api/v4/leads/notes", headers=tenant.headers, content=b"")
    assert empty.status_code == 400
