"""Listing incoming leads (filters, order, paging, fixed statement count) and rights."""

from __future__ import annotations

from tests.support.factories import make_tenant, restricted_rights
from tests.support.sql import count_statements
from tests.unsorted.helpers import add, form, sip


async def test_list_filters_order_and_paging(client, tenant):
    forms = await add(client, tenant, "forms", [form(source_uid=f"s{i}") for i in range(3)])
    (call,) = await add(client, tenant, "sip", [sip()])
    await client.post(f"/api/v4/leads/unsorted/{forms[0]['uid']}/accept", headers=tenant.headers)

    def uids(response):
        return [e["uid"] for e in response.json()["_embedded"]["unsorted"]]

    listed = await client.get("/api/v4/leads/unsorted", headers=tenant.headers)
    assert listed.status_code == 200
    assert uids(listed) == [forms[1]["uid"], forms[2]["uid"], call["uid"]]  # accepted ones leave the list
    assert listed.json()["_page"] == 1
    by_category = await client.get("/api/v4/leads/unsorted?filter[category][]=sip", headers=tenant.headers)
    assert uids(by_category) == [call["uid"]]
    by_uid = await client.get(f"/api/v4/leads/unsorted?filter[uid][]={forms[2]['uid']}&filter[uid][]={call['uid']}",
                              headers=tenant.headers)
    assert uids(by_uid) == [forms[2]["uid"], call["uid"]]
    single_uid = await client.get(f"/api/v4/leads/unsorted?filter[uid]={forms[1]['uid']}", headers=tenant.headers)
    assert uids(single_uid) == [forms[1]["uid"]]
    lead_of = {e["uid"]: e["_embedded"]["leads"][0]["id"] for e in listed.json()["_embedded"]["unsorted"]}
    by_lead = await client.get(f"/api/v4/leads/unsorted?filter[lead_id][]={lead_of[call['uid']]}"
                               f"&filter[lead_id][]={lead_of[forms[1]['uid']]}", headers=tenant.headers)
    assert uids(by_lead) == [forms[1]["uid"], call["uid"]]
    accepted_lead = forms[0]["_embedded"]["leads"][0]["id"]
    assert (await client.get(f"/api/v4/leads/unsorted?filter[lead_id]={accepted_lead}",
                             headers=tenant.headers)).status_code == 204  # decided ones are not waiting
    desc = await client.get("/api/v4/leads/unsorted?order[id]=desc", headers=tenant.headers)
    assert uids(desc) == [call["uid"], forms[2]["uid"], forms[1]["uid"]]
    page = await client.get("/api/v4/leads/unsorted?limit=2&filter[category]=forms,sip", headers=tenant.headers)
    assert len(uids(page)) == 2 and "page=2" in page.json()["_links"]["next"]["href"]
    last = await client.get("/api/v4/leads/unsorted?limit=2&page=2", headers=tenant.headers)
    assert uids(last) == [call["uid"]] and "next" not in last.json()["_links"]
    assert (await client.get("/api/v4/leads/unsorted?filter[pipeline_id]=999999",
                             headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/unsorted?filter[category]=fax", headers=tenant.headers)).status_code == 400
    assert (await client.get("/api/v4/leads/unsorted?page=9", headers=tenant.headers)).status_code == 204


async def test_list_statements_do_not_grow_with_the_page(client, db):
    counts = []
    for size in (1, 40):
        tenant = await make_tenant(db)
        await add(client, tenant, "forms", [form(source_uid=f"s{i}") for i in range(size)])
        with count_statements(db) as statements:
            response = await client.get("/api/v4/leads/unsorted?limit=250", headers=tenant.headers)
        assert len(response.json()["_embedded"]["unsorted"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_rights(client, tenant):
    no_add = await tenant.add_user(name="No add", rights=restricted_rights(leads={"add": "D"}))
    refused = await client.post("/api/v4/leads/unsorted/forms", headers=no_add.headers, json=[form()])
    assert refused.status_code == 403
    items = await add(client, tenant, "forms", [form(source_uid=f"s{i}") for i in range(3)])
    no_edit = await tenant.add_user(name="No edit", rights=restricted_rights(leads={"edit": "D", "delete": "D"}))
    for method, action in (("POST", "accept"), ("DELETE", "decline"), ("POST", "link")):
        response = await client.request(method, f"/api/v4/leads/unsorted/{items[0]['uid']}/{action}",
                                        headers=no_edit.headers, json={})
        assert response.status_code == 403, action
    no_view = await tenant.add_user(name="No view", rights=restricted_rights(
        leads={"view": "D", "edit": "D", "delete": "D", "export": "D"}))
    assert (await client.get("/api/v4/leads/unsorted", headers=no_view.headers)).status_code == 403
    # Editing the incoming lead's lead is what accepting and declining need: own-records-only users
    # without the delete right sort the incoming leads they are responsible for, and no others.
    own_only = await tenant.add_user(name="Own", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "D"}, contacts={"edit": "M", "delete": "D"},
        companies={"edit": "M", "delete": "D"}))
    refused = await client.post(f"/api/v4/leads/unsorted/{items[0]['uid']}/accept", headers=own_only.headers)
    assert refused.status_code == 403
    mine = await add(client, tenant, "forms", [form(source_uid=f"o{i}") for i in range(2)], headers=own_only.headers)
    accepted = await client.post(f"/api/v4/leads/unsorted/{mine[0]['uid']}/accept", headers=own_only.headers)
    assert accepted.status_code == 200, accepted.text
    declined = await client.delete(f"/api/v4/leads/unsorted/{mine[1]['uid']}/decline", headers=own_only.headers)
    assert declined.status_code == 200, declined.text


async def test_accept_respects_denied_stage_rights(client, tenant):
    from tests.entities.helpers import main_stages

    pipeline_id, statuses = await main_stages(client, tenant)
    rights = restricted_rights()
    rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id, "status_id": statuses[2],
                                "rights": {"view": "A", "edit": "D", "delete": "D", "export": "D"}}]
    member = await tenant.add_user(name="Staged", rights=rights)
    (item,) = await add(client, tenant, "forms", [form()])
    refused = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=member.headers,
                                json={"status_id": statuses[2]})
    assert refused.status_code == 403
