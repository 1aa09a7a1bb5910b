"""The typed wire of the incoming leads and complex add: lax where Kommo clients need it, Kommo's
400 paths, limits, rights before the body, and the published document."""

from __future__ import annotations

from tests.entities.helpers import create, get, main_stages
from tests.support.factories import restricted_rights
from tests.unsorted.helpers import add, form, sip, unsorted_row

URL = "/api/v4/leads/unsorted"


def paths(response) -> dict[str, list[tuple[str, str]]]:
    assert response.status_code == 400, response.text
    return {entry["request_id"]: [(e["path"], e["code"]) for e in entry["errors"]]
            for entry in response.json()["validation-errors"]}


async def test_numbers_as_text_and_floats_are_read(client, tenant):
    item = form(pipeline_id=str((await main_stages(client, tenant))[0]), created_at=1700000000.0)
    item["metadata"].update(form_id=77, form_sent_at="1700000001.0", form_type="2", ip=10, referer=None,
                            visitor_uid="")
    (added,) = await add(client, tenant, "forms", [item])
    body = (await client.get(f"{URL}/{added['uid']}", headers=tenant.headers)).json()
    assert body["created_at"] == 1700000000
    assert body["metadata"]["form_id"] == 77  # an id stays as given: a number
    assert (body["metadata"]["form_sent_at"], body["metadata"]["form_type"]) == (1700000001, 2)
    assert body["metadata"]["ip"] == "10"  # a text key takes a number as text
    assert (body["metadata"]["referer"], body["metadata"]["visitor_uid"]) == (None, None)
    call = sip()
    call["metadata"].update(duration=65.0, called_at="1700000100", is_call_event_needed="1", call_responsible=7.0)
    (added,) = await add(client, tenant, "sip", [call])
    meta = (await client.get(f"{URL}/{added['uid']}", headers=tenant.headers)).json()["metadata"]
    assert (meta["duration"], meta["called_at"], meta["call_responsible"]) == (65, 1700000100, 7)


async def test_a_single_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    item = form(request_id=5, whatever={"x": 1})
    item["metadata"]["unknown_key"] = "dropped"
    response = await client.post(f"{URL}/forms", headers=tenant.headers, json=item)
    assert response.status_code == 200, response.text
    (added,) = response.json()["_embedded"]["unsorted"]
    assert added["request_id"] == "5"
    body = (await client.get(f"{URL}/{added['uid']}", headers=tenant.headers)).json()
    assert "unknown_key" not in body["metadata"]
    assert (await unsorted_row(tenant, added["uid"])).meta.get("unknown_key") is None


async def test_wrong_types_name_their_path(client, tenant):
    bad = form(request_id="a", source_name=["x"], created_at="yesterday", pipeline_id=0)
    bad["metadata"].update(form_id=True, form_page={"url": "x"}, form_sent_at=-5)
    chat = {"source_uid": "tg", "source_name": "Telegram", "metadata": {
        "from": "Bob", "received_at": 1, "service": "telegram", "client": "Bob", "origin": None}}
    assert paths(await client.post(f"{URL}/forms", headers=tenant.headers, json=[bad])) == {"a": [
        ("source_name", "InvalidType"), ("pipeline_id", "OutOfRange"), ("created_at", "InvalidType"),
        ("metadata.form_id", "InvalidType"), ("metadata.form_page", "InvalidType"),
        ("metadata.form_sent_at", "OutOfRange")]}
    assert paths(await client.post(f"{URL}/chats", headers=tenant.headers, json=chat)) == {"0": [
        ("metadata.client", "InvalidType"), ("metadata.origin", "NotBlank")]}
    call = sip(request_id="s")
    call["metadata"] = None
    assert paths(await client.post(f"{URL}/sip", headers=tenant.headers, json=[call])) == {
        "s": [("metadata", "NotBlank")]}
    flag = sip(request_id="f")
    flag["metadata"]["is_call_event_needed"] = "maybe"
    assert paths(await client.post(f"{URL}/sip", headers=tenant.headers, json=[flag])) == {
        "f": [("metadata.is_call_event_needed", "InvalidType")]}
    assert (await client.get(URL, headers=tenant.headers)).status_code == 204


async def test_malformed_items_and_database_checks_fail_together(client, tenant):
    """The shape of each item is checked first, but the service still checks the well-formed items,
    and one 400 names every failing item."""
    await add(client, tenant, "sip", [sip(uniq="taken")])
    response = await client.post(f"{URL}/sip", headers=tenant.headers, json=[
        sip(uniq="taken", request_id="dup"), sip(uniq="new", request_id="bad", created_at="x"),
        sip(uniq="fine", request_id="ok")])
    assert paths(response) == {"bad": [("created_at", "InvalidType")], "dup": [("metadata", "Duplicate")]}


async def test_embedded_entities_are_the_entities_bodies(client, tenant):
    item = form(request_id="e", _embedded={"leads": {"name": "One", "price": "12.0", "x": 1}, "contacts": [],
                                           "companies": None})
    (added,) = await add(client, tenant, "forms", [item])
    assert added["_embedded"]["contacts"] == [] and added["_embedded"]["companies"] == []
    lead = (await get(client, tenant, "leads", added["_embedded"]["leads"][0]["id"])).json()
    assert (lead["name"], lead["price"]) == ("One", 12)
    bad = form(request_id="b", _embedded={"leads": [{"price": "lots"}], "contacts": [{"first_name": []}]})
    batch = [bad, form(source_uid="other", _embedded=[])]
    assert paths(await client.post(f"{URL}/forms", headers=tenant.headers, json=batch)) == {
        "b": [("_embedded.leads.0.price", "InvalidType"), ("_embedded.contacts.0.first_name", "InvalidType")]}


async def test_accept_and_link_bodies(client, tenant):
    (item,) = await add(client, tenant, "forms", [form()])
    _, statuses = await main_stages(client, tenant)
    accept = f"{URL}/{item['uid']}/accept"
    assert paths(await client.post(accept, headers=tenant.headers, json={"status_id": "third"})) == {
        "0": [("status_id", "InvalidType")]}
    assert paths(await client.post(accept, headers=tenant.headers, json={"user_id": -1})) == {
        "0": [("user_id", "OutOfRange")]}
    response = await client.post(accept, headers=tenant.headers,
                                 json={"status_id": str(statuses[2]), "user_id": float(tenant.admin.id), "x": 1})
    assert response.status_code == 200, response.text
    lead = (await get(client, tenant, "leads", item["_embedded"]["leads"][0]["id"])).json()
    assert lead["status_id"] == statuses[2]

    (other,) = await add(client, tenant, "forms", [form(source_uid="other")])
    link = f"{URL}/{other['uid']}/link"
    assert paths(await client.post(link, headers=tenant.headers, json={})) == {"0": [("link", "NotBlank")]}
    assert paths(await client.post(link, headers=tenant.headers, json={"link": {
        "entity_id": "x", "entity_type": "deals", "metadata": {"contact_id": 0}}})) == {"0": [
            ("link.entity_id", "InvalidType"), ("link.entity_type", "NotSupportedChoice"),
            ("link.metadata.contact_id", "OutOfRange")]}
    (existing,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    response = await client.post(link, headers=tenant.headers, json={"link": {
        "entity_id": str(existing), "entity_type": "leads", "metadata": None}})
    assert response.status_code == 200, response.text
    assert response.json()["_embedded"]["leads"][0]["id"] == existing


async def test_list_and_summary_queries(client, tenant):
    await add(client, tenant, "forms", [form()])
    assert (await client.get(f"{URL}?limit=251", headers=tenant.headers)).status_code == 422
    assert (await client.get(f"{URL}?limit=&page=", headers=tenant.headers)).status_code == 200
    assert paths(await client.get(f"{URL}?filter[category]=forms,fax", headers=tenant.headers)) == {
        "0": [("filter.category.1", "NotSupportedChoice")]}
    assert paths(await client.get(f"{URL}?filter[pipeline_id][]=abc", headers=tenant.headers)) == {
        "0": [("filter.pipeline_id.0", "InvalidType")]}
    assert (await client.get(f"{URL}?order[name]=asc", headers=tenant.headers)).status_code == 400
    pipeline_id = (await main_stages(client, tenant))[0]
    summary = await client.get(f"{URL}/summary?filter[pipeline_id]={pipeline_id}.0&filter[created_at][from]=1"
                               "&filter[created_at][to]=&page=abc", headers=tenant.headers)
    assert summary.status_code == 200 and summary.json()["total"] == 1
    assert paths(await client.get(f"{URL}/summary?filter[created_at][from]=soon", headers=tenant.headers)) == {
        "0": [("filter.created_at.from", "InvalidType")]}


async def test_rights_come_before_the_body(client, tenant):
    no_add = await tenant.add_user(name="No add", rights=restricted_rights(leads={"add": "D"}))
    for path in (f"{URL}/forms", "/api/v4/leads/complex"):
        assert (await client.post(path, headers=no_add.headers, json=[{"nonsense": 1}])).status_code == 403
    no_edit = await tenant.add_user(name="No edit", rights=restricted_rights(leads={"edit": "D"}))
    response = await client.post(f"{URL}/whatever/link", headers=no_edit.headers, json={"link": "x"})
    assert response.status_code == 403


async def test_complex_add_items(client, tenant):
    response = await client.post("/api/v4/leads/complex?duplicate_control=yes", headers=tenant.headers, json={
        "name": "One", "price": "10", "unknown": True, "_embedded": {"contacts": {"name": "Bare object"},
                                                                   "metadata": {}}})
    assert response.status_code == 200, response.text
    (result,) = response.json()
    assert result["request_id"] == ["0"] and isinstance(result["contact_id"], int) and result["company_id"] is None
    assert (await get(client, tenant, "leads", result["id"])).json()["price"] == 10
    response = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[
        {"name": "Two", "_embedded": {"contacts": [{"name": "A"}, {"name": "B"}]}},
        {"name": "Meta", "_embedded": {"metadata": {"category": "mail"}}}])
    assert paths(response) == {"0": [("_embedded.contacts", "TooLong")],
                               "1": [("_embedded.metadata.category", "NotSupportedChoice")]}
    assert (await client.post("/api/v4/leads/complex?duplicate_control=perhaps", headers=tenant.headers,
                              json=[{"name": "x"}])).status_code == 400
    assert (await client.post("/api/v4/leads/complex", headers=tenant.headers,
                              json=[{"name": "x"}] * 51)).status_code == 422


async def test_the_document(app):
    document = app.openapi()
    forms = document["paths"][f"{URL}/forms"]["post"]
    ref = {"$ref": "#/components/schemas/FormsIn"}
    assert forms["operationId"] == "unsorted.add_unsorted_forms"
    assert forms["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": ref}, ref]}
    assert forms["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/UnsortedAdded"}
    schemas = document["components"]["schemas"]
    assert set(schemas["FormsMetadata"]["required"]) == {"form_id", "form_name", "form_page", "form_sent_at"}
    listed = document["paths"][URL]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"page", "limit", "filter", "order"}
    assert set(listed["responses"]) >= {"200", "204"}
    embedded = schemas["IncomingEmbedded"]["properties"]
    assert embedded["leads"]["items"] == {"$ref": "#/components/schemas/LeadIn"}  # the leads' own body
    assert embedded["contacts"]["items"] == {"$ref": "#/components/schemas/ContactIn"}
    complex_add = document["paths"]["/api/v4/leads/complex"]["post"]
    assert complex_add["operationId"] == "unsorted.complex_add"
    assert schemas["ComplexAnswer"]["type"] == "array"
    decline = document["paths"][f"{URL}/{{uid}}/decline"]["delete"]
    assert decline["requestBody"]["required"] is False
