"""The event log read through the API: events of real API calls, one event, names, paging (spec §11)."""

from __future__ import annotations

from tests.entities.helpers import create, get, main_stages
from tests.events.helpers import listing, uids

BASE = "http://127.0.0.1:8000"


async def _text_field(client, tenant) -> int:
    response = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers,
                                 json=[{"name": "Notes", "type": "text"}])
    assert response.status_code == 200, response.text
    return int(response.json()["_embedded"]["custom_fields"][0]["id"])


async def _patch(client, tenant, lead: int, body: dict) -> None:
    response = await client.patch(f"/api/v4/leads/{lead}", headers=tenant.headers, json=body)
    assert response.status_code == 200, response.text


async def test_api_calls_appear_newest_first_with_exact_values(client, tenant):
    seller = await tenant.add_user(name="Seller")
    field_id = await _text_field(client, tenant)
    pipeline_id, stages = await main_stages(client, tenant)
    (lead,) = await create(client, tenant, "leads", [{"name": "Deal", "price": 100}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "Ann"}])
    start = (await get(client, tenant, "leads", lead)).json()["status_id"]
    target = next(s for s in stages if s not in (start, stages[0], 142, 143))
    await _patch(client, tenant, lead, {"status_id": target})
    await _patch(client, tenant, lead, {"name": "Big deal"})
    await _patch(client, tenant, lead, {"price": 250})
    await _patch(client, tenant, lead, {"responsible_user_id": seller.id})
    await _patch(client, tenant, lead, {"_embedded": {"tags": [{"name": "vip"}]}})
    linked = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers,
                               json=[{"to_entity_id": contact, "to_entity_type": "contacts"}])
    assert linked.status_code == 200, linked.text
    await _patch(client, tenant, lead, {"custom_fields_values": [{"field_id": field_id,
                                                                  "values": [{"value": "hello"}]}]})
    await _patch(client, tenant, lead, {"status_id": 142})

    expected = [
        ("lead_added", [], []),
        ("lead_status_changed", [{"lead_status": {"id": start, "pipeline_id": pipeline_id}}],
         [{"lead_status": {"id": target, "pipeline_id": pipeline_id}}]),
        ("name_field_changed", [{"name_field_value": {"name": "Deal"}}], [{"name_field_value": {"name": "Big deal"}}]),
        ("sale_field_changed", [{"sale_field_value": {"sale": 100}}], [{"sale_field_value": {"sale": 250}}]),
        ("entity_responsible_changed", [{"responsible_user": {"id": tenant.admin.id}}],
         [{"responsible_user": {"id": seller.id}}]),
        ("entity_tag_added", [], [{"tag": {"name": "vip"}}]),
        ("entity_linked", [], [{"link": {"entity": {"id": contact, "type": "contact"}}}]),
        ("custom_field_value_changed", [],
         [{"custom_field_value": {"field_id": field_id, "field_type": "text", "enum_id": None, "text": "hello"}}]),
        ("lead_status_changed", [{"lead_status": {"id": target, "pipeline_id": pipeline_id}}],
         [{"lead_status": {"id": 142, "pipeline_id": pipeline_id}}]),
    ]
    events = await listing(client, tenant.headers, f"?filter[entity]=lead&filter[entity_id]={lead}")
    assert [(e["type"], e["value_before"], e["value_after"]) for e in events] == expected[::-1]
    oldest_first = await listing(client, tenant.headers, f"?filter[entity]=lead&filter[entity_id]={lead}&order[id]=asc")
    assert [e["id"] for e in oldest_first] == [e["id"] for e in events][::-1]
    for event in events:
        assert isinstance(event["id"], str) and len(event["id"]) == 26
        assert event["entity_id"] == lead and event["entity_type"] == "lead"
        assert event["created_by"] == tenant.admin.id and event["account_id"] == tenant.id
        assert isinstance(event["created_at"], int)
        assert event["_links"]["self"]["href"] == f"{BASE}/api/v4/events/{event['id']}"
        assert event["_embedded"]["entity"] == {"id": lead, "_links": {"self": {"href": f"{BASE}/api/v4/leads/{lead}"}}}
    # the whole log: the contact's own events are there too
    everything = await listing(client, tenant.headers, "?limit=250")
    assert [(e["type"], e["entity_type"]) for e in everything if e["entity_id"] == contact
            and e["entity_type"] == "contact"] == [("entity_linked", "contact"), ("contact_added", "contact")]
    assert len(everything) == len(expected) + 2


async def test_one_event_by_its_string_id(client, tenant, db):
    from tests.support.factories import make_tenant

    await create(client, tenant, "leads", [{"name": "Solo"}])
    (event,) = await listing(client, tenant.headers)
    one = await client.get(f"/api/v4/events/{event['id']}", headers=tenant.headers)
    assert one.status_code == 200 and one.headers["content-type"] == "application/hal+json"
    assert one.json() == event
    named = (await client.get(f"/api/v4/events/{event['id']}?with=lead_name", headers=tenant.headers)).json()
    assert named["_embedded"]["entity"]["name"] == "Solo"
    for missing in ("01aaaaaaaaaaaaaaaaaaaaaaaa", "nope", "x" * 40):
        response = await client.get(f"/api/v4/events/{missing}", headers=tenant.headers)
        assert response.status_code == 204 and response.content == b""
    other = await make_tenant(db)
    foreign = await client.get(f"/api/v4/events/{event['id']}", headers=other.headers)
    assert foreign.status_code == 204 and foreign.content == b""
    assert (await client.get(f"/api/v4/events/{event['id']}")).status_code == 401


async def test_with_names_per_entity_type(client, tenant):
    (lead,) = await create(client, tenant, "leads", [{"name": "Lead one"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "Contact one"}])
    (company,) = await create(client, tenant, "companies", [{"name": "Company one"}])

    def names(events):
        return {(e["entity_type"], e["entity_id"]): e["_embedded"]["entity"].get("name") for e in events}

    plain = await listing(client, tenant.headers)
    assert set(names(plain).values()) == {None}
    leads_only = await listing(client, tenant.headers, "?with=lead_name,catalog_name,customer_name,bogus")
    assert names(leads_only) == {("lead", lead): "Lead one", ("contact", contact): None, ("company", company): None}
    every = await listing(client, tenant.headers, "?with[]=lead_name&with[]=contact_name&with[]=company_name")
    assert names(every) == {("lead", lead): "Lead one", ("contact", contact): "Contact one",
                            ("company", company): "Company one"}
    # a renamed lead shows its current name on its old events
    renamed = await client.patch(f"/api/v4/leads/{lead}", headers=tenant.headers, json={"name": "Renamed"})
    assert renamed.status_code == 200
    events = await listing(client, tenant.headers, "?with=lead_name&filter[entity]=lead")
    assert {e["_embedded"]["entity"]["name"] for e in events} == {"Renamed"}


async def test_pages_follow_next_links_and_end_with_204(client, tenant):
    await create(client, tenant, "leads", [{"name": f"L{i}"} for i in range(5)])
    await create(client, tenant, "contacts", [{"name": "not counted"}])
    query = "?filter[type]=lead_added&with=lead_name&limit=2"
    first = await client.get(f"/api/v4/events{query}", headers=tenant.headers)
    assert first.status_code == 200
    body = first.json()
    assert body["_page"] == 1
    next_href = body["_links"]["next"]["href"]
    assert next_href.startswith(f"{BASE}/api/v4/events?")
    for part in ("filter[type]=lead_added", "with=lead_name", "limit=2", "page=2"):
        assert part in next_href
    seen = [e["_embedded"]["entity"]["name"] for e in body["_embedded"]["events"]]
    pages = 1
    while "next" in body["_links"]:
        response = await client.get(body["_links"]["next"]["href"], headers=tenant.headers)
        assert response.status_code == 200
        body = response.json()
        seen += [e["_embedded"]["entity"]["name"] for e in body["_embedded"]["events"]]
        pages += 1
    assert pages == 3 and seen == ["L4", "L3", "L2", "L1", "L0"]
    past = await client.get(f"/api/v4/events{query}&page=4", headers=tenant.headers)
    assert past.status_code == 204 and past.content == b""
    exact = await client.get("/api/v4/events?filter[type]=lead_added&limit=5", headers=tenant.headers)
    assert "next" not in exact.json()["_links"]


async def test_limits_and_bad_queries(client, tenant):
    await create(client, tenant, "leads", [{"name": "x"}])
    assert (await client.get("/api/v4/events?limit=251", headers=tenant.headers)).status_code == 422
    assert len(await uids(client, tenant.headers, "?limit=250")) == 1
    for query in ("?page=0", "?limit=abc", "?order[name]=asc", "?order[id]=sideways"):
        response = await client.get(f"/api/v4/events{query}", headers=tenant.headers)
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/api/v4/events")).status_code == 401


async def test_with_note_embeds_the_note_of_note_events(client, tenant):
    (lead,) = await create(client, tenant, "leads", [{"name": "With notes"}])
    added = await client.post(f"/api/v4/leads/{lead}/notes", headers=tenant.headers,
                              json=[{"note_type": "common", "params": {"text": "Called back"}}])
    assert added.status_code == 200, added.text
    note_id = added.json()["_embedded"]["notes"][0]["id"]
    note = (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()
    events = await listing(client, tenant.headers, "?with=note")
    assert [e["type"] for e in events] == ["common_note_added", "lead_added"]
    assert events[0]["value_after"] == [{"note": {"id": note_id}}]
    assert events[0]["_embedded"]["note"] == note
    assert events[0]["_embedded"]["note"]["params"] == {"text": "Called back"}
    assert "note" not in events[1]["_embedded"]
    plain = await listing(client, tenant.headers)
    assert "note" not in plain[0]["_embedded"]
    one = (await client.get(f"/api/v4/events/{events[0]['id']}?with=note", headers=tenant.headers)).json()
    assert one["_embedded"]["note"] == note
    deleted = await client.delete(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)
    if deleted.status_code == 204:  # a deleted note is no longer embedded
        after = await listing(client, tenant.headers, "?with=note")
        assert after[0]["type"] == "common_note_deleted" and "note" not in after[0]["_embedded"]
        assert "note" not in after[1]["_embedded"]
