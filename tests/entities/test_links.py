from __future__ import annotations

from tests.entities.helpers import create, events_of, get


async def test_link_lead_to_contacts_and_company(client, tenant, db):
    (lead,) = await create(client, tenant, "leads", [{"name": "L"}])
    contacts = await create(client, tenant, "contacts", [{"name": "A"}, {"name": "B"}])
    companies = await create(client, tenant, "companies", [{"name": "X"}, {"name": "Y"}])
    linked = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers, json=[
        {"to_entity_id": contacts[0], "to_entity_type": "contacts"},
        {"to_entity_id": contacts[1], "to_entity_type": "contacts", "metadata": {"main_contact": True}},
        {"to_entity_id": companies[0], "to_entity_type": "companies"}])
    assert linked.status_code == 200, linked.text
    assert len(linked.json()["_embedded"]["links"]) == 3
    links = (await client.get(f"/api/v4/leads/{lead}/links", headers=tenant.headers)).json()
    assert links["_total_items"] == 3
    by_target = {(link["to_entity_type"], link["to_entity_id"]): link["metadata"]
                 for link in links["_embedded"]["links"]}
    assert by_target[("contacts", contacts[1])]["main_contact"] is True
    assert by_target[("contacts", contacts[0])]["main_contact"] is False
    # a lead has one company: linking another replaces it
    await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers,
                      json=[{"to_entity_id": companies[1], "to_entity_type": "companies"}])
    lead_body = (await get(client, tenant, "leads", lead)).json()
    assert [c["id"] for c in lead_body["_embedded"]["companies"]] == [companies[1]]
    contact_view = (await get(client, tenant, "contacts", contacts[0], "?with=leads")).json()
    assert [x["id"] for x in contact_view["_embedded"]["leads"]] == [lead]
    unlinked = await client.post(f"/api/v4/leads/{lead}/unlink", headers=tenant.headers,
                                 json=[{"to_entity_id": contacts[0], "to_entity_type": "contacts"}])
    assert unlinked.status_code == 204 and unlinked.content == b""
    types = [e.type for e in await events_of(db, tenant, "lead", lead)]
    assert types.count("entity_linked") == 4 and types.count("entity_unlinked") == 2
    events = [e for e in await events_of(db, tenant, "contact", contacts[0]) if e.type == "entity_unlinked"]
    assert events[0].value_before == [{"link": {"entity": {"id": lead, "type": "lead"}}}]


async def test_batch_links_and_contact_company(client, tenant):
    contacts = await create(client, tenant, "contacts", [{"name": "A"}, {"name": "B"}])
    (company,) = await create(client, tenant, "companies", [{"name": "X"}])
    response = await client.post("/api/v4/companies/link", headers=tenant.headers, json=[
        {"entity_id": company, "to_entity_id": cid, "to_entity_type": "contacts"} for cid in contacts])
    assert response.status_code == 200
    many = (await client.get(f"/api/v4/companies/links?filter[entity_id][]={company}", headers=tenant.headers)).json()
    assert {link["to_entity_id"] for link in many["_embedded"]["links"]} == set(contacts)
    assert all(link["entity_id"] == company for link in many["_embedded"]["links"])
    assert (await get(client, tenant, "contacts", contacts[0])).json()["_embedded"]["companies"][0]["id"] == company


async def test_link_errors(client, tenant):
    (lead,) = await create(client, tenant, "leads", [{"name": "L"}])
    bad_type = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers,
                                 json=[{"to_entity_id": 1, "to_entity_type": "leads"}])
    assert bad_type.status_code == 400
    missing = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers,
                                json=[{"to_entity_id": 987654321, "to_entity_type": "contacts"}])
    assert missing.status_code == 400
    assert missing.json()["validation-errors"][0]["errors"][0]["path"] == "to_entity_id"
    assert (await client.get(f"/api/v4/leads/{lead}/links", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/links", headers=tenant.headers)).status_code == 400
