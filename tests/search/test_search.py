"""``GET /api/v4/search`` (Kanbo extension): leads, contacts and companies matching a text in one request,
each found as ``query=`` of its list finds it, under the same rights."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.custom_fields.helpers import set_country
from tests.entities.helpers import create, email, main_stages, phone
from tests.support.factories import make_tenant, restricted_rights
from tests.support.sql import count_statements
from tests.unsorted.helpers import add, form


async def search(client: Any, tenant: Any, text: str, extra: str = "", headers: Any = None) -> Any:
    response = await client.get(f"/api/v4/search?query={quote(text)}{extra}", headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids(body: Any) -> dict[str, list[int]]:
    return {kind: [item["id"] for item in items] for kind, items in body["_embedded"].items()}


async def test_one_request_finds_every_type_with_a_secondary_line(client, tenant):
    await set_country(tenant, "US")
    pipeline_id, stages = await main_stages(client, tenant)
    (company,) = await create(client, tenant, "companies", [
        {"name": "Acme Ivanov", "custom_fields_values": [phone("+1 555 000 0042"), email("Desk@Acme.test")]}])
    contact, bare = await create(client, tenant, "contacts", [
        {"name": "Ivan Petrov", "custom_fields_values": [
            {"field_code": "PHONE", "values": [{"value": "+1 (555) 000-0012", "enum_code": "WORK"},
                                               {"value": "+1 555 000 0099", "enum_code": "MOB"}]},
            email("Ivan@Example.com")]},
        {"name": "ivan without numbers"}])
    (lead,) = await create(client, tenant, "leads", [{"name": "Deal for IVAN", "price": 1500,
                                                      "status_id": stages[2]}])
    body = await search(client, tenant, "ivan")
    assert ids(body) == {"leads": [lead], "contacts": [bare, contact], "companies": [company]}  # newest first
    assert body["query"] == "ivan"
    assert body["_links"]["self"]["href"].endswith("/api/v4/search?query=ivan")
    (found_lead,) = body["_embedded"]["leads"]
    assert {k: v for k, v in found_lead.items() if k != "_links"} == {
        "id": lead, "name": "Deal for IVAN", "price": 1500, "pipeline_id": pipeline_id, "status_id": stages[2]}
    assert found_lead["_links"]["self"]["href"].endswith(f"/api/v4/leads/{lead}")
    cards = {item["id"]: (item["name"], item["phone"], item["email"])
             for kind in ("contacts", "companies") for item in body["_embedded"][kind]}
    assert cards == {contact: ("Ivan Petrov", "+1 (555) 000-0012", "Ivan@Example.com"),
                     bare: ("ivan without numbers", None, None),
                     company: ("Acme Ivanov", "+1 555 000 0042", "Desk@Acme.test")}
    for text in ("5550000012", "001 555 0000012", "(555) 000-0012", "+1 (555) 000-0012"):
        assert ids(await search(client, tenant, text)) == {"leads": [], "contacts": [contact], "companies": []}, text
    assert ids(await search(client, tenant, "IVAN@EXAMPLE.COM"))["contacts"] == [contact]
    assert ids(await search(client, tenant, "desk@acme"))["companies"] == [company]
    assert ids(await search(client, tenant, str(lead)))["leads"] == [lead]
    assert ids(await search(client, tenant, "nobody")) == {"leads": [], "contacts": [], "companies": []}


async def test_limit_per_type_trash_and_waiting_incoming_contacts(client, tenant):
    leads = await create(client, tenant, "leads", [{"name": f"Order {i}"} for i in range(8)])
    assert ids(await search(client, tenant, "order"))["leads"] == leads[::-1][:5]  # the default limit
    assert ids(await search(client, tenant, "order", "&limit=2"))["leads"] == leads[::-1][:2]
    assert ids(await search(client, tenant, "order", "&limit="))["leads"] == leads[::-1][:5]
    assert (await client.delete(f"/api/v4/leads/{leads[-1]}", headers=tenant.headers)).status_code == 204
    assert leads[-1] not in ids(await search(client, tenant, "order", "&limit=50"))["leads"]
    await add(client, tenant, "forms", [form()])  # its contact Ann waits with the incoming lead
    assert ids(await search(client, tenant, "Ann"))["contacts"] == []


async def test_the_same_rights_as_the_lists(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    own_leads = await tenant.add_user(name="Own leads, no contacts", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "M", "export": "M"},
        contacts={"view": "D", "edit": "D", "delete": "D", "export": "D", "add": "D"}))
    staged_rights = restricted_rights()
    staged_rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id, "status_id": stages[2],
                                       "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
    staged = await tenant.add_user(name="Staged", rights=staged_rights)
    mine, theirs, hidden = await create(client, tenant, "leads", [
        {"name": "Zeta mine", "responsible_user_id": own_leads.id}, {"name": "Zeta theirs"},
        {"name": "Zeta hidden stage", "status_id": stages[2]}])
    (contact,) = await create(client, tenant, "contacts", [{"name": "Zeta person"}])
    (company,) = await create(client, tenant, "companies", [{"name": "Zeta corp"}])
    assert ids(await search(client, tenant, "zeta", headers=own_leads.headers)) == {
        "leads": [mine], "contacts": [], "companies": [company]}
    assert ids(await search(client, tenant, "zeta", headers=staged.headers)) == {
        "leads": [theirs, mine], "contacts": [contact], "companies": [company]}
    assert ids(await search(client, tenant, "zeta"))["leads"] == [hidden, theirs, mine]


@pytest.mark.parametrize("query", ["", "query=", "query=%20%20", "query=x&limit=0", "query=x&limit=51",
                                   "query=x&limit=abc", "query=" + "x" * 1001])
async def test_bad_queries_are_400(client, tenant, query):
    response = await client.get(f"/api/v4/search?{query}", headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_fixed_number_of_statements(client, db):
    counts = []
    for rows in (1, 30):
        tenant = await make_tenant(db)
        for kind in ("leads", "contacts", "companies"):
            await create(client, tenant, kind, [{"name": f"Match {i}"} for i in range(rows)])
        with count_statements(db) as statements:
            body = await search(client, tenant, "match", "&limit=50")
        assert all(len(items) == rows for items in body["_embedded"].values())
        counts.append(len(statements))
    assert counts[0] == counts[1]
