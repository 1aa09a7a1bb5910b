"""Transport-level conventions every route shares (spec §1.2 to §1.4, client-tolerance §1 to §6, §14)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.contract.helpers import assert_problem
from tests.contract.resources import BASE
from tests.support.factories import make_tenant


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tenant(db):
    return await make_tenant(db)


def _role(name: str = "") -> dict:
    return {"name": name or f"Role {uuid.uuid4().hex[:8]}", "rights": {}}


async def test_unknown_route_is_404_problem(client, tenant):
    body = assert_problem(await client.get("/api/v4/no_such_thing?x=1", headers=tenant.headers), 404)
    assert body["detail"] == f"Cannot GET {BASE}/api/v4/no_such_thing?x=1"
    assert body["title"] == "Not Found"
    assert_problem(await client.get("/definitely/not/here"), 404)


async def test_wrong_method_is_405_problem(client, tenant):
    response = await client.put("/api/v4/account", json={}, headers=tenant.headers)
    body = assert_problem(response, 405)
    assert body["title"] == "Method Not Allowed"
    assert "GET" in response.headers["allow"]
    assert_problem(await client.delete("/api/v4/roles", headers=tenant.headers), 405)


async def test_double_slash_path_works_like_single(client, tenant):
    single = await client.get("/api/v4/account", headers=tenant.headers)
    # An absolute URL: httpx would read a bare "//api/..." as a host name.
    double = await client.get(f"{BASE}//api/v4/account", headers=tenant.headers)
    assert single.status_code == double.status_code == 200
    assert double.json()["id"] == tenant.id
    assert double.json()["_links"]["self"]["href"] == f"{BASE}/api/v4/account"
    assert (await client.get(f"{BASE}/api/v4//account", headers=tenant.headers)).status_code == 200
    # Links are built on the normalised path.
    assert (await client.post(f"{BASE}//api/v4/roles", json=[_role()], headers=tenant.headers)).status_code == 200
    listed = await client.get(f"{BASE}//api/v4/roles?limit=1", headers=tenant.headers)
    assert listed.json()["_links"]["self"]["href"] == f"{BASE}/api/v4/roles?limit=1"


async def test_request_id_header(client, tenant):
    ok = await client.get("/api/v4/account", headers=tenant.headers)
    failed = await client.get("/api/v4/account")
    assert failed.status_code == 401
    for response in (ok, failed):
        assert len(response.headers["x-request-id"]) >= 16
    assert ok.headers["x-request-id"] != failed.headers["x-request-id"]
    echoed = await client.get("/api/v4/account", headers={**tenant.headers, "X-Request-Id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"


async def test_json_body_with_form_content_type_is_json(client, tenant):
    name = f"Form typed {uuid.uuid4().hex[:6]}"
    response = await client.post(
        "/api/v4/roles", content=json.dumps([_role(name)]),
        headers={**tenant.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text
    [created] = response.json()["_embedded"]["roles"]
    assert created["request_id"] == "0"
    fetched = await client.get(f"/api/v4/roles/{created['id']}", headers=tenant.headers)
    assert fetched.json()["name"] == name


async def test_batch_over_250_items_is_422(client, tenant):
    body = assert_problem(
        await client.post("/api/v4/roles", json=[_role() for _ in range(251)], headers=tenant.headers), 422)
    assert body["detail"] == "Limit 250 per page"


@pytest.mark.parametrize("content", [b"", b"   \n"])
async def test_empty_body_is_400(client, tenant, content: bytes):
    response = await client.post("/api/v4/roles", content=content,
                                 headers={**tenant.headers, "Content-Type": "application/json"})
    assert assert_problem(response, 400)["detail"] == "Request data can not be empty"


async def test_invalid_json_is_400(client, tenant):
    response = await client.post("/api/v4/roles", content=b"[{oops",
                                 headers={**tenant.headers, "Content-Type": "application/json"})
    assert_problem(response, 400)


async def test_chunked_body_is_accepted(client, tenant):
    payload = json.dumps([_role()]).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 7):
            yield payload[start:start + 7]

    response = await client.post("/api/v4/roles", content=chunks(),
                                 headers={**tenant.headers, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text


# Request body limit (KANBO_MAX_BODY_BYTES) -----------------------------------------------------

@pytest_asyncio.fixture(loop_scope="session")
async def small_client(test_database, monkeypatch) -> AsyncIterator[httpx.AsyncClient]:
    """An app built with a 1000-byte body limit, on the run's database."""
    from kanbo.app import create_app
    from kanbo.config import reset_settings

    monkeypatch.setenv("KANBO_MAX_BODY_BYTES", "1000")
    reset_settings()
    try:
        application = create_app(test_database.url)
    finally:
        monkeypatch.delenv("KANBO_MAX_BODY_BYTES")
        reset_settings()
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            yield http


def _big_body() -> bytes:
    return json.dumps([_role("x" * 200) for _ in range(10)]).encode()


async def test_body_over_limit_with_content_length_is_413(small_client, tenant):
    body = _big_body()
    assert len(body) > 1000
    response = await small_client.post("/api/v4/roles", content=body,
                                       headers={**tenant.headers, "Content-Type": "application/json"})
    assert "1000" in assert_problem(response, 413)["detail"]
    assert response.headers.get("x-request-id")


async def test_chunked_body_over_limit_is_413(small_client, tenant):
    body = _big_body()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start:start + 100]

    response = await small_client.post("/api/v4/roles", content=chunks(),
                                       headers={**tenant.headers, "Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)


async def test_body_under_limit_passes(small_client, tenant):
    response = await small_client.post("/api/v4/roles", json=[_role()], headers=tenant.headers)
    assert response.status_code == 200, response.text
