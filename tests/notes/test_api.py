"""Routes of notes: entity-scoped forms, filters, order, pages, pin/unpin, edit and delete."""

from __future__ import annotations

from email.utils import formatdate

from tests.notes.helpers import SAMPLES, add, add_ok, common, errors_of, events_of, listed, make_entity


async def test_entity_scoped_routes(client, tenant):
    first, second = await make_entity(client, tenant), await make_entity(client, tenant)
    a = await common(client, tenant, "leads", first, "a")
    response = await add(client, tenant, "leads", [{"note_type": "common", "params": {"text": "b"},
                                                    "entity_id": first}], entity_id=second)
    assert response.status_code == 200
    (b,) = [n["id"] for n in response.json()["_embedded"]["notes"]]
    assert response.json()["_embedded"]["notes"][0]["entity_id"] == second  # the path wins
    assert [n["id"] for n in await listed(client, tenant, f"/api/v4/leads/{first}/notes")] == [a]
    assert [n["id"] for n in await listed(client, tenant, f"/api/v4/leads/{second}/notes")] == [b]
    assert (await client.get(f"/api/v4/leads/{second}/notes/{b}", headers=tenant.headers)).json()["id"] == b
    assert (await client.get(f"/api/v4/leads/{first}/notes/{b}", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"/api/v4/contacts/notes/{b}", headers=tenant.headers)).status_code == 204
    assert (await client.get("/api/v4/leads/notes/999999999", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"/api/v4/leads/{first + 5000}/notes", headers=tenant.headers)).status_code == 204


async def test_filters(client, tenant):
    first, second = await make_entity(client, tenant), await make_entity(client, tenant)
    ids = await add_ok(client, tenant, "leads", [
        {"entity_id": first, "note_type": "common", "params": {"text": "a"}, "created_at": 1000, "updated_at": 1000},
        {"entity_id": first, "note_type": "sms_in", "params": SAMPLES["sms_in"], "updated_at": 2000},
        {"entity_id": second, "note_type": "call_in", "params": SAMPLES["call_in"], "updated_at": 3000},
        {"entity_id": second, "note_type": "common", "params": {"text": "d"}, "updated_at": 4000},
    ])

    async def found(query: str, base: str = "/api/v4/leads/notes") -> list[int]:
        return [n["id"] for n in await listed(client, tenant, f"{base}?{query}")]

    assert await found("filter[note_type]=common") == [ids[0], ids[3]]
    assert await found("filter[note_type][]=sms_in&filter[note_type][]=call_in") == [ids[1], ids[2]]
    assert await found("filter[note_type][0]=call_in") == [ids[2]]
    assert await found(f"filter[entity_id]={second}") == [ids[2], ids[3]]
    assert await found(f"filter[entity_id][]={first}&filter[entity_id][]={second}") == ids
    assert await found(f"filter[id][]={ids[1]}&filter[id][]={ids[3]}") == [ids[1], ids[3]]
    assert await found(f"filter[id]={ids[2]}") == [ids[2]]
    assert await found("filter[updated_at][from]=1500&filter[updated_at][to]=3000") == [ids[1], ids[2]]
    assert await found("filter[updated_at][to]=1000") == [ids[0]]
    assert await found("filter[updated_at]=3000") == [ids[2], ids[3]]  # one timestamp: changed since then
    assert await found("filter[note_type]=common", f"/api/v4/leads/{second}/notes") == [ids[3]]
    assert await found("filter[note_type]=chat") == []
    assert (await client.get("/api/v4/leads/notes?filter[id]=x", headers=tenant.headers)).status_code == 400
    since = await client.get("/api/v4/leads/notes", headers={**tenant.headers,
                                                              "If-Modified-Since": formatdate(2500, usegmt=True)})
    assert [n["id"] for n in since.json()["_embedded"]["notes"]] == [ids[2], ids[3]]


async def test_order(client, tenant):
    lead = await make_entity(client, tenant)
    ids = await add_ok(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "common", "params": {"text": str(i)}, "updated_at": stamp}
        for i, stamp in enumerate((300, 100, 200))])

    async def ordered(query: str) -> list[int]:
        return [n["id"] for n in await listed(client, tenant, f"/api/v4/leads/{lead}/notes?{query}")]

    assert await ordered("") == ids
    assert await ordered("order[id]=desc") == ids[::-1]
    assert await ordered("order[updated_at]=asc") == [ids[1], ids[2], ids[0]]
    assert await ordered("order[updated_at]=desc") == [ids[0], ids[2], ids[1]]
    assert (await client.get("/api/v4/leads/notes?order[name]=asc", headers=tenant.headers)).status_code == 400


async def test_pages_and_204(client, tenant):
    lead = await make_entity(client, tenant)
    ids = await add_ok(client, tenant, "leads", [{"entity_id": lead, "note_type": "common", "params": {"text": "n"}}
                                                 for _ in range(5)])
    first = await client.get("/api/v4/leads/notes?limit=2&with=is_pinned", headers=tenant.headers)
    body = first.json()
    assert body["_page"] == 1 and [n["id"] for n in body["_embedded"]["notes"]] == ids[:2]
    assert body["_links"]["next"]["href"] == "http://127.0.0.1:8000/api/v4/leads/notes?limit=2&with=is_pinned&page=2"
    last = (await client.get("/api/v4/leads/notes?limit=2&page=3", headers=tenant.headers)).json()
    assert [n["id"] for n in last["_embedded"]["notes"]] == ids[4:] and "next" not in last["_links"]
    beyond = await client.get("/api/v4/leads/notes?limit=2&page=4", headers=tenant.headers)
    assert beyond.status_code == 204 and beyond.content == b""
    assert (await client.get("/api/v4/leads/notes?limit=251", headers=tenant.headers)).status_code == 422
    other = await make_entity(client, tenant)
    assert (await client.get(f"/api/v4/leads/{other}/notes", headers=tenant.headers)).status_code == 204


async def test_pin_and_unpin(client, tenant):
    lead = await make_entity(client, tenant)
    note_id = await common(client, tenant, "leads", lead)
    path = f"/api/v4/leads/notes/{note_id}"
    before = (await client.get(path, headers=tenant.headers)).json()
    assert "is_pinned" not in before
    assert (await client.get(path + "?with=is_pinned", headers=tenant.headers)).json()["is_pinned"] is False
    pinned = await client.post(path + "/pin", headers=tenant.headers)
    assert pinned.status_code == 204 and pinned.content == b""
    assert (await client.get(path + "?with=is_pinned,unknown", headers=tenant.headers)).json()["is_pinned"] is True
    notes = await listed(client, tenant, f"/api/v4/leads/{lead}/notes?with=is_pinned")
    assert notes[0]["is_pinned"] is True
    assert "is_pinned" not in (await listed(client, tenant, "/api/v4/leads/notes"))[0]
    assert (await client.post(path + "/unpin", headers=tenant.headers)).status_code == 204
    assert (await client.get(path + "?with=is_pinned", headers=tenant.headers)).json()["is_pinned"] is False
    assert (await client.post("/api/v4/leads/notes/999999999/pin", headers=tenant.headers)).status_code == 404
    assert (await client.post(f"/api/v4/contacts/notes/{note_id}/pin", headers=tenant.headers)).status_code == 404


async def test_edit_one_note(client, tenant):
    lead = await make_entity(client, tenant)
    note_id = await common(client, tenant, "leads", lead, "old", created_at=1000, updated_at=1000)
    editor = await tenant.add_user(name="Editor")
    response = await client.patch(f"/api/v4/leads/notes/{note_id}", headers=editor.headers,
                                  json={"params": {"text": "new"}, "note_type": "common", "entity_id": lead,
                                        "id": note_id, "created_at": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["id", "entity_id", "updated_at", "_links"]
    assert body["id"] == note_id and body["entity_id"] == lead and body["updated_at"] > 1000
    note = (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()
    assert note["params"] == {"text": "new"} and note["updated_by"] == editor.id
    assert note["created_by"] == tenant.admin.id and note["created_at"] == 1000
    scoped = await client.patch(f"/api/v4/leads/{lead}/notes/{note_id}", headers=tenant.headers,
                                json={"params": {"text": "scoped"}})
    assert scoped.status_code == 200
    assert (await client.patch(f"/api/v4/leads/{lead + 1}/notes/{note_id}", headers=tenant.headers,
                               json={"params": {"text": "x"}})).status_code == 404
    assert (await client.patch("/api/v4/leads/notes/999999999", headers=tenant.headers,
                               json={"params": {"text": "x"}})).status_code == 404
    assert (await client.patch(f"/api/v4/contacts/notes/{note_id}", headers=tenant.headers,
                               json={"params": {"text": "x"}})).status_code == 404


async def test_edit_batch_merges_and_revalidates(client, tenant):
    lead = await make_entity(client, tenant)
    call, text = await add_ok(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "call_in", "params": SAMPLES["call_in"]},
        {"entity_id": lead, "note_type": "common", "params": {"text": "a"}}])
    response = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=[
        {"id": call, "note_type": "call_in", "params": {"duration": 99.0, "link": None}, "request_id": "c"},
        {"id": text, "entity_id": lead, "params": {"text": "b"}}])
    assert response.status_code == 200, response.text
    items = response.json()["_embedded"]["notes"]
    assert [(i["id"], i["request_id"], i["entity_id"]) for i in items] == [(call, "c", lead), (text, "1", lead)]
    assert all(isinstance(i["updated_at"], int) for i in items)
    params = (await client.get(f"/api/v4/leads/notes/{call}", headers=tenant.headers)).json()["params"]
    expected = {**SAMPLES["call_in"], "duration": 99}
    del expected["link"]
    assert params == expected


async def test_edit_errors(client, tenant):
    lead = await make_entity(client, tenant)
    call, text = await add_ok(client, tenant, "leads", [
        {"entity_id": lead, "note_type": "call_in", "params": SAMPLES["call_in"]},
        {"entity_id": lead, "note_type": "common", "params": {"text": "a"}}])
    edits = [
        {"id": call, "params": {"duration": -1}},
        {"id": text, "note_type": "sms_in", "params": {"text": "b", "phone": "1"}},
        {"id": text, "params": {"text": ""}},
        {"id": 999999999, "params": {"text": "x"}},
        {"id": text, "entity_id": lead + 1, "params": {"text": "x"}},
        {"id": text, "params": "x"},
    ]
    # the shape of every item is checked first (the wire), then what needs the stored notes
    shape = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=edits)
    assert errors_of(shape) == {"5": [("params", "InvalidType")]}
    response = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=edits[:5])
    assert errors_of(response) == {
        "0": [("params.duration", "InvalidValue")], "1": [("note_type", "InvalidValue")],
        "2": [("params.text", "NotBlank")], "3": [("id", "NotFound")], "4": [("entity_id", "InvalidValue")]}
    no_id = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=[{"params": {"text": "x"}}])
    assert errors_of(no_id) == {"0": [("id", "NotBlank")]}
    assert (await client.get(f"/api/v4/leads/notes/{text}", headers=tenant.headers)).json()["params"] == {"text": "a"}


async def test_delete_rules(client, tenant):
    lead = await make_entity(client, tenant)
    author = await tenant.add_user(name="Author")
    stranger = await tenant.add_user(name="Stranger")
    mine = await common(client, tenant, "leads", lead, "mine", headers=author.headers)
    admins = await common(client, tenant, "leads", lead, "admin's")
    (sms,) = await add_ok(client, tenant, "leads", [{"entity_id": lead, "note_type": "sms_in",
                                                     "params": SAMPLES["sms_in"]}], headers=author.headers)
    refused = await client.delete(f"/api/v4/leads/notes/{mine}", headers=stranger.headers)
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert (await client.delete(f"/api/v4/leads/notes/{admins}", headers=author.headers)).status_code == 403
    assert (await client.delete(f"/api/v4/leads/notes/{sms}", headers=author.headers)).status_code == 400
    assert (await client.delete(f"/api/v4/leads/{lead + 1}/notes/{mine}", headers=author.headers)).status_code == 404
    assert (await client.delete(f"/api/v4/leads/{lead}/notes/{mine}", headers=author.headers)).status_code == 204
    assert (await client.delete(f"/api/v4/leads/notes/{admins}", headers=tenant.headers)).status_code == 204
    assert [n["id"] for n in await listed(client, tenant, f"/api/v4/leads/{lead}/notes")] == [sms]
    assert (await client.get(f"/api/v4/leads/notes/{mine}", headers=tenant.headers)).status_code == 204
    assert (await client.delete(f"/api/v4/leads/notes/{mine}", headers=tenant.headers)).status_code == 404
    deleted = [e for e in await events_of(tenant, "lead", lead) if e.type == "common_note_deleted"]
    assert [(e.value_before, e.value_after, e.created_by) for e in deleted] == [
        ([{"note": {"id": mine}}], [], author.id), ([{"note": {"id": admins}}], [], tenant.admin.id)]


async def test_edit_accepts_an_echoed_note(client, tenant):
    lead = await make_entity(client, tenant)
    note_id = await common(client, tenant, "leads", lead, "old")
    echoed = (await client.get(f"/api/v4/leads/notes/{note_id}?with=is_pinned", headers=tenant.headers)).json()
    echoed["params"]["text"] = "new"
    response = await client.patch("/api/v4/leads/notes", headers=tenant.headers, json=[{**echoed, "request_id": 1}])
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["notes"][0]["request_id"] == "1"
    untouched = await client.patch(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers, json={"params": None})
    assert untouched.status_code == 200
    assert (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()["params"] == {
        "text": "new"}
