"""Accepting, declining and linking incoming leads; the summary."""

from __future__ import annotations

from tests.entities.helpers import create, events_of, get, main_stages
from tests.unsorted.helpers import add, form, sip, unsorted_row


async def test_accept_into_a_chosen_stage_with_a_responsible(client, tenant):
    seller = await tenant.add_user(name="Seller")
    (item,) = await add(client, tenant, "forms", [form()])
    lead_id = item["_embedded"]["leads"][0]["id"]
    contact_id = item["_embedded"]["contacts"][0]["id"]
    company_id = item["_embedded"]["companies"][0]["id"]
    pipeline_id, statuses = await main_stages(client, tenant)
    target = statuses[2]
    response = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=tenant.headers,
                                 json={"user_id": seller.id, "status_id": target})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["uid"] == item["uid"] and body["category"] == "forms" and body["pipeline_id"] == pipeline_id
    assert isinstance(body["created_at"], int)
    assert [e["id"] for e in body["_embedded"]["leads"]] == [lead_id]
    assert [e["id"] for e in body["_embedded"]["contacts"]] == [contact_id]
    assert [e["id"] for e in body["_embedded"]["companies"]] == [company_id]

    lead = (await get(client, tenant, "leads", lead_id)).json()
    assert lead["status_id"] == target and lead["responsible_user_id"] == seller.id
    assert "is_unsorted" not in lead
    for entity, entity_id in (("contacts", contact_id), ("companies", company_id)):
        assert (await get(client, tenant, entity, entity_id)).json()["responsible_user_id"] == seller.id
        listed = (await client.get(f"/api/v4/{entity}", headers=tenant.headers)).json()["_embedded"][entity]
        assert [e["id"] for e in listed] == [entity_id]
    types = [e.type for e in await events_of(tenant.db, tenant, "lead", lead_id)]
    assert "lead_status_changed" in types and "entity_responsible_changed" in types
    assert "unsorted_added" in types
    accepted = next(e for e in await events_of(tenant.db, tenant, "lead", lead_id) if e.type == "unsorted_accepted")
    assert accepted.value_after == [{"unsorted": {"uid": item["uid"], "category": "forms", "pipeline_id": pipeline_id,
                                                  "status_id": target, "responsible_user_id": seller.id}}]
    row = await unsorted_row(tenant, item["uid"])
    assert row.state == "accepted" and row.resolved_by == tenant.admin.id and row.resolved_at is not None
    assert (await client.get(f"/api/v4/leads/unsorted/{item['uid']}", headers=tenant.headers)).status_code == 204
    again = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=tenant.headers)
    assert again.status_code == 400
    assert (await client.post("/api/v4/leads/unsorted/unknown/accept", headers=tenant.headers)).status_code == 404


async def test_accept_defaults_to_first_stage_and_acting_user(client, tenant):
    member = await tenant.add_user(name="Member")
    (item,) = await add(client, tenant, "sip", [sip()])
    _, statuses = await main_stages(client, tenant)
    response = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=member.headers)
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["companies"] == []
    lead = (await get(client, tenant, "leads", item["_embedded"]["leads"][0]["id"])).json()
    assert lead["status_id"] == statuses[1] and lead["responsible_user_id"] == member.id


async def test_accept_refuses_the_incoming_stage_and_unknown_users(client, tenant):
    (item,) = await add(client, tenant, "forms", [form()])
    _, statuses = await main_stages(client, tenant)
    url = f"/api/v4/leads/unsorted/{item['uid']}/accept"
    for body, path in (({"status_id": statuses[0]}, "status_id"), ({"status_id": 999999}, "status_id"),
                       ({"user_id": 999999999}, "user_id")):
        response = await client.post(url, headers=tenant.headers, json=body)
        assert response.status_code == 400, body
        assert response.json()["validation-errors"][0]["errors"][0]["path"] == path
    assert (await unsorted_row(tenant, item["uid"])).state == "new"


async def test_decline_trashes_lead_contact_and_company(client, tenant):
    (item,) = await add(client, tenant, "forms", [form()])
    response = await client.request("DELETE", f"/api/v4/leads/unsorted/{item['uid']}/decline",
                                    headers=tenant.headers, json={"user_id": tenant.admin.id})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["_embedded"]) == {"leads", "contacts"}
    assert body["_embedded"]["leads"][0]["id"] == item["_embedded"]["leads"][0]["id"]
    for entity in ("leads", "contacts", "companies"):
        entity_id = item["_embedded"][entity][0]["id"]
        assert (await get(client, tenant, entity, entity_id)).status_code == 204
        trashed = (await get(client, tenant, entity, entity_id, "?with=only_deleted")).json()
        assert trashed["is_deleted"] is True
    assert (await unsorted_row(tenant, item["uid"])).state == "declined"
    again = await client.delete(f"/api/v4/leads/unsorted/{item['uid']}/decline", headers=tenant.headers)
    assert again.status_code == 400


async def test_link_attaches_the_contact_to_an_existing_lead(client, tenant):
    (existing,) = await create(client, tenant, "leads", [{"name": "Running deal"}])
    (item,) = await add(client, tenant, "forms", [form()])
    contact_id = item["_embedded"]["contacts"][0]["id"]
    company_id = item["_embedded"]["companies"][0]["id"]
    response = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/link", headers=tenant.headers,
                                 json={"link": {"entity_id": existing, "entity_type": "leads"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["uid"] == item["uid"]
    assert [e["id"] for e in body["_embedded"]["leads"]] == [existing]
    assert [e["id"] for e in body["_embedded"]["contacts"]] == [contact_id]
    lead = (await get(client, tenant, "leads", existing, "?with=contacts")).json()
    assert [c["id"] for c in lead["_embedded"]["contacts"]] == [contact_id]
    assert lead["_embedded"]["companies"][0]["id"] == company_id
    assert (await get(client, tenant, "leads", item["_embedded"]["leads"][0]["id"])).status_code == 204
    listed = (await client.get("/api/v4/contacts", headers=tenant.headers)).json()["_embedded"]["contacts"]
    assert [c["id"] for c in listed] == [contact_id]
    assert (await unsorted_row(tenant, item["uid"])).state == "linked"


async def test_link_to_a_named_contact_and_bad_targets(client, tenant):
    (contact,) = await create(client, tenant, "contacts", [{"name": "Known"}])
    (existing,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    (item,) = await add(client, tenant, "forms", [form()])
    url = f"/api/v4/leads/unsorted/{item['uid']}/link"
    for link, path in (({"entity_id": 999999, "entity_type": "leads"}, "link.entity_id"),
                       ({"entity_id": existing, "entity_type": "customers"}, "link.entity_type"),
                       ({"entity_id": item["_embedded"]["leads"][0]["id"], "entity_type": "leads"},
                        "link.entity_id")):
        response = await client.post(url, headers=tenant.headers, json={"link": link})
        assert response.status_code == 400
        assert response.json()["validation-errors"][0]["errors"][0]["path"] == path
    response = await client.post(url, headers=tenant.headers, json={"link": {
        "entity_id": existing, "entity_type": "leads", "metadata": {"contact_id": contact}}})
    assert response.status_code == 200, response.text
    assert [c["id"] for c in response.json()["_embedded"]["contacts"]] == [contact]
    lead = (await get(client, tenant, "leads", existing, "?with=contacts")).json()
    assert [c["id"] for c in lead["_embedded"]["contacts"]] == [contact]
    # The incoming lead's own contact was only a placeholder: it went to the trash.
    assert (await get(client, tenant, "contacts", item["_embedded"]["contacts"][0]["id"])).status_code == 204


async def test_summary_counts(client, tenant):
    items = await add(client, tenant, "forms", [form(source_uid=f"s{i}") for i in range(2)])
    (call,) = await add(client, tenant, "sip", [sip()])
    await client.post(f"/api/v4/leads/unsorted/{items[0]['uid']}/accept", headers=tenant.headers)
    await client.delete(f"/api/v4/leads/unsorted/{call['uid']}/decline", headers=tenant.headers)
    body = (await client.get("/api/v4/leads/unsorted/summary", headers=tenant.headers)).json()
    assert body["total"] == 3 and body["accepted"] == 1 and body["declined"] == 1
    assert isinstance(body["average_sort_time"], int) and body["average_sort_time"] >= 0
    assert body["categories"] == {"sip": {"total": 1}, "mail": {"total": 0}, "forms": {"total": 2},
                                  "chats": {"total": 0}}
    one = (await client.get(f"/api/v4/leads/unsorted/summary?filter[uid]={items[1]['uid']}",
                            headers=tenant.headers)).json()
    assert one["total"] == 1 and one["accepted"] == 0
    none = (await client.get("/api/v4/leads/unsorted/summary?filter[created_at][to]=1", headers=tenant.headers))
    assert none.json()["total"] == 0
    other = (await client.get("/api/v4/leads/unsorted/summary?filter[pipeline_id]=999999", headers=tenant.headers))
    assert other.json()["total"] == 0


async def test_average_sort_time(client, tenant):
    (item,) = await add(client, tenant, "forms", [form(created_at=1000)])
    await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=tenant.headers)
    row = await unsorted_row(tenant, item["uid"])
    body = (await client.get("/api/v4/leads/unsorted/summary", headers=tenant.headers)).json()
    assert body["average_sort_time"] == row.resolved_at - 1000
