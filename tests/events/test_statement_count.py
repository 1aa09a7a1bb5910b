"""Listing events runs a fixed number of SQL statements whatever the page size."""

from __future__ import annotations

from tests.entities.helpers import create
from tests.support.factories import make_tenant, restricted_rights
from tests.support.sql import count_statements


async def _count(client, db, leads: int, query: str) -> tuple[int, list[str]]:
    tenant = await make_tenant(db)
    # not an admin, and own leads only: the rights subqueries are in play
    restricted = await tenant.add_user(name="Seller", rights=restricted_rights(
        leads={"view": "M", "edit": "M", "delete": "D", "export": "D"}))
    ids = await create(client, tenant, "leads", [{"name": f"L{i}", "responsible_user_id": restricted.id}
                                                 for i in range(leads)])
    await create(client, tenant, "contacts", [{"name": "C"}])
    notes = await client.post("/api/v4/leads/notes", headers=tenant.headers, json=[
        {"entity_id": lead, "note_type": "common", "params": {"text": f"n{lead}"}} for lead in ids])
    assert notes.status_code == 200, notes.text
    with count_statements(db) as statements:
        response = await client.get(f"/api/v4/events{query}", headers=restricted.headers)
    assert response.status_code == 200
    events = response.json()["_embedded"]["events"]
    assert len(events) == 2 * leads + 1
    if "note" in query:
        assert sum("note" in e["_embedded"] for e in events) == leads
    return len(statements), list(statements)


async def test_listing_1_or_100_events_costs_the_same(client, db):
    query = "?limit=250&with=lead_name,contact_name,company_name,note"
    one, _ = await _count(client, db, 1, query)
    hundred, statements = await _count(client, db, 100, query)
    assert one == hundred
    assert not any("count(" in s.lower() for s in statements)
    plain_one, _ = await _count(client, db, 1, "?limit=250")
    plain_hundred, _ = await _count(client, db, 100, "?limit=250")
    # one name query per entity type on the page, two for the notes
    assert plain_one == plain_hundred == one - 4
