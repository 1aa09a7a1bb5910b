"""The typed wire of the links API (spec §17): lax ids, single objects, unknown keys, Kommo's errors,
the filters of the link lists and the published document."""

from __future__ import annotations

import pytest

from kanbo.core.db import bind_account
from kanbo.core.errors import ValidationFailed
from kanbo.core.principal import Principal
from kanbo.entities.kinds import LEADS
from kanbo.links import service
from tests.contract.helpers import assert_problem
from tests.entities.helpers import create


async def _links(client, tenant, path):
    response = await client.get(path, headers=tenant.headers)
    return response.json()["_embedded"]["links"] if response.status_code == 200 else []


async def test_ids_as_digit_strings_or_floats_a_single_object_and_unknown_keys(client, tenant):
    (lead,) = await create(client, tenant, "leads", [{"name": "L"}])
    contacts = await create(client, tenant, "contacts", [{"name": "A"}, {"name": "B"}])
    response = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers, json={
        "to_entity_id": str(contacts[0]), "to_entity_type": "contacts", "metadata": None,
        "entity_id": "ignored here", "_links": {"self": {"href": "x"}}, "whatever": [1]})
    assert response.status_code == 200, response.text
    (made,) = response.json()["_embedded"]["links"]
    assert (made["entity_id"], made["to_entity_id"]) == (lead, contacts[0])
    response = await client.post("/api/v4/leads/link", headers=tenant.headers, json=[
        {"entity_id": float(lead), "to_entity_id": f" {contacts[1]} ", "to_entity_type": "contacts",
         "metadata": {"is_main": "true", "catalog_id": 5}}])
    assert response.status_code == 200, response.text
    links = await _links(client, tenant, f"/api/v4/leads/{lead}/links")
    main = {link["to_entity_id"]: link["metadata"]["main_contact"] for link in links}
    assert main == {contacts[0]: False, contacts[1]: True}


async def test_a_wrong_type_is_a_400_naming_the_item_and_the_path(client, tenant):
    (lead,) = await create(client, tenant, "leads", [{"name": "L"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "A"}])
    response = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers, json=[
        {"to_entity_id": contact, "to_entity_type": "contacts"},
        {"request_id": "x", "to_entity_id": "abc", "to_entity_type": "contacts"},
        {"to_entity_id": contact, "to_entity_type": "leads", "metadata": {"is_main": "maybe"}}])
    body = assert_problem(response, 400)
    errors = {entry["request_id"]: [(e["path"], e["code"]) for e in entry["errors"]]
              for entry in body["validation-errors"]}
    assert errors == {"x": [("to_entity_id", "InvalidType")],
                      "2": [("to_entity_type", "NotSupportedChoice"), ("metadata.is_main", "InvalidType")]}
    # nothing of the batch was written
    assert (await client.get(f"/api/v4/leads/{lead}/links", headers=tenant.headers)).status_code == 204
    # the batch form needs the entity of each item; ids are positive
    response = await client.post("/api/v4/contacts/unlink", headers=tenant.headers, json=[
        {"to_entity_id": 0, "to_entity_type": "companies"}])
    body = assert_problem(response, 400)
    paths = {(e["path"], e["code"]) for e in body["validation-errors"][0]["errors"]}
    assert paths == {("entity_id", "NotBlank"), ("to_entity_id", "OutOfRange")}


async def test_the_list_filters(client, tenant):
    leads = await create(client, tenant, "leads", [{"name": "L1"}, {"name": "L2"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "A"}])
    (company,) = await create(client, tenant, "companies", [{"name": "X"}])
    for lead in leads:
        response = await client.post(f"/api/v4/leads/{lead}/link", headers=tenant.headers, json=[
            {"to_entity_id": contact, "to_entity_type": "contacts"},
            {"to_entity_id": company, "to_entity_type": "companies"}])
        assert response.status_code == 200, response.text
    for query in (f"filter[entity_id]={leads[0]},{leads[1]}",
                  f"filter[entity_id][]={leads[0]}&filter[entity_id][]={leads[1]}",
                  f"filter[entity_id][0]={leads[0]}&filter[entity_id][1]={leads[1]}.0"):
        links = await _links(client, tenant, f"/api/v4/leads/links?{query}")
        assert len(links) == 4, query
    links = await _links(client, tenant, f"/api/v4/leads/links?filter[entity_id]={leads[0]}"
                                         f"&filter[to_entity_type]=companies&page=3&limit=999")
    assert [(link["entity_id"], link["to_entity_id"]) for link in links] == [(leads[0], company)]
    links = await _links(client, tenant, f"/api/v4/leads/{leads[1]}/links?filter[to_entity_id][]={contact}")
    assert [link["to_entity_id"] for link in links] == [contact]
    assert "entity_id" not in links[0]
    body = assert_problem(await client.get("/api/v4/leads/links?filter[to_entity_id]=1", headers=tenant.headers),
                          400)
    assert body["validation-errors"][0]["errors"][0]["path"] == "filter.entity_id"
    body = assert_problem(await client.get("/api/v4/leads/links?filter[entity_id]=1,abc", headers=tenant.headers),
                          400)
    assert body["validation-errors"][0]["errors"][0]["path"] == "filter.entity_id.1"
    assert_problem(await client.get("/api/v4/leads/links?filter[entity_id][a][b]=1", headers=tenant.headers), 400)


async def test_the_service_still_takes_request_id_and_item_pairs(client, tenant):
    """``links.service.link`` also takes ``(request_id, item)`` pairs (the unsorted link action builds
    them) and validates them with the same models."""
    (lead,) = await create(client, tenant, "leads", [{"name": "L"}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "A"}])
    admin = Principal(account_id=tenant.id, user_id=tenant.admin.id, is_admin=True, group_id=None)
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        pair = ("0", {"to_entity_id": contact, "to_entity_type": "contacts"})
        made = await service.link(session, admin, LEADS, [pair], fixed_id=lead)
        assert [(m.entity_id, m.to_entity_id) for m in made] == [(lead, contact)]
        with pytest.raises(ValidationFailed) as caught:
            await service.link(session, admin, LEADS, [("7", {"to_entity_id": "x", "to_entity_type": "contacts"})],
                               fixed_id=lead)
        assert caught.value.items[0].request_id == "7"
        assert caught.value.items[0].errors[0].path == "to_entity_id"


def test_the_document_names_the_models(app):
    document = app.openapi()
    paths, schemas = document["paths"], document["components"]["schemas"]
    one = paths["/api/v4/leads/{entity_id}/link"]["post"]
    assert one["operationId"] == "links.link_one_leads"
    ref = {"$ref": "#/components/schemas/LeadsLinkIn"}
    assert one["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": ref}, ref]}
    assert one["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/LinksWritten"}
    assert schemas["LeadsLinkIn"]["properties"]["to_entity_type"]["enum"] == ["contacts", "companies"]
    assert "entity_id" not in schemas["LeadsLinkIn"]["properties"]
    assert set(schemas["ContactsLinkBatchIn"]["required"]) == {"entity_id", "to_entity_id", "to_entity_type"}
    unlink = paths["/api/v4/companies/unlink"]["post"]
    assert {code for code in unlink["responses"] if code.startswith("2")} == {"204"}
    many = paths["/api/v4/contacts/links"]["get"]
    assert {p["name"]: p["required"] for p in many["parameters"]} == {"filter": True}
    assert set(many["responses"]) >= {"200", "204"}
    assert many["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/EntityLinksPage"}
