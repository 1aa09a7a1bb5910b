"""Bad input always gets a 4xx, never a 5xx: every API route receives malformed bodies and queries."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio

from tests.support.asgi import ASGITransport

BODIES = [
    b"", b"not json", b"null", b"123", b'"text"', b"[]", b"{}", b"[1, 2]", b'["a"]', b"[null]",
    b'[{"id": "abc", "name": 5, "price": "x", "status_id": [], "custom_fields_values": "x"}]',
    b'[{"id": 99999999999999999999, "entity_id": -1, "complete_till": "tomorrow", "params": []}]',
    b'{"name": {"nested": true}, "rights": "all", "_embedded": [], "tags_to_add": 7}',
    b'[{"custom_fields_values": [{"field_id": 1e300, "values": [{"value": {"a": []}}]}]}]',
    b'[{"_embedded": {"tags": "x", "contacts": [{"id": "x"}], "companies": {"id": 1}}}]',
    b'[{"to_entity_id": 1.5, "to_entity_type": {}, "metadata": "x"}]',
    b'[{"name": "nul \\u0000 inside", "text": "\\u0000", "params": {"text": "\\u0000"}}]',
]
QUERIES = ["", "?page=-1", "?limit=abc", "?filter[id]=x", "?filter=5", "?filter[created_at][from]=x",
           "?order[name]=sideways", "?with[]=x&filter[statuses]=7", "?query=%00%ff",
           "?filter[custom_fields_values]=1", "?filter[entity_id]=1"]


def _api_routes(app):
    found = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith(("/api/v4", "/oauth2")):
            found += [(method.upper(), path) for method in sorted(operations)]
    return found


def _concrete(path: str, ids: dict[str, int]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(ids.get(name, 1)) if name not in ("uid", "code", "group_id") else "x1"

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", fill, path)


@pytest_asyncio.fixture
async def lenient_client(app):
    """A client that gets the 500 response instead of the server's exception, to collect every failure."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


async def test_every_route_answers_garbage_with_a_4xx(app, lenient_client, tenant):
    client = lenient_client
    lead = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "L"}])
    lead_id = lead.json()["_embedded"]["leads"][0]["id"]
    pipeline = (await client.get("/api/v4/leads/pipelines", headers=tenant.headers)).json()
    pipeline_id = pipeline["_embedded"]["pipelines"][0]["id"]
    ids = {"entity_id": lead_id, "pipeline_id": pipeline_id, "status_id": 142, "lead_id": lead_id}
    routes = _api_routes(app)
    assert len(routes) > 50
    failures = []
    for method, template in routes:
        path = _concrete(template, ids)
        if method == "GET":
            for query in QUERIES:
                response = await client.get(path + query, headers=tenant.headers)
                if response.status_code >= 500:
                    failures.append((method, path + query, response.status_code, response.text[:200]))
            continue
        for body in BODIES:
            response = await client.request(method, path, content=body, headers={
                **tenant.headers, "Content-Type": "application/json"})
            if response.status_code >= 500:
                failures.append((method, path, body[:60], response.status_code, response.text[:200]))
    assert failures == []


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
async def test_form_bodies_do_not_break_batch_routes(client, tenant, content_type):
    for path in ("/api/v4/leads", "/api/v4/contacts", "/api/v4/tasks", "/api/v4/leads/notes"):
        response = await client.post(path, content=b"a[0][name]=x&a[1]=", headers={
            **tenant.headers, "Content-Type": content_type})
        assert response.status_code < 500, (path, response.status_code)
