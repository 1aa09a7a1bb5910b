"""The typed wire of leads, contacts and companies (issue 10 §1): lax where Kommo clients need it,
Kommo's 400 with exact paths elsewhere, and an OpenAPI document that tells the truth."""

from __future__ import annotations

from typing import Any

import pytest

from tests.entities.helpers import create, get, main_stages


def errors_of(response: Any) -> dict[str, list[tuple[str, str]]]:
    assert response.status_code == 400, response.text
    return {item["request_id"]: [(e["path"], e["code"]) for e in item["errors"]]
            for item in response.json()["validation-errors"]}


# Lax where clients need it ------------------------------------------------------------------------

async def test_digit_strings_and_floats_are_integers(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    response = await client.post("/api/v4/leads", headers=tenant.headers, json=[{
        "name": 42, "price": "1500.4", "pipeline_id": f"{pipeline_id}", "status_id": float(stages[2]),
        "responsible_user_id": f"{tenant.admin.id}", "created_at": 1700000000.0, "score": "7", "request_id": 5}])
    assert response.status_code == 200, response.text
    (added,) = response.json()["_embedded"]["leads"]
    assert added["request_id"] == "5"
    lead = (await get(client, tenant, "leads", added["id"])).json()
    assert (lead["name"], lead["price"], lead["status_id"], lead["score"]) == ("42", 1500, stages[2], 7)
    assert (lead["responsible_user_id"], lead["created_at"]) == (tenant.admin.id, 1700000000)


async def test_a_single_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    response = await client.post("/api/v4/contacts", headers=tenant.headers, json={
        "first_name": "Ana", "whatever": {"nested": [1, 2]}, "group_id": "not read", "is_deleted": "nor this"})
    assert response.status_code == 200, response.text
    (added,) = response.json()["_embedded"]["contacts"]
    assert added["request_id"] == "0"
    assert (await get(client, tenant, "contacts", added["id"])).json()["name"] == "Ana"


async def test_a_patch_that_echoes_the_whole_entity_works(client, tenant):
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    field = {"field_code": "PHONE", "values": [{"value": "+15551234567", "enum_code": "WORK"}]}
    (contact_id,) = await create(client, tenant, "contacts", [{
        "name": "Echo", "custom_fields_values": field,
        "_embedded": {"tags": ["vip"], "companies": [{"id": company_id}]}}])
    contact = (await get(client, tenant, "contacts", contact_id)).json()
    echoed = {**contact, "name": "Echoed", "request_id": "r"}
    response = await client.patch(f"/api/v4/contacts/{contact_id}", headers=tenant.headers, json=echoed)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id", "updated_at", "_links"}
    again = (await get(client, tenant, "contacts", contact_id)).json()
    assert again["name"] == "Echoed"
    assert again["custom_fields_values"] == contact["custom_fields_values"]
    assert again["_embedded"]["tags"] == contact["_embedded"]["tags"]
    assert again["_embedded"]["companies"] == contact["_embedded"]["companies"]
    # PHP sends an empty object as []; nulls mean "not given"
    bare = await client.patch("/api/v4/contacts", headers=tenant.headers, json=[{
        "id": str(contact_id), "_embedded": [], "name": None, "custom_fields_values": None, "tags_to_add": None}])
    assert bare.status_code == 200, bare.text
    assert (await get(client, tenant, "contacts", contact_id)).json()["name"] == "Echoed"


async def test_tags_by_id_or_name_and_single_objects(client, tenant):
    (lead_id,) = await create(client, tenant, "leads", [{"name": "T", "_embedded": {"tags": ["a", {"name": "b"}]}}])
    tags = {t["name"]: t["id"] for t in (await get(client, tenant, "leads", lead_id)).json()["_embedded"]["tags"]}
    response = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={
        "tags_to_add": {"name": "c"}, "tags_to_delete": [tags["a"]]})
    assert response.status_code == 200, response.text
    names = [t["name"] for t in (await get(client, tenant, "leads", lead_id)).json()["_embedded"]["tags"]]
    assert names == ["b", "c"]
    bad = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={
        "tags_to_add": [{"color": "EBEBEB"}, {"id": "x"}]})
    assert errors_of(bad) == {"0": [("tags_to_add.0", "NotBlank"), ("tags_to_add.1.id", "InvalidType")]}


async def test_custom_field_values_by_code_with_echoed_keys(client, tenant):
    response = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[
        {"name": "Budget", "type": "numeric", "code": "BUDGET"}])
    field = response.json()["_embedded"]["custom_fields"][0]
    (lead_id,) = await create(client, tenant, "leads", [{"name": "V", "custom_fields_values": [{
        "field_id": None, "field_code": "BUDGET", "field_name": "Budget", "field_type": "numeric",
        "values": {"value": "12"}}]}])
    values = (await get(client, tenant, "leads", lead_id)).json()["custom_fields_values"]
    assert [(v["field_id"], v["values"][0]["value"]) for v in values] == [(field["id"], 12)]


async def test_bare_ids_and_objects_in_a_trash_batch(client, tenant):
    ids = await create(client, tenant, "companies", [{"name": "A"}, {"name": "B"}])
    response = await client.request("DELETE", "/api/v4/companies", headers=tenant.headers,
                                    json=[ids[0], {"id": str(ids[1])}])
    assert response.status_code == 204, response.text
    assert (await client.get("/api/v4/companies", headers=tenant.headers)).status_code == 204
    bad = await client.request("DELETE", "/api/v4/companies", headers=tenant.headers, json=[{"id": "x"}, 0])
    assert errors_of(bad) == {"0": [("id", "InvalidType")], "1": [("id", "OutOfRange")]}


# Strict elsewhere ------------------------------------------------------------------------------------

async def test_wrong_types_name_the_exact_path(client, tenant):
    response = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[
        {"name": "Size", "type": "numeric"}])
    field_id = response.json()["_embedded"]["custom_fields"][0]["id"]
    response = await client.post("/api/v4/leads", headers=tenant.headers, json=[
        {"name": "fine"},
        {"request_id": "envelope", "price": "lots", "custom_fields_values": [{"field_id": field_id, "values": [5]}],
         "_embedded": {"companies": [{"id": 1}, {"id": 2}], "contacts": [{"is_main": True}]}},
        {"request_id": "value", "custom_fields_values": [{"field_id": field_id, "values": [{"value": "abc"}]}]},
    ])
    errors = errors_of(response)
    assert list(errors) == ["envelope"]  # items are typed first: database checks wait for a valid batch
    assert sorted(errors["envelope"]) == [
        ("_embedded.companies", "InvalidValue"), ("_embedded.contacts.0.id", "NotBlank"),
        ("custom_fields_values.0.values.0", "InvalidType"), ("price", "InvalidType")]
    values = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "fine"}, {
        "request_id": "value", "custom_fields_values": [{"field_id": field_id, "values": [{"value": "abc"}]}]}])
    assert [path for path, _ in errors_of(values)["value"]] == ["custom_fields_values.0.values.0.value"]


async def test_values_beyond_the_columns_are_400_not_500(client, tenant):
    """``score`` is a 32-bit column and a name holds 255 characters (PostgreSQL refused both with a 500)."""
    response = await client.post("/api/v4/leads", headers=tenant.headers, json=[
        {"score": 2**31}, {"labor_cost": -1}, {"price": 1e300}, {"name": "x" * 256}])
    assert errors_of(response) == {"0": [("score", "OutOfRange")], "1": [("labor_cost", "OutOfRange")],
                                   "2": [("price", "OutOfRange")], "3": [("name", "TooLong")]}
    (contact_id,) = await create(client, tenant, "contacts", [{"first_name": "a" * 255, "last_name": "b" * 255}])
    name = (await get(client, tenant, "contacts", contact_id)).json()["name"]
    assert len(name) == 255 and name.startswith("a")


async def test_a_batch_update_item_needs_an_id(client, tenant):
    response = await client.patch("/api/v4/leads", headers=tenant.headers, json=[{"name": "x"}, {"id": "abc"}])
    assert errors_of(response) == {"0": [("id", "NotBlank")], "1": [("id", "InvalidType")]}


# List queries ----------------------------------------------------------------------------------------

async def test_list_query_limits_and_types(client, tenant):
    await create(client, tenant, "leads", [{"name": "Q"}])
    assert (await client.get("/api/v4/leads?limit=251", headers=tenant.headers)).status_code == 422
    assert (await client.get("/api/v4/leads?limit=", headers=tenant.headers)).status_code == 200  # was a 500
    assert (await client.get("/api/v4/contacts?limit=&page=", headers=tenant.headers)).status_code in (200, 204)
    response = await client.get("/api/v4/leads?filter[id][]=1&filter[id][]=abc", headers=tenant.headers)
    assert errors_of(response) == {"0": [("filter.id.1", "InvalidType")]}
    response = await client.get("/api/v4/leads?filter[statuses][0][pipeline_id]=1", headers=tenant.headers)
    assert errors_of(response) == {"0": [("filter.statuses.0.status_id", "NotBlank")]}
    response = await client.get("/api/v4/leads?filter[price][from]=x", headers=tenant.headers)
    assert errors_of(response) == {"0": [("filter.price.from", "InvalidType")]}
    response = await client.get("/api/v4/leads?filter[price][above]=1", headers=tenant.headers)
    assert response.status_code == 400 and "filter[price]" in response.json()["detail"]
    assert (await client.get("/api/v4/leads?order[id]=DESC&order[nom]=asc",
                             headers=tenant.headers)).status_code == 400  # nom is not orderable


@pytest.mark.parametrize("query", ["filter[updated_at]=1", "filter[updated_at][]=1&filter[updated_at][]=2",
                                   "filter[updated_at][from]=&filter[updated_at][to]=", "filter=",
                                   "filter[custom_fields_values]=", "order[id]=Desc", "with=contacts,loss_reason"])
async def test_readable_list_queries(client, tenant, query):
    await create(client, tenant, "leads", [{"name": "R"}])
    response = await client.get(f"/api/v4/leads?{query}", headers=tenant.headers)
    assert response.status_code in (200, 204), response.text


# The document ----------------------------------------------------------------------------------------

def test_the_document_tells_the_truth(app):
    document = app.openapi()
    leads = document["paths"]["/api/v4/leads"]
    body = leads["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"anyOf": [{"type": "array", "items": {"$ref": "#/components/schemas/LeadIn"}},
                              {"$ref": "#/components/schemas/LeadIn"}]}
    ok = leads["post"]["responses"]["200"]["content"]["application/hal+json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/LeadsAdded"}
    assert {"200", "204"} <= set(leads["get"]["responses"])
    assert "200" not in leads["delete"]["responses"] and "204" in leads["delete"]["responses"]
    params = {p["name"]: p for p in leads["get"]["parameters"]}
    assert params["filter"]["style"] == "deepObject" and {"limit", "page", "with", "order", "query"} <= set(params)
    schemas = document["components"]["schemas"]
    assert {"price", "status_id", "_embedded", "tags_to_add", "custom_fields_values"} <= set(schemas["LeadIn"]
                                                                                              ["properties"])
    assert "id" in schemas["LeadUpdate"]["required"]
    assert {"price", "statuses", "custom_fields_values"} <= set(schemas["LeadFilter"]["properties"])
    contact = document["paths"]["/api/v4/contacts/{entity_id}"]
    assert contact["patch"]["operationId"] == "entities.update_one_contacts"
    assert contact["get"]["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/ContactItem"}
