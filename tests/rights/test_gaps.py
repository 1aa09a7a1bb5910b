"""Regression tests for the rights gaps of issue 10: every path that reads or links an entity asks the
one policy (view letter and, for leads, stage rights)."""

from __future__ import annotations

from tests.entities.helpers import create, main_stages, phone
from tests.support.factories import restricted_rights
from tests.unsorted.helpers import add, form

HIDDEN_CONTACTS = {"view": "M", "edit": "M", "delete": "M", "export": "M"}


def _denied_stage(pipeline_id: int, status_id: int, **letters: str) -> dict:
    rights = restricted_rights()
    rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id, "status_id": status_id,
                                "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D", **letters}}]
    return rights


async def test_links_follow_stage_rights(client, tenant):
    pipeline_id, statuses = await main_stages(client, tenant)
    member = await tenant.add_user(name="Staged", rights=_denied_stage(pipeline_id, statuses[1]))
    (contact,) = await create(client, tenant, "contacts", [{"name": "Visible"}])
    (lead,) = await create(client, tenant, "leads", [{"name": "Hidden stage", "pipeline_id": pipeline_id,
                                                      "status_id": statuses[1],
                                                      "_embedded": {"contacts": [{"id": contact}]}}])
    one = await client.get(f"/api/v4/leads/{lead}/links", headers=member.headers)
    assert one.status_code == 204
    many = await client.get(f"/api/v4/leads/links?filter[entity_id]={lead}", headers=member.headers)
    assert many.status_code == 204 or many.json()["_embedded"]["links"] == []
    link = await client.post(f"/api/v4/leads/{lead}/link", headers=member.headers,
                             json=[{"to_entity_id": contact, "to_entity_type": "contacts"}])
    assert link.status_code == 403
    # The stage's view is allowed but not its edit: reading works, linking does not.
    viewer = await tenant.add_user(name="Viewer", rights=_denied_stage(pipeline_id, statuses[1], view="A"))
    assert (await client.get(f"/api/v4/leads/{lead}/links", headers=viewer.headers)).status_code == 200
    (other,) = await create(client, tenant, "contacts", [{"name": "Other"}])
    refused = await client.post("/api/v4/leads/link", headers=viewer.headers,
                                json=[{"entity_id": lead, "to_entity_id": other, "to_entity_type": "contacts"}])
    assert refused.status_code == 403


async def test_embedded_links_of_a_new_lead_need_the_view_right(client, tenant):
    member = await tenant.add_user(name="Own contacts", rights=restricted_rights(
        contacts=HIDDEN_CONTACTS, companies=HIDDEN_CONTACTS))
    (contact,) = await create(client, tenant, "contacts", [{"name": "Not mine"}])
    (company,) = await create(client, tenant, "companies", [{"name": "Not mine"}])
    refused = await client.post("/api/v4/leads", headers=member.headers, json=[
        {"name": "Sneaky", "_embedded": {"contacts": [{"id": contact}]}}])
    assert refused.status_code == 400, refused.text
    assert refused.json()["validation-errors"][0]["errors"][0]["path"] == "_embedded.contacts.0.id"
    refused = await client.post("/api/v4/leads", headers=member.headers, json=[
        {"name": "Sneaky", "_embedded": {"companies": [{"id": company}]}}])
    assert refused.status_code == 400, refused.text
    assert refused.json()["validation-errors"][0]["errors"][0]["path"] == "_embedded.companies.0.id"
    (mine,) = await create(client, tenant, "contacts", [{"name": "Mine", "responsible_user_id": member.id}])
    (lead,) = await create(client, tenant, "leads", [{"name": "Fine", "_embedded": {"contacts": [{"id": mine}]}}],
                           headers=member.headers)
    # PATCH does not link embedded contacts at all, so a hidden one is not linked either.
    await client.patch(f"/api/v4/leads/{lead}", headers=member.headers,
                       json={"_embedded": {"contacts": [{"id": contact}]}})
    links = (await client.get(f"/api/v4/leads/{lead}/links", headers=tenant.headers)).json()["_embedded"]["links"]
    assert {link["to_entity_id"] for link in links} == {mine}


async def test_unsorted_link_to_a_hidden_contact_is_refused(client, tenant):
    member = await tenant.add_user(name="Own contacts", rights=restricted_rights(contacts=HIDDEN_CONTACTS))
    (contact,) = await create(client, tenant, "contacts", [{"name": "Not mine"}])
    (lead,) = await create(client, tenant, "leads", [{"name": "Target"}])
    (item,) = await add(client, tenant, "forms", [form()], headers=member.headers)
    refused = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/link", headers=member.headers, json={
        "link": {"entity_id": lead, "entity_type": "leads", "metadata": {"contact_id": contact}}})
    assert refused.status_code == 400, refused.text
    assert refused.json()["validation-errors"][0]["errors"][0]["path"] == "link.metadata.contact_id"


async def test_a_call_never_reveals_a_contact_the_caller_cannot_see(client, tenant):
    member = await tenant.add_user(name="Own contacts", rights=restricted_rights(contacts=HIDDEN_CONTACTS))
    (contact,) = await create(client, tenant, "contacts", [{"name": "Secret", "custom_fields_values": [
        phone("+1 555 010 7777")]}])
    response = await client.post("/api/v4/calls", headers=member.headers, json=[
        {"direction": "inbound", "phone": "+1 555 010 7777", "duration": 5, "source": "pbx"}])
    assert response.status_code == 200, response.text
    (placed,) = response.json()["_embedded"]["calls"]
    assert (placed["entity_type"], placed["entity_id"]) != ("contacts", contact)
    assert placed["entity_type"] == "leads"  # an unknown number for this caller: a new incoming lead
    # The admin, who sees the contact, gets the contact's card.
    response = await client.post("/api/v4/calls", headers=tenant.headers, json=[
        {"direction": "inbound", "phone": "+1 555 010 7777", "duration": 5, "source": "pbx"}])
    (placed,) = response.json()["_embedded"]["calls"]
    assert (placed["entity_type"], placed["entity_id"]) == ("contacts", contact)


async def test_incoming_leads_follow_lead_rights_and_the_incoming_stage(client, tenant):
    pipeline_id, statuses = await main_stages(client, tenant)
    own = await tenant.add_user(name="Own", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "M", "export": "M"},
        contacts={"edit": "M", "delete": "M"}, companies={"edit": "M", "delete": "M"}))
    (theirs,) = await add(client, tenant, "forms", [form()])
    (mine,) = await add(client, tenant, "forms", [form(source_uid="mine")], headers=own.headers)
    listed = await client.get("/api/v4/leads/unsorted", headers=own.headers)
    assert [u["uid"] for u in listed.json()["_embedded"]["unsorted"]] == [mine["uid"]]
    assert (await client.get(f"/api/v4/leads/unsorted/{theirs['uid']}", headers=own.headers)).status_code == 204
    for method, action in (("POST", "accept"), ("DELETE", "decline")):
        refused = await client.request(method, f"/api/v4/leads/unsorted/{theirs['uid']}/{action}",
                                       headers=own.headers, json={})
        assert refused.status_code == 403, action
    accepted = await client.post(f"/api/v4/leads/unsorted/{mine['uid']}/accept", headers=own.headers)
    assert accepted.status_code == 200, accepted.text
    # A user who may not see the Incoming stage sees no incoming lead and sorts none.
    staged = await tenant.add_user(name="No incoming", rights=_denied_stage(pipeline_id, statuses[0]))
    listed = await client.get("/api/v4/leads/unsorted", headers=staged.headers)
    assert listed.status_code == 204
    refused = await client.post(f"/api/v4/leads/unsorted/{theirs['uid']}/accept", headers=staged.headers)
    assert refused.status_code == 403


async def test_complex_add_with_a_hidden_contact_id_is_a_400(client, tenant):
    member = await tenant.add_user(name="Own contacts", rights=restricted_rights(contacts=HIDDEN_CONTACTS))
    (contact,) = await create(client, tenant, "contacts", [{"name": "Not mine"}])
    before = (await client.get("/api/v4/contacts", headers=tenant.headers)).json()["_embedded"]["contacts"]
    refused = await client.post("/api/v4/leads/complex", headers=member.headers, json=[
        {"name": "Complex", "_embedded": {"contacts": [{"id": contact}]}}])
    assert refused.status_code == 400, refused.text
    assert refused.json()["validation-errors"][0]["errors"][0]["path"] == "_embedded.contacts.0.id"
    after = (await client.get("/api/v4/contacts", headers=tenant.headers)).json()["_embedded"]["contacts"]
    assert len(after) == len(before)
    # An id the caller may see links the existing contact instead of creating one.
    (mine,) = await create(client, tenant, "contacts", [{"name": "Mine", "responsible_user_id": member.id}])
    done = await client.post("/api/v4/leads/complex", headers=member.headers, json=[
        {"name": "Complex", "_embedded": {"contacts": [{"id": mine}]}}])
    assert done.status_code == 200, done.text
    assert done.json()[0]["contact_id"] == mine


async def test_a_new_contact_cannot_link_a_hidden_company(client, tenant):
    member = await tenant.add_user(name="Own companies", rights=restricted_rights(companies=HIDDEN_CONTACTS))
    (company,) = await create(client, tenant, "companies", [{"name": "Not mine"}])
    refused = await client.post("/api/v4/contacts", headers=member.headers, json=[
        {"name": "Sneaky", "_embedded": {"companies": [{"id": company}]}}])
    assert refused.status_code == 400, refused.text
