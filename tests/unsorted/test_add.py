"""Adding incoming leads: forms, sip and (Kanbo extension) chats; validation and duplicates."""

from __future__ import annotations

import re

from tests.entities.helpers import create, get, main_stages, phone
from tests.unsorted.helpers import add, form, notes_of, set_country, sip


async def test_form_creates_unsorted_lead_contact_and_company(client, tenant):
    response = await client.post("/api/v4/leads/unsorted/forms", headers=tenant.headers,
                                  json=[form(request_id="r1")])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["_total_items"] == 1
    (item,) = body["_embedded"]["unsorted"]
    assert re.fullmatch(r"[0-9a-f]{32}", item["uid"])
    assert item["request_id"] == "r1" and item["account_id"] == tenant.id
    assert item["_links"]["self"]["href"].endswith(f"/api/v4/leads/unsorted/{item['uid']}")
    assert item["duplicate_of"] == []
    (lead_ref,) = item["_embedded"]["leads"]
    (contact_ref,) = item["_embedded"]["contacts"]
    (company_ref,) = item["_embedded"]["companies"]
    assert lead_ref["_links"]["self"]["href"].endswith(f"/api/v4/leads/{lead_ref['id']}")

    pipeline_id, statuses = await main_stages(client, tenant)
    lead = (await get(client, tenant, "leads", lead_ref["id"], "?with=contacts")).json()
    assert (lead["pipeline_id"], lead["status_id"]) == (pipeline_id, statuses[0])  # the Incoming stage
    assert lead["is_unsorted"] is True and lead["price"] == 500
    assert lead["_embedded"]["contacts"][0]["id"] == contact_ref["id"]
    assert lead["_embedded"]["companies"][0]["id"] == company_ref["id"]
    contact = (await get(client, tenant, "contacts", contact_ref["id"])).json()
    assert contact["is_unsorted"] is True
    assert contact["_embedded"]["companies"][0]["id"] == company_ref["id"]
    # Hidden from the contact and company lists until accepted.
    assert (await client.get("/api/v4/contacts", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/companies", headers=tenant.headers)).status_code == 204


async def test_get_echoes_every_metadata_key(client, tenant):
    (item,) = await add(client, tenant, "forms", [form()])
    response = await client.get(f"/api/v4/leads/unsorted/{item['uid']}", headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "forms" and body["source_uid"] == "site-form" and body["source_name"] == "Website"
    assert body["metadata"] == {"form_id": "f1", "form_name": "Callback", "form_page": "https://example.com/contact",
                                "ip": "10.0.0.1", "form_sent_at": 1700000000, "referer": "https://google.com",
                                "visitor_uid": None, "form_type": None}
    assert isinstance(body["created_at"], int) and body["pipeline_id"] == (await main_stages(client, tenant))[0]
    assert body["_embedded"]["leads"][0]["id"] == item["_embedded"]["leads"][0]["id"]


async def test_sip_with_call_event_adds_an_incoming_call_note(client, tenant):
    item = sip()
    item["metadata"]["is_call_event_needed"] = True
    added = (await add(client, tenant, "sip", [item, sip(uniq="call-2")]))[0]
    lead_id = added["_embedded"]["leads"][0]["id"]
    (note,) = await notes_of(tenant, "leads", lead_id)
    assert note.note_type == "call_in"
    assert note.params["phone"] == "+1 555 010 0002" and note.params["duration"] == 42
    assert note.params["uniq"] == "call-1" and note.params["link"] == "https://pbx.example/rec.mp3"
    body = (await client.get(f"/api/v4/leads/unsorted/{added['uid']}", headers=tenant.headers)).json()
    assert "is_call_event_needed" not in body["metadata"]
    assert body["metadata"]["service_code"] == "pbx_widget" and body["metadata"]["from"] is None


async def test_sip_without_call_event_adds_no_note(client, tenant):
    (added,) = await add(client, tenant, "sip", [sip()])
    assert await notes_of(tenant, "leads", added["_embedded"]["leads"][0]["id"]) == []


async def test_chats_extension_and_chosen_pipeline(client, tenant):
    pipeline = await client.post("/api/v4/leads/pipelines", headers=tenant.headers, json=[{
        "name": "Second", "_embedded": {"statuses": [{"name": "Open", "sort": 20}]}}])
    assert pipeline.status_code == 200, pipeline.text
    pipeline_id = pipeline.json()["_embedded"]["pipelines"][0]["id"]
    (item,) = await add(client, tenant, "chats", [{
        "source_uid": "tg", "source_name": "Telegram", "pipeline_id": pipeline_id,
        "metadata": {"from": "Bob", "received_at": 1700000200, "service": "telegram",
                     "client": {"name": "Bob"}, "origin": {"chat_id": "chat-9"}, "last_message_text": "Hi"},
        "_embedded": {"contacts": [{"name": "Bob"}]}}])
    body = (await client.get(f"/api/v4/leads/unsorted/{item['uid']}", headers=tenant.headers)).json()
    assert body["category"] == "chats" and body["pipeline_id"] == pipeline_id
    assert body["metadata"]["client"] == {"name": "Bob", "avatar": None}
    assert body["metadata"]["origin"] == {"chat_id": "chat-9", "ref": None, "visitor_uid": None}
    lead = (await get(client, tenant, "leads", item["_embedded"]["leads"][0]["id"])).json()
    assert lead["pipeline_id"] == pipeline_id  # a lead is created even when none is given
    assert item["_embedded"]["companies"] == []


async def test_older_php_library_sends_a_single_lead_object(client, tenant):
    (item,) = await add(client, tenant, "forms", [form(_embedded={"lead": {"name": "Single", "price": 7}})])
    lead = (await get(client, tenant, "leads", item["_embedded"]["leads"][0]["id"])).json()
    assert (lead["name"], lead["price"]) == ("Single", 7)


async def test_validation_names_item_and_saves_nothing(client, tenant):
    bad_meta = form(request_id="b")
    del bad_meta["metadata"]["form_name"]
    bad_meta["metadata"]["form_sent_at"] = "soon"
    response = await client.post("/api/v4/leads/unsorted/forms", headers=tenant.headers, json=[
        form(request_id="a", source_uid=None), bad_meta,
        form(request_id="c", _embedded={"leads": [{"name": "x"}, {"name": "y"}]}),
        form(request_id="d", source_uid="other", pipeline_id=999999999)])
    assert response.status_code == 400
    errors = {e["request_id"]: {x["path"] for x in e["errors"]} for e in response.json()["validation-errors"]}
    assert errors == {"a": {"source_uid"}, "b": {"metadata.form_name", "metadata.form_sent_at"},
                      "c": {"_embedded.leads"}, "d": {"pipeline_id"}}
    assert (await client.get("/api/v4/leads", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/unsorted", headers=tenant.headers)).status_code == 204


async def test_nested_entity_errors_are_prefixed(client, tenant):
    item = form(request_id="n")
    item["_embedded"]["contacts"][0]["responsible_user_id"] = 999999999
    response = await client.post("/api/v4/leads/unsorted/forms", headers=tenant.headers, json=[item])
    assert response.status_code == 400
    (entry,) = response.json()["validation-errors"]
    assert entry["request_id"] == "n"
    assert entry["errors"][0]["path"] == "_embedded.contacts.0.responsible_user_id"
    assert (await client.get("/api/v4/companies?with=only_deleted", headers=tenant.headers)).status_code == 204


async def test_duplicate_incoming_lead_is_rejected(client, tenant):
    await add(client, tenant, "sip", [sip(uniq="same")])
    again = await client.post("/api/v4/leads/unsorted/sip", headers=tenant.headers,
                              json=[sip(uniq="other", request_id="x"), sip(uniq="same", request_id="y")])
    assert again.status_code == 400
    (entry,) = again.json()["validation-errors"]
    assert entry["request_id"] == "y" and entry["errors"][0]["code"] == "Duplicate"
    twice = await client.post("/api/v4/leads/unsorted/forms", headers=tenant.headers, json=[form(), form()])
    assert twice.status_code == 400 and twice.json()["validation-errors"][0]["request_id"] == "1"
    # Another source, or the same form sent at another time, is not a duplicate.
    await add(client, tenant, "sip", [sip(uniq="same", source_uid="pbx-2")])
    later = form()
    later["metadata"]["form_sent_at"] = 1700000999
    await add(client, tenant, "forms", [form(), later])


async def test_duplicate_of_marks_existing_contacts_by_phone_in_another_format(client, tenant):
    await set_country(tenant, "RU")
    (existing,) = await create(client, tenant, "contacts", [{"name": "Old", "custom_fields_values": [
        phone("+7 (912) 345-67-89")]}])
    item = form()
    item["_embedded"]["contacts"] = [{"name": "New", "custom_fields_values": [phone("89123456789")]}]
    added = (await add(client, tenant, "forms", [item, form(source_uid="other")]))[0]
    assert added["duplicate_of"] == [existing]
    body = (await client.get(f"/api/v4/leads/unsorted/{added['uid']}", headers=tenant.headers)).json()
    assert body["duplicate_of"] == [existing]
    # An unaccepted contact of another incoming lead is not a duplicate target.
    (third,) = await add(client, tenant, "forms", [form(source_uid="third")])
    assert third["duplicate_of"] == []


async def test_unsorted_paths_are_not_taken_for_leads(client, tenant):
    assert (await client.get("/api/v4/leads/unsorted", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/unsorted/nope", headers=tenant.headers)).status_code == 204
    summary = await client.get("/api/v4/leads/unsorted/summary", headers=tenant.headers)
    assert summary.status_code == 200 and summary.json()["total"] == 0
