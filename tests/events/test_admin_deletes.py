"""Deleting a loss reason or a tag changes leads and other entities: those changes are recorded as
events (and so reach webhooks) like any other change."""

from __future__ import annotations

from kanbo.webhooks.payload import codes_for
from tests.entities.helpers import create, events_of, main_stages


async def test_deleting_a_loss_reason_clears_it_on_its_leads_with_events(client, tenant, db):
    pipeline_id, _ = await main_stages(client, tenant)
    reasons = await client.post("/api/v4/leads/loss_reasons", headers=tenant.headers,
                                json=[{"name": "Too expensive"}, {"name": "Slow"}])
    reason, other = (r["id"] for r in reasons.json()["_embedded"]["loss_reasons"])
    lost, kept = await create(client, tenant, "leads", [{"name": "Lost"}, {"name": "Other"}])
    patched = await client.patch("/api/v4/leads", headers=tenant.headers, json=[
        {"id": lost, "pipeline_id": pipeline_id, "status_id": 143, "loss_reason_id": reason},
        {"id": kept, "pipeline_id": pipeline_id, "status_id": 143, "loss_reason_id": other}])
    assert patched.status_code == 200, patched.text
    changed = [e for e in await events_of(db, tenant, "lead", lost) if e.type == "lead_loss_reason_changed"]
    assert [(e.value_before, e.value_after) for e in changed] == [([], [{"loss_reason": {"id": reason}}])]
    assert codes_for(changed[0]) == ["update_lead"]  # what webhooks subscribe to
    assert (await client.delete(f"/api/v4/leads/loss_reasons/{reason}", headers=tenant.headers)).status_code == 204
    lead = (await client.get(f"/api/v4/leads/{lost}", headers=tenant.headers)).json()
    assert lead["loss_reason_id"] is None
    changed = [e for e in await events_of(db, tenant, "lead", lost) if e.type == "lead_loss_reason_changed"]
    assert (changed[-1].value_before, changed[-1].value_after) == ([{"loss_reason": {"id": reason}}], [])
    assert not [e for e in await events_of(db, tenant, "lead", kept)
                if e.type == "lead_loss_reason_changed" and e.value_before]
    assert (await client.get(f"/api/v4/leads/{kept}", headers=tenant.headers)).json()["loss_reason_id"] == other


async def test_deleting_a_tag_records_entity_tag_deleted_on_each_entity(client, tenant, db):
    first, second, untagged = await create(client, tenant, "contacts", [
        {"name": "A", "_embedded": {"tags": [{"name": "vip"}, {"name": "cold"}]}},
        {"name": "B", "_embedded": {"tags": [{"name": "vip"}]}}, {"name": "C"}])
    tags = (await client.get("/api/v4/contacts/tags", headers=tenant.headers)).json()["_embedded"]["tags"]
    vip = next(tag["id"] for tag in tags if tag["name"] == "vip")
    deleted = await client.request("DELETE", "/api/v4/contacts/tags", headers=tenant.headers, json=[{"id": vip}])
    assert deleted.status_code == 204, deleted.text
    for contact in (first, second):
        removed = [e for e in await events_of(db, tenant, "contact", contact) if e.type == "entity_tag_deleted"]
        assert [e.value_before for e in removed] == [[{"tag": {"name": "vip"}}]]
    assert not [e for e in await events_of(db, tenant, "contact", untagged) if e.type == "entity_tag_deleted"]
    body = (await client.get(f"/api/v4/contacts/{first}", headers=tenant.headers)).json()
    assert [tag["name"] for tag in body["_embedded"]["tags"]] == ["cold"]
