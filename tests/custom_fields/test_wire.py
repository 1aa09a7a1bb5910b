"""The typed wire of field definitions and groups (issue 10 §1): lax where Kommo clients need it, exact
error paths, the answers matching their documented models, the published document."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kanbo.core.errors import Errors
from kanbo.custom_fields.field_wire import FieldOut, FieldsPage, FieldsWritten, PlainFieldIn
from kanbo.custom_fields.group_wire import GroupOut, GroupsPage, GroupsWritten
from kanbo.custom_fields.types import FIELD_TYPES
from kanbo.custom_fields.values import load_catalog, write_values
from kanbo.custom_fields.wire import CustomFieldValueIn
from tests.custom_fields.helpers import CONTACT_FIELDS, account_session, add_field, errors_of
from tests.custom_fields.test_definitions import every_type_body

GROUPS = f"{CONTACT_FIELDS}/groups"


def by_item(response) -> dict[str, set[tuple[str, str]]]:
    assert response.status_code == 400, response.text
    items = response.json()["validation-errors"]
    return {i["request_id"]: {(e["path"], e["code"]) for e in i["errors"]} for i in items}


async def test_numbers_arrive_as_digit_strings_and_floats(client, tenant):
    field = await add_field(client, tenant, type="select", name="Size", sort="12",
                            enums=[{"value": 5, "sort": "3"}, {"value": "L", "sort": 4.0}])
    assert field["sort"] == 12
    assert [(e["value"], e["sort"]) for e in field["enums"]] == [("5", 3), ("L", 4)]
    batch = await client.patch(CONTACT_FIELDS, headers=tenant.headers,
                               json=[{"id": str(field["id"]), "sort": 7.0, "request_id": 3}])
    assert batch.status_code == 200, batch.text
    item = batch.json()["_embedded"]["custom_fields"][0]
    assert (item["sort"], item["request_id"]) == (7, "3")
    group = await client.post(GROUPS, headers=tenant.headers, json={"name": "G", "sort": "2",
                                                                     "fields": [str(field["id"])]})
    assert group.status_code == 200, group.text
    assert group.json()["_embedded"]["custom_field_groups"][0]["fields"] == [field["id"]]


async def test_one_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    response = await client.post(CONTACT_FIELDS, headers=tenant.headers,
                                 json={"type": "birthday", "name": "Born", "remind": "week", "colour": "red",
                                       "currency": "not-for-birthdays", "enums": "ignored here"})
    assert response.status_code == 200, response.text
    [field] = response.json()["_embedded"]["custom_fields"]
    assert (field["remind"], field["request_id"]) == ("week", "0") and "colour" not in field
    # A client sends back the field it read, with one change.
    echoed = dict((await client.get(f"{CONTACT_FIELDS}/{field['id']}", headers=tenant.headers)).json())
    echoed.update(name="Birthday", request_id="r")
    patched = await client.patch(f"{CONTACT_FIELDS}/{field['id']}", headers=tenant.headers, json=echoed)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["remind"]) == ("Birthday", "week")


async def test_errors_are_named_relative_to_the_item_never_by_its_type(client, tenant):
    response = await client.post(CONTACT_FIELDS, headers=tenant.headers, json=[
        {"type": "select", "name": "S", "enums": [{"value": "a", "sort": "x"}]},
        {"type": "text", "name": "T", "required_statuses": [{"pipeline_id": "abc", "status_id": 1}]},
        {"type": "", "name": "Blank type"},
        {"type": 5, "name": "Number type"},
        {"type": "chained_list", "name": "C", "chained_lists": [{"title": "L"}]},
        {"type": "linked_entity", "name": "L", "search_in": "planets"},
        {"type": "text", "name": "N", "sort": 2**31},
        {"type": "text", "name": "Fine", "code": "bad code!"},
        {"type": "text", "name": 7},
    ])
    assert by_item(response) == {
        "0": {("enums.0.sort", "InvalidType")},
        "1": {("required_statuses.0.pipeline_id", "InvalidType")},
        "2": {("type", "NotBlank")},
        "3": {("type", "NotSupportedChoice")},
        "4": {("chained_lists.0.catalog_id", "NotBlank")},
        "5": {("search_in", "NotSupportedChoice")},
        "6": {("sort", "OutOfRange")},
        "7": {("code", "InvalidValue")},
        "8": {("name", "InvalidType")},
    }


async def test_update_and_group_errors_have_exact_paths(client, tenant):
    field = await add_field(client, tenant, type="monetary", name="Money")
    assert field["currency"] == "USD"  # the account's currency
    batch = await client.patch(CONTACT_FIELDS, headers=tenant.headers, json=[
        {"name": "No id"}, {"id": field["id"], "currency": "ZZZ"}, {"id": field["id"], "is_api_only": "maybe"}])
    assert by_item(batch) == {"0": {("id", "NotBlank")}, "1": {("currency", "NotSupportedChoice")},
                              "2": {("is_api_only", "InvalidType")}}
    one = await client.patch(f"{CONTACT_FIELDS}/{field['id']}", headers=tenant.headers,
                             json={"enums": [{"value": ""}]})
    assert {(e["path"], e["code"]) for e in errors_of(one)} == {("enums.0.value", "NotBlank")}
    groups = await client.post(GROUPS, headers=tenant.headers, json=[
        {"name": "G", "fields": ["x"]}, {"name": " "}, {"name": "Unknown field", "fields": [999999]}])
    assert by_item(groups) == {"0": {("fields.0", "InvalidType")}, "1": {("name", "NotBlank")},
                               "2": {("fields.0", "NotSupportedChoice")}}
    assert (await client.get(GROUPS, headers=tenant.headers)).status_code == 204  # nothing was saved


async def test_list_limits_and_order(client, tenant):
    for path in (CONTACT_FIELDS, GROUPS):
        response = await client.get(path, params={"limit": 251}, headers=tenant.headers)
        assert response.status_code == 422 and response.json()["detail"] == "Limit 250 per page", path
        assert (await client.get(path, params={"order[name]": "asc"}, headers=tenant.headers)).status_code == 400
        empty = await client.get(path + "?limit=&page=", headers=tenant.headers)  # the defaults, not a 500
        assert empty.status_code in (200, 204), (path, empty.text)
    bad_id = await client.get(CONTACT_FIELDS, params={"filter[id][]": "x"}, headers=tenant.headers)
    assert bad_id.status_code == 400
    assert bad_id.json()["validation-errors"][0]["errors"][0]["path"] == "filter.id.0"
    by_type = await client.get(CONTACT_FIELDS, params={"filter[type]": "multitext,url", "order[sort]": "desc",
                                                       "limit": "2.0"}, headers=tenant.headers)
    assert by_type.status_code == 200, by_type.text
    assert [f["code"] for f in by_type.json()["_embedded"]["custom_fields"]] == ["EMAIL", "PHONE"]


async def test_changes_are_refused_to_non_admins_before_the_body_is_read(client, tenant):
    member = await tenant.add_user(name="Seller")
    for method, path, body in (("POST", CONTACT_FIELDS, [{}]), ("PATCH", CONTACT_FIELDS, [{"id": "x"}]),
                               ("PATCH", f"{CONTACT_FIELDS}/1", {"sort": "x"}), ("POST", GROUPS, "not json"),
                               ("PATCH", f"{GROUPS}/x", {"name": 5})):
        response = await client.request(method, path, headers=member.headers, json=body)
        assert response.status_code == 403, (method, path, response.text)


async def test_answers_match_their_documented_models(client, tenant):
    created = await client.post(CONTACT_FIELDS, headers=tenant.headers, json=every_type_body())
    written = FieldsWritten.model_validate(created.json())
    assert len(written.embedded.custom_fields) == len(FIELD_TYPES)
    leads = await add_field(client, tenant, "leads", type="text", name="Lead field")
    FieldOut.model_validate(leads)
    for entity in ("contacts", "leads"):
        page = await client.get(f"/api/v4/{entity}/custom_fields", params={"limit": 250}, headers=tenant.headers)
        FieldsPage.model_validate(page.json())
    groups = await client.post(GROUPS, headers=tenant.headers, json=[{"name": "G"}])
    GroupsWritten.model_validate(groups.json())
    GroupsPage.model_validate((await client.get(GROUPS, headers=tenant.headers)).json())
    group_id = groups.json()["_embedded"]["custom_field_groups"][0]["id"]
    GroupOut.model_validate((await client.get(f"{GROUPS}/{group_id}", headers=tenant.headers)).json())
    with pytest.raises(ValidationError):
        FieldOut.model_validate({**leads, "undocumented": 1})


def test_the_document_shows_bodies_queries_and_answers(app):
    document = app.openapi()
    schemas = document["components"]["schemas"]
    operation = document["paths"]["/api/v4/leads/custom_fields"]["post"]
    assert operation["operationId"] == "custom_fields.leads_add_custom_fields"
    ref = {"$ref": "#/components/schemas/FieldIn"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": ref}, ref]}
    assert schemas["FieldIn"]["discriminator"]["mapping"]["select"] == "#/components/schemas/ChoiceFieldIn"
    assert set(schemas["FieldIn"]["discriminator"]["mapping"]) == set(FIELD_TYPES)
    assert "enums" in schemas["ChoiceFieldIn"]["required"]
    assert operation["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/FieldsWritten"}
    one = document["paths"]["/api/v4/leads/custom_fields/{field_id}"]
    assert one["get"]["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/FieldOut"}
    assert "204" in one["get"]["responses"] and "200" not in one["delete"]["responses"]
    assert one["patch"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FieldPatch"}
    listing = document["paths"]["/api/v4/contacts/custom_fields"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["filter"]["style"] == "deepObject" and {"page", "limit", "order"} <= params.keys()
    groups = document["paths"]["/api/v4/contacts/custom_fields/groups"]
    assert groups["post"]["requestBody"]["content"]["application/json"]["schema"]["anyOf"][1] == {
        "$ref": "#/components/schemas/GroupIn"}
    assert "204" in groups["get"]["responses"]


def test_every_type_has_its_create_model():
    PlainFieldIn.model_validate({"type": "text", "name": "x"})
    with pytest.raises(ValidationError):
        PlainFieldIn.model_validate({"type": "select", "name": "x"})


async def test_the_value_item_entities_may_use(client, tenant):
    field = await add_field(client, tenant, type="select", name="Source", enums=[{"value": "Web"}])
    item = CustomFieldValueIn.model_validate({"field_id": str(field["id"]), "field_name": "echoed",
                                              "field_type": "select", "values": {"value": "Web"}})
    assert item.field_id == field["id"] and len(item.values or []) == 1
    with pytest.raises(ValidationError) as failed:
        CustomFieldValueIn.model_validate({"field_id": "x", "values": [{"enum_id": []}]})
    assert {e["loc"] for e in failed.value.errors()} == {("field_id",), ("values", 0, "enum_id")}
    assert CustomFieldValueIn.model_validate({"field_code": "X", "values": None}).values is None
    with pytest.raises(ValidationError):
        CustomFieldValueIn.model_validate({"field_id": 1})  # values is required (null clears)
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
    typed, raw = Errors(), Errors()
    by_model = write_values(catalog, [], [item], typed, "0")
    by_dict = write_values(catalog, [], [{"field_id": field["id"], "values": [{"value": "Web"}]}], raw, "0")
    assert not typed and not raw and by_model.stored == by_dict.stored
    enum_id = field["enums"][0]["id"]
    assert by_model.stored == [{"field_id": field["id"], "values": [{"enum_id": enum_id}]}]
