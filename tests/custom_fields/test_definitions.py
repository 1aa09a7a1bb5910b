"""Field definitions over the API (spec §12.1-12.3): create every type, read, list, update, validate."""

from __future__ import annotations

from sqlalchemy import select

from kanbo.custom_fields.types import FIELD_TYPES
from kanbo.models.pipelines import Status
from tests.custom_fields.helpers import BASE, CONTACT_FIELDS, account_session, add_field, add_fields, errors_of
from tests.support.factories import make_tenant

ENUMS = [{"value": "Web", "sort": 10}, {"value": "Phone", "sort": 20, "code": "PH"}]
SETTINGS: dict[str, dict] = {
    "select": {"enums": ENUMS}, "multiselect": {"enums": ENUMS}, "radiobutton": {"enums": ENUMS},
    "category": {"enums": ENUMS}, "multitext": {"enums": [{"value": "WORK", "code": "WORK"}, {"value": "HOME"}]},
    "birthday": {"remind": "day"}, "monetary": {"currency": "eur"}, "linked_entity": {"search_in": "contacts"},
    "tracking_data": {"tracking_callback": "function() {}"},
    "chained_list": {"chained_lists": [{"title": "Cities", "catalog_id": 1001, "parent_catalog_id": None}]},
}
FIELD_KEYS = {"id", "name", "type", "account_id", "code", "sort", "is_api_only", "enums", "group_id",
              "required_statuses", "is_deletable", "is_predefined", "entity_type", "_links"}


def every_type_body() -> list[dict]:
    return [{"type": t, "name": f"My {t}", "request_id": f"r-{t}", **SETTINGS.get(t, {})} for t in FIELD_TYPES]


async def test_every_type_can_be_created_with_its_settings(client, tenant):
    response = await client.post(CONTACT_FIELDS, json=every_type_body(), headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    assert body["_total_items"] == len(FIELD_TYPES)
    fields = {f["type"]: f for f in body["_embedded"]["custom_fields"]}
    assert list(fields) == list(FIELD_TYPES)
    for field_type, field in fields.items():
        assert set(field) >= FIELD_KEYS, field_type
        assert field["request_id"] == f"r-{field_type}"
        assert field["name"] == f"My {field_type}" and field["entity_type"] == "contacts"
        assert field["account_id"] == tenant.id and isinstance(field["id"], int) and field["sort"] == 500
        assert field["is_predefined"] is False and field["is_deletable"] is True and field["code"] is None
        assert field["_links"]["self"]["href"] == f"{BASE}{CONTACT_FIELDS}/{field['id']}"
        assert "hidden_statuses" not in field  # leads only
    for field_type in ("select", "multiselect", "radiobutton", "category"):
        enums = fields[field_type]["enums"]
        assert [(e["value"], e["sort"], e["code"]) for e in enums] == [("Web", 10, None), ("Phone", 20, "PH")]
        assert all(isinstance(e["id"], int) for e in enums)
    assert fields["text"]["enums"] is None and fields["date"]["enums"] is None
    assert [e["code"] for e in fields["smart_address"]["enums"]][:3] == ["address_line_1", "address_line_2", "city"]
    assert fields["birthday"]["remind"] == "day"
    assert fields["monetary"]["currency"] == "EUR"
    assert fields["linked_entity"]["search_in"] == "contacts"
    assert fields["tracking_data"]["tracking_callback"] == "function() {}"
    assert fields["chained_list"]["chained_lists"] == [{"title": "Cities", "catalog_id": 1001,
                                                        "parent_catalog_id": None}]
    assert [n["value"] for n in fields["category"]["nested"]] == ["Web", "Phone"]

    one = await client.get(f"{CONTACT_FIELDS}/{fields['birthday']['id']}", headers=tenant.headers)
    assert one.status_code == 200
    assert {k: v for k, v in one.json().items()} == {k: v for k, v in fields["birthday"].items() if k != "request_id"}


async def test_lead_fields_carry_hidden_statuses_and_required_stages(client, tenant):
    async with account_session(tenant) as session:
        pipeline_id, status_id = (await session.execute(select(Status.pipeline_id, Status.id).limit(1))).one()
    stage = {"pipeline_id": pipeline_id, "status_id": status_id}
    field = await add_field(client, tenant, "leads", type="numeric", name="Budget", required_statuses=[stage],
                            hidden_statuses=[stage], code="BUDGET", is_api_only=True)
    assert field["required_statuses"] == [stage] and field["hidden_statuses"] == [stage]
    assert field["code"] == "BUDGET" and field["is_api_only"] is True and field["entity_type"] == "leads"
    assert field["_links"]["self"]["href"] == f"{BASE}/api/v4/leads/custom_fields/{field['id']}"
    bad = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[
        {"type": "text", "name": "X", "required_statuses": [{"pipeline_id": pipeline_id, "status_id": 999999}]}])
    assert {(e["path"], e["code"]) for e in errors_of(bad)} == {("required_statuses.0.status_id",
                                                                 "NotSupportedChoice")}


async def test_validation_errors_name_their_paths_and_nothing_is_saved(client, tenant):
    await add_field(client, tenant, type="text", name="Source", code="SOURCE")
    response = await client.post(CONTACT_FIELDS, headers=tenant.headers, json=[
        {"name": "No type"},
        {"type": "colour", "name": "Unknown type"},
        {"type": "text", "name": "   "},
        {"type": "text", "name": "x" * 256},
        {"type": "text", "name": "Dup", "code": "source"},
        {"type": "select", "name": "No enums", "enums": []},
        {"type": "monetary", "name": "Money", "currency": "XYZ"},
        {"type": "birthday", "name": "Birthday", "remind": "year"},
        {"type": "multitext", "name": "Enum twice", "enums": [{"value": "A"}, {"value": "a"}]},
        {"type": "text", "name": "Batch code", "code": "NEW"},
        {"type": "text", "name": "Batch code again", "code": "NEW"},
    ])
    body = response.json()
    assert response.status_code == 400 and body["detail"] == "Request validation failed"
    by_item = {i["request_id"]: {(e["path"], e["code"]) for e in i["errors"]} for i in body["validation-errors"]}
    assert by_item == {
        "0": {("type", "NotBlank")}, "1": {("type", "NotSupportedChoice")}, "2": {("name", "NotBlank")},
        "3": {("name", "TooLong")}, "4": {("code", "NotUnique")}, "5": {("enums", "NotBlank")},
        "6": {("currency", "NotSupportedChoice")}, "7": {("remind", "NotSupportedChoice")},
        "8": {("enums.1.value", "NotUnique")}, "10": {("code", "NotUnique")},
    }
    listed = await client.get(CONTACT_FIELDS, params={"filter[type][]": "text"}, headers=tenant.headers)
    assert [f["name"] for f in listed.json()["_embedded"]["custom_fields"]] == ["Position", "Source"]


async def test_list_is_hal_paged_and_filtered(client, tenant):
    created = await add_fields(client, tenant, [{"type": "text", "name": f"F{i}", "sort": 600 + i} for i in range(3)])
    response = await client.get(CONTACT_FIELDS, params={"limit": 2, "filter[type][]": "text"},
                                headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["_total_items"], body["_page"], body["_page_count"]) == (4, 1, 2)  # + predefined POSITION
    assert body["_links"]["self"]["href"].startswith(f"{BASE}{CONTACT_FIELDS}?")
    next_href = body["_links"]["next"]["href"]
    assert next_href.startswith(f"{BASE}{CONTACT_FIELDS}?") and "page=2" in next_href and "limit=2" in next_href
    assert "filter%5Btype%5D%5B%5D=text" in next_href  # every original parameter, as the client sent it
    assert [f["type"] for f in body["_embedded"]["custom_fields"]] == ["text", "text"]
    last = await client.get(CONTACT_FIELDS, params={"limit": 2, "page": 2, "filter[type][]": "text"},
                            headers=tenant.headers)
    assert "next" not in last.json()["_links"] and len(last.json()["_embedded"]["custom_fields"]) == 2
    by_id = await client.get(CONTACT_FIELDS, headers=tenant.headers,
                             params=[("filter[id][]", created[2]["id"]), ("filter[id][]", created[0]["id"]),
                                     ("order[id]", "desc")])
    assert [f["id"] for f in by_id.json()["_embedded"]["custom_fields"]] == [created[2]["id"], created[0]["id"]]
    nothing = await client.get(CONTACT_FIELDS, params={"filter[id][]": 999999}, headers=tenant.headers)
    assert nothing.status_code == 204 and nothing.content == b""
    past_end = await client.get(CONTACT_FIELDS, params={"page": 50}, headers=tenant.headers)
    assert past_end.status_code == 204


async def test_get_of_missing_or_foreign_field_is_204(client, tenant, db):
    other = await make_tenant(db)
    foreign = await add_field(client, other, type="text", name="Theirs")
    for path in (f"{CONTACT_FIELDS}/{foreign['id']}", f"{CONTACT_FIELDS}/999999", f"{CONTACT_FIELDS}/{10**20}",
                 f"/api/v4/leads/custom_fields/{foreign['id']}"):
        response = await client.get(path, headers=tenant.headers)
        assert response.status_code == 204 and response.content == b"", path
    assert (await client.patch(f"{CONTACT_FIELDS}/{foreign['id']}", json={"name": "Mine"},
                               headers=tenant.headers)).status_code == 404
    assert (await client.delete(f"{CONTACT_FIELDS}/{foreign['id']}", headers=tenant.headers)).status_code == 404
    assert (await client.delete(f"{CONTACT_FIELDS}/{10**20}", headers=tenant.headers)).status_code == 404
    assert (await client.get(f"{CONTACT_FIELDS}/abc", headers=tenant.headers)).status_code == 404  # not a route


async def test_patch_updates_fields_and_enums(client, tenant):
    field = await add_field(client, tenant, type="select", name="Source", enums=ENUMS)
    web, phone = field["enums"]
    response = await client.patch(f"{CONTACT_FIELDS}/{field['id']}", headers=tenant.headers, json={
        "type": "select", "name": "Lead source", "sort": 7, "code": "LEAD_SOURCE",
        "enums": [{"id": phone["id"], "value": "Telephone", "sort": 1}, {"value": "Email", "sort": 5, "code": "EM"}],
    })
    assert response.status_code == 200, response.text
    updated = response.json()
    assert "request_id" not in updated
    assert (updated["name"], updated["sort"], updated["code"]) == ("Lead source", 7, "LEAD_SOURCE")
    enums = updated["enums"]
    assert [(e["value"], e["sort"], e["code"]) for e in enums] == [("Telephone", 1, "PH"), ("Email", 5, "EM")]
    assert enums[0]["id"] == phone["id"] and web["id"] not in {e["id"] for e in enums}

    batch = await client.patch(CONTACT_FIELDS, headers=tenant.headers, json=[
        {"id": field["id"], "name": "Origin", "request_id": "x"}])
    assert batch.status_code == 200
    item = batch.json()["_embedded"]["custom_fields"][0]
    assert (item["name"], item["request_id"], item["code"]) == ("Origin", "x", "LEAD_SOURCE")
    assert len(item["enums"]) == 2  # enums untouched when not sent


async def test_patch_refusals(client, tenant):
    field = await add_field(client, tenant, type="text", name="Plain")
    other = await add_field(client, tenant, type="select", name="Choice", enums=ENUMS)
    wrong = await client.patch(CONTACT_FIELDS, headers=tenant.headers, json=[
        {"id": field["id"], "type": "numeric"},
        {"id": 999999, "name": "Ghost"},
        {"id": other["id"], "enums": [{"id": 1, "value": "Foreign enum id"}]},
        {"id": other["id"], "name": "Twice"},
    ])
    items = wrong.json()["validation-errors"]
    by_item = {i["request_id"]: {(e["path"], e["code"]) for e in i["errors"]} for i in items}
    assert by_item == {"0": {("type", "NotEditable")}, "1": {("id", "NotFound")},
                       "2": {("enums.0.id", "NotSupportedChoice")}, "3": {("id", "NotUnique")}}
    unchanged = await client.get(f"{CONTACT_FIELDS}/{other['id']}", headers=tenant.headers)
    assert unchanged.json()["name"] == "Choice"


async def test_writes_are_admin_only_reads_are_not(client, tenant):
    member = await tenant.add_user(name="Seller")
    field = await add_field(client, tenant, type="text", name="Visible")
    attempts = [
        client.post(CONTACT_FIELDS, json=[{"type": "text", "name": "Nope"}], headers=member.headers),
        client.patch(CONTACT_FIELDS, json=[{"id": field["id"], "name": "Nope"}], headers=member.headers),
        client.patch(f"{CONTACT_FIELDS}/{field['id']}", json={"name": "Nope"}, headers=member.headers),
        client.delete(f"{CONTACT_FIELDS}/{field['id']}", headers=member.headers),
        client.post(f"{CONTACT_FIELDS}/groups", json=[{"name": "Nope"}], headers=member.headers),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 403, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 403
    assert (await client.get(f"{CONTACT_FIELDS}/{field['id']}", headers=member.headers)).json()["name"] == "Visible"
    assert (await client.get(CONTACT_FIELDS, headers=member.headers)).status_code == 200


async def test_groups_crud(client, tenant):
    fields = await add_fields(client, tenant, [{"type": "text", "name": "A"}, {"type": "text", "name": "B"}],
                              entity="leads")
    created = await client.post("/api/v4/leads/custom_fields/groups", headers=tenant.headers,
                                json=[{"name": "Delivery", "sort": 3, "request_id": "g"}, {"name": "Billing"}])
    assert created.status_code == 200, created.text
    delivery, billing = created.json()["_embedded"]["custom_field_groups"]
    assert delivery["id"].startswith("leads_") and delivery["id"] != billing["id"]
    assert (delivery["request_id"], billing["request_id"]) == ("g", "1")
    assert {k: delivery[k] for k in ("name", "sort", "entity_type", "is_predefined", "type", "fields")} == {
        "name": "Delivery", "sort": 3, "entity_type": "leads", "is_predefined": False,
        "type": "custom_field_group", "fields": []}
    path = f"/api/v4/leads/custom_fields/groups/{delivery['id']}"
    assert delivery["_links"]["self"]["href"] == BASE + path

    patched = await client.patch(path, headers=tenant.headers,
                                 json={"name": "Shipping", "fields": [fields[1]["id"], fields[0]["id"]]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Shipping" and patched.json()["fields"] == [fields[0]["id"], fields[1]["id"]]
    field = await client.get(f"/api/v4/leads/custom_fields/{fields[0]['id']}", headers=tenant.headers)
    assert field.json()["group_id"] == delivery["id"]
    moved = await client.patch(f"/api/v4/leads/custom_fields/{fields[0]['id']}", headers=tenant.headers,
                               json={"group_id": billing["id"]})
    assert moved.json()["group_id"] == billing["id"]
    bad = await client.patch(path, headers=tenant.headers, json={"fields": [999999]})
    assert {(e["path"], e["code"]) for e in errors_of(bad)} == {("fields.0", "NotSupportedChoice")}

    listed = await client.get("/api/v4/leads/custom_fields/groups", headers=tenant.headers)
    assert listed.json()["_total_items"] == 2
    assert [g["fields"] for g in listed.json()["_embedded"]["custom_field_groups"]] == [[fields[0]["id"]],
                                                                                       [fields[1]["id"]]]
    assert (await client.get("/api/v4/contacts/custom_fields/groups", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"/api/v4/contacts/custom_fields/groups/{delivery['id']}",
                             headers=tenant.headers)).status_code == 204
    assert (await client.delete(path, headers=tenant.headers)).status_code == 204
    assert (await client.get(path, headers=tenant.headers)).status_code == 204
    field = await client.get(f"/api/v4/leads/custom_fields/{fields[1]['id']}", headers=tenant.headers)
    assert field.json()["group_id"] is None
    assert (await client.delete(path, headers=tenant.headers)).status_code == 404
