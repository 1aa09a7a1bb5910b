"""Notes follow the rights on their card: view to read, edit to add, edit, pin; other accounts don't exist."""

from __future__ import annotations

from tests.notes.helpers import add, common, errors_of, listed, make_entity
from tests.support.factories import make_tenant, restricted_rights


async def test_without_view_right_notes_are_invisible(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(leads={"view": "M", "edit": "M", "delete": "M",
                                                                         "export": "M"}))
    theirs = await make_entity(client, tenant)
    mine = await make_entity(client, tenant, responsible_user_id=me.id)
    hidden = await common(client, tenant, "leads", theirs, "secret")
    shown = await common(client, tenant, "leads", mine, "mine")
    for path in (f"/api/v4/leads/{theirs}/notes", f"/api/v4/leads/notes/{hidden}",
                 f"/api/v4/leads/{theirs}/notes/{hidden}", f"/api/v4/leads/notes?filter[entity_id]={theirs}"):
        response = await client.get(path, headers=me.headers)
        assert response.status_code == 204, path
    assert [n["id"] for n in await listed(client, tenant, "/api/v4/leads/notes", headers=me.headers)] == [shown]
    assert {n["id"] for n in await listed(client, tenant, "/api/v4/leads/notes")} == {hidden, shown}


async def test_without_any_view_right_lists_are_empty(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(contacts={"view": "D", "edit": "D", "delete": "D",
                                                                            "export": "D", "add": "D"}))
    contact = await make_entity(client, tenant, "contacts")
    await common(client, tenant, "contacts", contact)
    assert (await client.get("/api/v4/contacts/notes", headers=me.headers)).status_code == 204
    refused = await add(client, tenant, "contacts", [{"entity_id": contact, "note_type": "common",
                                                      "params": {"text": "x"}}], headers=me.headers)
    assert refused.status_code == 403


async def test_without_edit_right_adding_and_changing_are_refused(client, tenant):
    me = await tenant.add_user(name="Me", rights=restricted_rights(leads={"view": "A", "edit": "M", "delete": "M"}))
    theirs = await make_entity(client, tenant)
    mine = await make_entity(client, tenant, responsible_user_id=me.id)
    note = await common(client, tenant, "leads", theirs)
    refused = await add(client, tenant, "leads", [{"entity_id": mine, "note_type": "common", "params": {"text": "a"}},
                                                  {"entity_id": theirs, "note_type": "common",
                                                   "params": {"text": "b"}}], headers=me.headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert await listed(client, tenant, f"/api/v4/leads/{mine}/notes") == []  # the batch wrote nothing
    assert (await add(client, tenant, "leads", [{"note_type": "common", "params": {"text": "a"}}],
                      headers=me.headers, entity_id=mine)).status_code == 200
    assert (await client.get(f"/api/v4/leads/notes/{note}", headers=me.headers)).status_code == 200  # may read
    assert (await client.patch(f"/api/v4/leads/notes/{note}", headers=me.headers,
                               json={"params": {"text": "x"}})).status_code == 403
    assert (await client.post(f"/api/v4/leads/notes/{note}/pin", headers=me.headers)).status_code == 403


async def test_stage_rights_apply_to_notes_of_leads(client, tenant):
    body = (await client.get("/api/v4/leads/pipelines", headers=tenant.headers)).json()
    pipeline = body["_embedded"]["pipelines"][0]
    hidden, locked = (s["id"] for s in pipeline["_embedded"]["statuses"][1:3])
    rights = restricted_rights()
    rights["status_rights"] = [
        {"entity_type": "leads", "pipeline_id": pipeline["id"], "status_id": hidden,
         "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}},
        {"entity_type": "leads", "pipeline_id": pipeline["id"], "status_id": locked,
         "rights": {"view": "A", "edit": "D", "delete": "D", "export": "A"}}]
    me = await tenant.add_user(name="Me", rights=rights)
    secret = await make_entity(client, tenant, status_id=hidden)
    frozen = await make_entity(client, tenant, status_id=locked)
    await common(client, tenant, "leads", secret, "s")
    visible = await common(client, tenant, "leads", frozen, "f")
    assert [n["id"] for n in await listed(client, tenant, "/api/v4/leads/notes", headers=me.headers)] == [visible]
    assert (await client.get(f"/api/v4/leads/{secret}/notes", headers=me.headers)).status_code == 204
    response = await add(client, tenant, "leads", [{"note_type": "common", "params": {"text": "x"}}],
                         headers=me.headers, entity_id=frozen)
    assert response.status_code == 403


async def test_notes_of_trashed_entities(client, tenant):
    lead = await make_entity(client, tenant)
    note = await common(client, tenant, "leads", lead)
    assert (await client.delete(f"/api/v4/leads/{lead}", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/notes", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"/api/v4/leads/notes/{note}", headers=tenant.headers)).status_code == 204
    response = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "x"}}])
    assert errors_of(response) == {"0": [("entity_id", "NotFound")]}
    assert (await client.post(f"/api/v4/leads/{lead}/restore", headers=tenant.headers)).status_code == 200
    assert (await client.get(f"/api/v4/leads/notes/{note}", headers=tenant.headers)).status_code == 200


async def test_another_accounts_entity_and_notes_do_not_exist(client, tenant, db):
    other = await make_tenant(db)
    lead = await make_entity(client, other)
    note = await common(client, other, "leads", lead)
    response = await add(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "x"}}])
    assert errors_of(response) == {"0": [("entity_id", "NotFound")]}
    assert (await add(client, tenant, "leads", [{"note_type": "common", "params": {"text": "x"}}],
                      entity_id=lead)).status_code == 400
    for path in (f"/api/v4/leads/{lead}/notes", f"/api/v4/leads/notes/{note}", f"/api/v4/leads/{lead}/notes/{note}",
                 f"/api/v4/leads/notes?filter[id]={note}"):
        assert (await client.get(path, headers=tenant.headers)).status_code == 204, path
    assert (await client.patch(f"/api/v4/leads/notes/{note}", headers=tenant.headers,
                               json={"params": {"text": "x"}})).status_code == 404
    batch = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=[{"id": note, "params": {}}])
    assert errors_of(batch) == {"0": [("id", "NotFound")]}
    assert (await client.post(f"/api/v4/leads/notes/{note}/pin", headers=tenant.headers)).status_code == 404
    assert (await client.delete(f"/api/v4/leads/notes/{note}", headers=tenant.headers)).status_code == 404
    assert (await client.get(f"/api/v4/leads/notes/{note}", headers=other.headers)).json()["params"] == {"text": "hi"}
