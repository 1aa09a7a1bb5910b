"""POST /api/v4/calls: phone matching, where the note lands, per-item errors, unknown numbers."""

from __future__ import annotations

from tests.entities.helpers import create, phone
from tests.unsorted.helpers import notes_of, set_country


def call(number: str, **extra):
    item = {"direction": "inbound", "phone": number, "duration": 65, "source": "pbx", "uniq": "u-1",
            "link": "https://pbx.example/rec/1.mp3", "call_status": 4, "call_result": "Talked"}
    item.update(extra)
    return item


async def _post(client, tenant, items):
    response = await client.post("/api/v4/calls", headers=tenant.headers, json=items)
    assert response.status_code == 200, response.text
    return response.json()


async def test_phone_in_another_format_finds_the_contact_card(client, tenant):
    await set_country(tenant, "RU")
    (contact,) = await create(client, tenant, "contacts", [{"name": "Ivan", "custom_fields_values": [
        phone("+7 (912) 345-67-89")]}])
    body = await _post(client, tenant, [call("89123456789", request_id="a")])
    assert body["_total_items"] == 1 and body["errors"] == []
    (result,) = body["_embedded"]["calls"]
    assert result["entity_type"] == "contacts" and result["entity_id"] == contact
    assert result["request_id"] == "a" and result["account_id"] == tenant.id
    assert result["_embedded"]["entity"]["id"] == contact
    assert result["_embedded"]["entity"]["_links"]["self"]["href"].endswith(f"/api/v4/contacts/{contact}")
    (note,) = await notes_of(tenant, "contacts", contact)
    assert note.id == result["id"] and note.note_type == "call_in"
    assert note.params["phone"] == "89123456789" and note.params["duration"] == 65
    assert note.params["call_status"] == 4 and note.params["source"] == "pbx" and note.params["uniq"] == "u-1"


async def test_the_end_of_a_number_finds_the_card_but_a_foreign_trunk_prefix_does_not(client, tenant):
    # The account is in the US. The one phone rule: the last 7 or more digits find +7 912 345-67-89 ...
    (contact,) = await create(client, tenant, "contacts", [{"name": "Ivan", "custom_fields_values": [
        phone("+7 (912) 345-67-89")]}])
    for number in ("912 345 67 89", "345-67-89"):
        (result,) = (await _post(client, tenant, [call(number)]))["_embedded"]["calls"]
        assert (result["entity_type"], result["entity_id"]) == ("contacts", contact), number
    # ... but "8 912 …" is Russia's national form, no US one: its digits are neither the number nor its end
    # (the former last-10-digits fallback matched it), so the call becomes an incoming lead.
    (result,) = (await _post(client, tenant, [call("8 912 345 67 89", uniq="u-8")]))["_embedded"]["calls"]
    assert result["entity_type"] == "leads"


async def test_note_goes_on_the_single_active_lead(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 200 0001")]}])
    active, lost = await create(client, tenant, "leads", [
        {"name": "Open", "_embedded": {"contacts": [{"id": contact}]}},
        {"name": "Lost", "status_id": 143, "_embedded": {"contacts": [{"id": contact}]}}])
    body = await _post(client, tenant, [call("15552000001", direction="outbound")])
    (result,) = body["_embedded"]["calls"]
    assert (result["entity_type"], result["entity_id"]) == ("leads", active)
    (note,) = await notes_of(tenant, "leads", active)
    assert note.note_type == "call_out"
    assert await notes_of(tenant, "contacts", contact) == []
    assert await notes_of(tenant, "leads", lost) == []


async def test_note_goes_on_the_contact_when_it_has_two_active_leads(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 200 0002")]}])
    await create(client, tenant, "leads", [{"name": f"L{i}", "_embedded": {"contacts": [{"id": contact}]}}
                                           for i in range(2)])
    (result,) = (await _post(client, tenant, [call("+1 (555) 200-0002")]))["_embedded"]["calls"]
    assert (result["entity_type"], result["entity_id"]) == ("contacts", contact)


async def test_company_card_and_its_lead(client, tenant):
    (company,) = await create(client, tenant, "companies", [{"name": "Acme", "custom_fields_values": [
        phone("+1 555 200 0003")]}])
    (result,) = (await _post(client, tenant, [call("+15552000003")]))["_embedded"]["calls"]
    assert (result["entity_type"], result["entity_id"]) == ("companies", company)
    (lead,) = await create(client, tenant, "leads", [{"name": "L", "_embedded": {"companies": [{"id": company}]}}])
    (result,) = (await _post(client, tenant, [call("+15552000003", uniq="u-2")]))["_embedded"]["calls"]
    assert (result["entity_type"], result["entity_id"]) == ("leads", lead)


async def test_invalid_items_are_listed_and_the_others_saved(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 200 0004")]}])
    body = await _post(client, tenant, [
        call("+15552000004", request_id="ok"),
        call("+15552000004", request_id="bad", call_status=9),
        {"request_id": "empty", "phone": "+15552000004"},
        call("+15552000004", request_id="dir", direction="sideways"),
    ])
    assert [c["request_id"] for c in body["_embedded"]["calls"]] == ["ok"]
    assert body["_total_items"] == 1
    errors = {e["request_id"]: {x["path"] for x in e["errors"]} for e in body["errors"]}
    assert errors == {"bad": {"call_status"}, "empty": {"direction", "duration", "source"}, "dir": {"direction"}}
    assert len(await notes_of(tenant, "contacts", contact)) == 1


async def test_unknown_number_becomes_an_incoming_sip_lead(client, tenant):
    body = await _post(client, tenant, [call("+1 555 200 0999", request_id="new", uniq="fresh")])
    assert body["errors"] == []
    (result,) = body["_embedded"]["calls"]
    assert result["entity_type"] == "leads" and result["request_id"] == "new"
    (note,) = await notes_of(tenant, "leads", result["entity_id"])
    assert note.id == result["id"] and note.note_type == "call_in" and note.params["call_status"] == 4
    listed = (await client.get("/api/v4/leads/unsorted", headers=tenant.headers)).json()["_embedded"]["unsorted"]
    (incoming,) = listed
    assert incoming["category"] == "sip" and incoming["source_name"] == "pbx"
    assert incoming["_embedded"]["leads"][0]["id"] == result["entity_id"]
    assert incoming["metadata"]["phone"] == "+1 555 200 0999" and incoming["metadata"]["uniq"] == "fresh"
    assert incoming["metadata"]["duration"] == 65
    # A second call from the same number lands on the waiting incoming lead (its contact has that phone).
    again = (await _post(client, tenant, [call("+15552000999", uniq="fresh-2")]))["_embedded"]["calls"][0]
    assert (again["entity_type"], again["entity_id"]) == ("leads", result["entity_id"])


async def test_responsible_author_and_time_of_the_note(client, tenant):
    agent = await tenant.add_user(name="Agent")
    (contact,) = await create(client, tenant, "contacts", [{"name": "C", "custom_fields_values": [
        phone("+1 555 200 0005")]}])
    await _post(client, tenant, [call("+15552000005", responsible_user_id=agent.id, created_by=agent.id,
                                      created_at=1600000000, call_status=None)])
    (note,) = await notes_of(tenant, "contacts", contact)
    assert note.responsible_user_id == agent.id and note.created_by == agent.id
    assert note.created_at == 1600000000
    assert note.params["call_responsible"] == agent.id and "call_status" not in note.params
    body = await _post(client, tenant, [call("+15552000005", responsible_user_id=999999999, request_id="x")])
    assert body["errors"][0]["errors"][0]["path"] == "responsible_user_id"


async def test_a_failing_item_leaves_nothing_behind(client, tenant):
    body = await _post(client, tenant, [call("+1 555 200 0998", request_id="bad", link="not a url"),
                                        call("+1 555 200 0997", request_id="ok", uniq="u-ok")])
    assert [c["request_id"] for c in body["_embedded"]["calls"]] == ["ok"]
    (failure,) = body["errors"]
    assert failure["request_id"] == "bad" and failure["errors"][0]["path"] == "link"
    listed = (await client.get("/api/v4/leads/unsorted", headers=tenant.headers)).json()["_embedded"]["unsorted"]
    assert [u["metadata"]["phone"] for u in listed] == ["+1 555 200 0997"]
    leads = (await client.get("/api/v4/leads", headers=tenant.headers)).json()["_embedded"]["leads"]
    assert [lead["id"] for lead in leads] == [body["_embedded"]["calls"][0]["entity_id"]]


async def test_unknown_number_without_the_add_right_is_an_error(client, tenant):
    from tests.support.factories import restricted_rights

    member = await tenant.add_user(name="Caller", rights=restricted_rights(leads={"add": "D"}))
    response = await client.post("/api/v4/calls", headers=member.headers, json=[call("+15552000777")])
    body = response.json()
    assert response.status_code == 200 and body["_embedded"]["calls"] == []
    assert body["errors"][0]["request_id"] == "0" and "may not" in body["errors"][0]["detail"]
