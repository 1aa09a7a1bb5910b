from __future__ import annotations

from tests.entities.helpers import create, events_of, get, main_stages

LEAD_KEYS = {"id", "name", "price", "responsible_user_id", "group_id", "status_id", "pipeline_id", "loss_reason_id",
             "created_by", "updated_by", "created_at", "updated_at", "closed_at", "closest_task_at", "is_deleted",
             "custom_fields_values", "score", "account_id", "labor_cost", "_links", "_embedded"}


async def test_new_lead_goes_to_the_first_stage_of_the_main_pipeline(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal", "price": 1500.0}])
    lead = (await get(client, tenant, "leads", lead_id)).json()
    assert set(lead) == LEAD_KEYS
    assert (lead["pipeline_id"], lead["status_id"]) == (pipeline_id, stages[1])
    assert lead["price"] == 1500 and isinstance(lead["price"], int)
    assert lead["closed_at"] is None and lead["custom_fields_values"] is None
    assert lead["_embedded"] == {"tags": [], "companies": []}
    assert "status" not in lead


async def test_closing_sets_and_reopening_clears_closed_at(client, tenant, db):
    pipeline_id, stages = await main_stages(client, tenant)
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    won = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"status_id": 142})
    assert won.status_code == 200, won.text
    lead = (await get(client, tenant, "leads", lead_id)).json()
    assert lead["status_id"] == 142 and lead["pipeline_id"] == pipeline_id
    assert isinstance(lead["closed_at"], int)
    await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"status_id": stages[2]})
    assert (await get(client, tenant, "leads", lead_id)).json()["closed_at"] is None
    moves = [e for e in await events_of(db, tenant, "lead", lead_id) if e.type == "lead_status_changed"]
    assert moves[0].value_before == [{"lead_status": {"id": stages[1], "pipeline_id": pipeline_id}}]
    assert moves[0].value_after == [{"lead_status": {"id": 142, "pipeline_id": pipeline_id}}]
    assert moves[1].value_after == [{"lead_status": {"id": stages[2], "pipeline_id": pipeline_id}}]


async def test_stage_must_exist_and_incoming_is_refused(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    response = await client.post("/api/v4/leads", headers=tenant.headers, json=[
        {"status_id": 999999}, {"pipeline_id": 999999}, {"status_id": stages[0], "pipeline_id": pipeline_id}])
    assert response.status_code == 400
    paths = [e["errors"][0]["path"] for e in response.json()["validation-errors"]]
    assert paths == ["status_id", "pipeline_id", "status_id"]


async def test_lost_with_loss_reason(client, tenant):
    reasons = await client.post("/api/v4/leads/loss_reasons", headers=tenant.headers,
                                json=[{"name": "Too expensive", "sort": 1}])
    assert reasons.status_code == 200
    reason = reasons.json()["_embedded"]["loss_reasons"][0]
    assert {"id", "name", "sort", "created_at", "updated_at", "_links"} <= set(reason)
    (lead_id,) = await create(client, tenant, "leads", [{"name": "L", "status_id": 143,
                                                          "loss_reason_id": reason["id"]}])
    lead = (await get(client, tenant, "leads", lead_id, "?with=loss_reason")).json()
    assert lead["loss_reason_id"] == reason["id"]
    assert lead["_embedded"]["loss_reason"][0]["name"] == "Too expensive"
    bad = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"loss_reason_id": 99999999}])
    assert bad.status_code == 400


async def test_lead_links_contacts_and_company_on_create(client, tenant):
    contacts = await create(client, tenant, "contacts", [{"name": "A"}, {"name": "B"}])
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    (lead_id,) = await create(client, tenant, "leads", [{"name": "L", "_embedded": {
        "contacts": [{"id": contacts[0]}, {"id": contacts[1], "is_main": True}], "companies": [{"id": company_id}]}}])
    lead = (await get(client, tenant, "leads", lead_id, "?with=contacts")).json()
    assert [c["id"] for c in lead["_embedded"]["companies"]] == [company_id]
    linked = {c["id"]: c["is_main"] for c in lead["_embedded"]["contacts"]}
    assert linked == {contacts[0]: False, contacts[1]: True}
    # A PATCH that echoes the whole lead keeps its links (client-tolerance 18).
    echoed = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={**lead, "name": "L2"})
    assert echoed.status_code == 200, echoed.text
    again = (await get(client, tenant, "leads", lead_id, "?with=contacts")).json()
    assert len(again["_embedded"]["contacts"]) == 2 and again["name"] == "L2"


async def test_tags_to_add_and_delete_and_replace(client, tenant):
    (lead_id,) = await create(client, tenant, "leads", [{"name": "T", "_embedded": {"tags": [{"name": "a"},
                                                                                             {"name": "b"}]}}])
    await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers,
                       json={"tags_to_add": [{"name": "c"}], "tags_to_delete": [{"name": "a"}]})
    tags = [t["name"] for t in (await get(client, tenant, "leads", lead_id)).json()["_embedded"]["tags"]]
    assert tags == ["b", "c"]
    await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"_embedded": {"tags": None}})
    assert (await get(client, tenant, "leads", lead_id)).json()["_embedded"]["tags"] == []


async def test_deleting_a_stage_or_pipeline_with_leads_is_refused(client, tenant):
    created = await client.post("/api/v4/leads/pipelines", headers=tenant.headers, json=[
        {"name": "P", "_embedded": {"statuses": [{"name": "S", "sort": 20}]}}])
    pipeline = created.json()["_embedded"]["pipelines"][0]
    stage = pipeline["_embedded"]["statuses"][1]["id"]
    (lead_id,) = await create(client, tenant, "leads", [{"pipeline_id": pipeline["id"]}])
    assert (await get(client, tenant, "leads", lead_id)).json()["status_id"] == stage
    base = f"/api/v4/leads/pipelines/{pipeline['id']}"
    assert (await client.delete(f"{base}/statuses/{stage}", headers=tenant.headers)).status_code == 400
    assert (await client.delete(base, headers=tenant.headers)).status_code == 400


async def test_missing_and_other_accounts_leads_behave_the_same(client, tenant, db):
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    (foreign,) = await create(client, other, "leads", [{"name": "Theirs"}])
    for lead_id in (foreign, 987654321):
        assert (await get(client, tenant, "leads", lead_id)).status_code == 204
        patched = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"name": "x"})
        assert patched.status_code == 404
        batch = await client.patch("/api/v4/leads", headers=tenant.headers, json=[{"id": lead_id, "name": "x"}])
        assert batch.status_code == 400
        assert batch.json()["validation-errors"][0]["errors"][0]["path"] == "id"


async def test_required_field_blocks_the_stage_move(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    field = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[{
        "name": "Budget", "type": "numeric",
        "required_statuses": [{"pipeline_id": pipeline_id, "status_id": stages[3]}]}])
    assert field.status_code == 200, field.text
    field_id = field.json()["_embedded"]["custom_fields"][0]["id"]
    (lead_id,) = await create(client, tenant, "leads", [{"name": "R"}])
    refused = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"status_id": stages[3]})
    assert refused.status_code == 400
    allowed = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={
        "status_id": stages[3], "custom_fields_values": [{"field_id": field_id, "values": [{"value": 10}]}]})
    assert allowed.status_code == 200, allowed.text
