"""The inputs issue 10 named, sent to every GET route of the app: each answers 2xx or a 4xx problem, never 5xx.

``?x[²]=1`` (a non-ASCII digit in brackets), ``page=999999999999999999`` (an OFFSET past BIGINT),
``query=²`` and a 30-digit ``query``, and a 25-digit ``X-Context-User-ID``. A Redis outage while rate
limiting is covered in ``tests/http/test_rate_limit.py``. The generated inputs are in ``test_properties.py``.
"""

from __future__ import annotations

import re

import pytest

from tests.support.routes import app_routes, check

QUERIES = ["x[²]=1", "x[³][٣]=1", "filter[²]=1", "filter[id][૩]=1", "order[²]=asc", "with[²]=contacts",
           "page=999999999999999999", "page=999999999999999999&limit=250", "page=" + "9" * 40,
           "query=²", "query=٣૩", "query=" + "1" * 30, "query=%2B" + "7" * 30, "filter[id]=" + "1" * 25]


async def _get_paths(app, client, tenant) -> list[tuple[object, str]]:
    lead = (await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "L"}])).json()
    lead_id = str(lead["_embedded"]["leads"][0]["id"])
    out = []
    for route in app_routes(app):
        if route.method == "GET":
            out.append((route, re.sub(r"\{[A-Za-z_]+(?::[a-z]+)?\}", lead_id, route.path)))
    return out


@pytest.mark.parametrize("query", QUERIES)
async def test_known_query_strings_on_every_get_route(app, client, tenant, query):
    for route, path in await _get_paths(app, client, tenant):
        check(await client.get(f"{path}?{query}", headers=tenant.headers), route)


async def test_a_page_past_bigint_is_an_empty_page(client, tenant):
    await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "L"}])
    response = await client.get("/api/v4/leads?page=999999999999999999&limit=250", headers=tenant.headers)
    assert response.status_code == 204


@pytest.mark.parametrize("value", ["1" * 25, "٣", "²", "-1", "1e3", " ", "9223372036854775808"])
async def test_an_unreadable_context_user_is_a_401_problem_on_every_get_route(app, client, tenant, value):
    for route, path in await _get_paths(app, client, tenant):
        response = await client.get(path, headers={**tenant.headers, "X-Context-User-ID": value.encode()})
        check(response, route)
        if route.path.startswith("/api/v4/") and value.strip():
            assert response.status_code == 401, (path, value, response.status_code)
