from __future__ import annotations

import pytest

from tests.entities.helpers import create, email, events_of, get, phone

CONTACT_KEYS = {"id", "name", "first_name", "last_name", "responsible_user_id", "group_id", "created_by",
                "updated_by", "created_at", "updated_at", "closest_task_at", "is_deleted", "is_unsorted",
                "custom_fields_values", "account_id", "_links", "_embedded"}


async def test_contact_round_trip_with_phone_email_and_tags(client, tenant):
    (contact_id,) = await create(client, tenant, "contacts", [{
        "first_name": "Ana", "last_name": "García", "request_id": "r1",
        "custom_fields_values": [phone("+7 (912) 345-67-89"), email("Ana@Example.COM")],
        "_embedded": {"tags": [{"name": "vip"}]},
    }])
    body = (await get(client, tenant, "contacts", contact_id)).json()
    assert set(body) == CONTACT_KEYS
    assert body["name"] == "Ana García"
    assert body["responsible_user_id"] == tenant.admin.id
    assert body["is_deleted"] is False and body["closest_task_at"] is None
    fields = {f["field_code"]: f for f in body["custom_fields_values"]}
    assert fields["PHONE"]["field_type"] == "multitext"
    assert fields["PHONE"]["values"][0]["enum_code"] == "WORK"
    assert isinstance(fields["PHONE"]["values"][0]["enum_id"], int)
    assert [t["name"] for t in body["_embedded"]["tags"]] == ["vip"]
    assert body["_embedded"]["companies"] == []


async def test_create_answers_ids_with_request_ids_in_order(client, tenant):
    response = await client.post("/api/v4/contacts", headers=tenant.headers,
                                 json=[{"name": "A"}, {"name": "B", "request_id": "custom"}])
    items = response.json()["_embedded"]["contacts"]
    assert [i["request_id"] for i in items] == ["0", "custom"]
    assert set(items[0]) == {"id", "request_id", "_links"}
    assert items[0]["_links"]["self"]["href"] == f"http://127.0.0.1:8000/api/v4/contacts/{items[0]['id']}"


@pytest.mark.parametrize("query", ["+79123456789", "89123456789", "0079123456789", "+7 912 345-67-89"])
async def test_find_contact_by_phone_in_any_format(client, tenant, query):
    from urllib.parse import quote

    account_country = "RU"
    from kanbo.core.db import bind_account
    from kanbo.models.accounts import Account

    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        account = await session.get(Account, tenant.id)
        account.country = account_country
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Ivan",
                                                               "custom_fields_values": [phone("+7 (912) 345-67-89")]}])
    await create(client, tenant, "contacts", [{"name": "Other", "custom_fields_values": [phone("+7 912 000-00-00")]}])
    found = await client.get(f"/api/v4/contacts?query={quote(query)}", headers=tenant.headers)
    assert found.status_code == 200, query
    assert [c["id"] for c in found.json()["_embedded"]["contacts"]] == [contact_id]


async def test_find_by_email_is_case_insensitive(client, tenant):
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Mail", "custom_fields_values": [
        email("Some.One@Example.com")]}])
    found = await client.get("/api/v4/contacts?query=some.one@EXAMPLE.com", headers=tenant.headers)
    assert [c["id"] for c in found.json()["_embedded"]["contacts"]] == [contact_id]


async def test_batch_update_and_single_patch_answer_updated_at(client, tenant):
    ids = await create(client, tenant, "contacts", [{"name": "A"}, {"name": "B"}])
    batch = await client.patch("/api/v4/contacts", headers=tenant.headers,
                               json=[{"id": ids[0], "name": "A2"}, {"id": ids[1], "last_name": "Z", "request_id": "b"}])
    assert batch.status_code == 200, batch.text
    items = batch.json()["_embedded"]["contacts"]
    assert [i["request_id"] for i in items] == ["0", "b"]
    assert all(isinstance(i["updated_at"], int) for i in items)
    single = await client.patch(f"/api/v4/contacts/{ids[0]}", headers=tenant.headers,
                                json={"first_name": "Ana", "updated_at": 1700000000.0, "_embedded": {},
                                      "is_deleted": False, "account_id": 1})
    assert single.status_code == 200, single.text
    assert set(single.json()) == {"id", "updated_at", "_links"}
    assert (await get(client, tenant, "contacts", ids[0])).json()["name"] == "Ana"
    second = (await get(client, tenant, "contacts", ids[1])).json()
    assert (second["first_name"], second["last_name"], second["name"]) == ("", "Z", "Z")


async def test_batch_is_atomic(client, tenant):
    before = await client.get("/api/v4/contacts", headers=tenant.headers)
    response = await client.post("/api/v4/contacts", headers=tenant.headers, json=[
        {"name": "Fine"}, {"name": "Bad", "custom_fields_values": [email("not-an-email")], "request_id": "b"},
        {"name": "Also bad", "responsible_user_id": 999999999}])
    assert response.status_code == 400
    errors = response.json()["validation-errors"]
    assert [e["request_id"] for e in errors] == ["b", "2"]
    assert errors[0]["errors"][0]["path"].startswith("custom_fields_values.0.values.0")
    assert errors[1]["errors"][0]["path"] == "responsible_user_id"
    after = await client.get("/api/v4/contacts", headers=tenant.headers)
    assert after.status_code == before.status_code == 204


async def test_trash_and_restore(client, tenant, db):
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Gone"}])
    assert (await client.delete(f"/api/v4/contacts/{contact_id}", headers=tenant.headers)).status_code == 204
    assert (await get(client, tenant, "contacts", contact_id)).status_code == 204
    assert (await client.get("/api/v4/contacts", headers=tenant.headers)).status_code == 204
    trash = (await client.get("/api/v4/contacts?with=only_deleted", headers=tenant.headers)).json()
    assert [(c["id"], c["is_deleted"]) for c in trash["_embedded"]["contacts"]] == [(contact_id, True)]
    assert (await client.delete(f"/api/v4/contacts/{contact_id}", headers=tenant.headers)).status_code == 404
    restored = await client.post(f"/api/v4/contacts/{contact_id}/restore", headers=tenant.headers)
    assert restored.status_code == 200 and restored.json()["is_deleted"] is False
    types = [e.type for e in await events_of(db, tenant, "contact", contact_id)]
    assert types == ["contact_added", "contact_deleted", "contact_restored"]


async def test_update_records_events_with_before_and_after(client, tenant, db):
    other = await tenant.add_user(name="Seller")
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Before"}])
    await client.patch(f"/api/v4/contacts/{contact_id}", headers=tenant.headers,
                       json={"name": "After", "responsible_user_id": other.id,
                             "custom_fields_values": [phone("+15551234567")], "tags_to_add": [{"name": "hot"}]})
    events = {e.type: e for e in await events_of(db, tenant, "contact", contact_id)}
    assert events["name_field_changed"].value_before == [{"name_field_value": {"name": "Before"}}]
    assert events["name_field_changed"].value_after == [{"name_field_value": {"name": "After"}}]
    assert events["entity_responsible_changed"].value_after == [{"responsible_user": {"id": other.id}}]
    assert events["custom_field_value_changed"].value_after[0]["custom_field_value"]["text"]
    assert events["entity_tag_added"].value_after == [{"tag": {"name": "hot"}}]
    assert events["name_field_changed"].created_by == tenant.admin.id


async def test_company_with_contacts_and_leads(client, tenant):
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "C", "_embedded": {"companies": [
        {"id": company_id}]}}])
    contact = (await get(client, tenant, "contacts", contact_id)).json()
    assert [c["id"] for c in contact["_embedded"]["companies"]] == [company_id]
    company = (await get(client, tenant, "companies", company_id, "?with=contacts,leads")).json()
    assert [c["id"] for c in company["_embedded"]["contacts"]] == [contact_id]
    assert company["_embedded"]["leads"] == []
    bad = await client.post("/api/v4/contacts", headers=tenant.headers,
                            json=[{"name": "X", "_embedded": {"companies": [{"id": 999999999}]}}])
    assert bad.status_code == 400
