"""The typed wire of ``/api/v4/events`` (issue 10 §1): Kommo's mixed filter syntax, Kommo's 400 paths, and
an OpenAPI document that tells the truth."""

from __future__ import annotations

import pytest

from kanbo.events.service import Change
from tests.events.helpers import add_events, uids

REF = "#/components/schemas/"
T = 1_600_000_000


@pytest.fixture
async def log(tenant):
    changes = [(Change("lead_added", "lead", 1), T), (Change("contact_added", "contact", 2), T + 1),
               (Change("entity_responsible_changed", "lead", 1, [{"responsible_user": {"id": 10}}],
                       [{"responsible_user": {"id": 11}}]), T + 2)]
    return await add_events(tenant, changes)


def _paths(response):
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["path"]: e["code"] for item in response.json()["validation-errors"] for e in item["errors"]}


@pytest.mark.parametrize("query,expected", [
    ("?filter[entity]=Leads&filter[entity_id]=1.0", [2, 0]),
    (f"?filter[created_at]={T + 1}.0,", [2, 1]),
    (f"?filter[created_at][from]=&filter[created_at][to]={T}", [0]),
    ("?filter[created_by][]=&filter[id]=", [2, 1, 0]),
    ("?filter[value_after][responsible_user_id]=11&filter[value_after][leads_statuses]=", [2]),
    ("?filter[unknown]=1&filter[type]=contact_added&limit=&page=", [1]),
    ("?filter[value_before]=", [2, 1, 0]),
])
async def test_lax_filters(client, tenant, log, query, expected):
    assert await uids(client, tenant.headers, query) == [log[i] for i in expected]


async def test_wrong_types_name_their_paths(client, tenant, log):
    bad = await client.get("/api/v4/events?filter[created_by]=1,me&filter[value_after][leads_statuses][0][status_id]=x",
                           headers=tenant.headers)
    assert _paths(bad) == {"filter.created_by.1": "InvalidType",
                           "filter.value_after.leads_statuses.0.status_id": "InvalidType"}
    bad = await client.get("/api/v4/events?filter[id]=" + "x" * 65, headers=tenant.headers)
    assert _paths(bad) == {"filter.id.0": "TooLong"}
    assert (await client.get("/api/v4/events?limit=251", headers=tenant.headers)).status_code == 422
    assert (await client.get("/api/v4/events?order[type]=asc", headers=tenant.headers)).status_code == 400


async def test_one_event_and_the_types_take_their_queries(client, tenant, log):
    one = await client.get(f"/api/v4/events/{log[0].upper()}?with=lead_name,unknown&with[]=note",
                           headers=tenant.headers)
    assert one.status_code == 200 and one.json()["id"] == log[0]
    assert "name" not in one.json()["_embedded"]["entity"]  # lead 1 is made up
    types = await client.get("/api/v4/events/types?language_code=es&language_code=en", headers=tenant.headers)
    assert types.json()["_links"]["self"]["href"].endswith("language_code=en")
    types = await client.get("/api/v4/events/types?language_code[x]=es", headers=tenant.headers)
    assert types.status_code == 200
    assert _paths(await client.get("/api/v4/events/types?language_code=" + "e" * 36, headers=tenant.headers)) == {
        "language_code": "TooLong"}


def test_the_document(app):
    document = app.openapi()
    paths = document["paths"]
    listing = paths["/api/v4/events"]["get"]
    assert listing["operationId"] == "events.list_events"
    assert listing["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "EventsPage"}
    assert "204" in listing["responses"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert params["filter"]["schema"] == {"$ref": REF + "EventFilter"} and params["filter"]["style"] == "deepObject"
    schemas = document["components"]["schemas"]
    assert set(schemas["EventFilter"]["properties"]) == {
        "id", "type", "entity", "entity_id", "created_by", "created_at", "value_after", "value_before"}
    assert schemas["EventFilter"]["properties"]["entity_id"]["maxItems"] == 10
    assert schemas["ValueFilter"]["additionalProperties"] is False
    assert "note" in schemas["EventEmbedded"]["properties"]
    one = paths["/api/v4/events/{event_id}"]["get"]
    assert one["operationId"] == "events.get_event"
    assert one["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "EventOut"}
    assert "204" in one["responses"]
    types = paths["/api/v4/events/types"]["get"]
    assert [p["name"] for p in types["parameters"]] == ["language_code"]
    assert types["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "EventTypesOut"}
    assert "204" not in types["responses"]
