"""Input that used to stall the process or answer 5xx (issue 10): bracket parsing, page, context user."""

from __future__ import annotations

import httpx
import pytest
import pytest_asyncio

from kanbo.http.query import MAX_OFFSET, parse_list_query
from tests.contract.helpers import assert_no_content, assert_problem


@pytest_asyncio.fixture
async def lenient(app):
    """A client that sees a 500 response instead of the server's exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


# X-Context-User-ID -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1" * 25, "-1", "9223372036854775808", "99999999999999999999", "1e3", "²",
                                   "٣", "1_0", "+1", "x" * 5000, "0x10"])
async def test_a_context_user_id_that_is_no_user_id_is_a_401(lenient, tenant, value: str) -> None:
    try:
        raw = value.encode("latin-1")  # how the server decodes header bytes: "²" arrives as "²"
    except UnicodeEncodeError:
        raw = value.encode()
    response = await lenient.get("/api/v4/account", headers={**tenant.headers, "X-Context-User-ID": raw})
    assert_problem(response, 401)


async def test_a_context_user_id_of_the_largest_bigint_names_no_user(lenient, tenant) -> None:
    response = await lenient.get("/api/v4/account", headers={**tenant.headers,
                                                              "X-Context-User-ID": "9223372036854775807"})
    assert_problem(response, 401)
    assert "no active user" in response.text


# Page and limit ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["page=999999999999999999&limit=250", "page=9223372036854775807",
                                 "page=9223372036854775807&limit=250", "page=99999999999999999999999999",
                                 "page=" + "9" * 5000, "page=1e18&limit=250"])
def test_a_huge_page_keeps_the_offset_within_bigint(raw: str) -> None:
    query = parse_list_query(raw)
    assert 0 < query.offset <= MAX_OFFSET < 2**63 - 1 - 251, raw
    assert query.page > 1


def test_ordinary_pages_are_unchanged() -> None:
    assert parse_list_query("page=3&limit=20").offset == 40
    assert parse_list_query("page=0001").page == 1


LIST_PATHS = ["/api/v4/leads", "/api/v4/contacts", "/api/v4/companies", "/api/v4/tasks", "/api/v4/events",
              "/api/v4/leads/notes", "/api/v4/users", "/api/v4/roles", "/api/v4/leads/custom_fields",
              "/api/v4/leads/custom_fields/groups", "/api/v4/leads/unsorted", "/api/v4/leads/loss_reasons",
              "/api/v4/leads/tags", "/api/v4/webhooks", "/api/v4/leads/pipelines", "/api/v4/tasks/types"]


@pytest.mark.parametrize("page", ["999999999999999999", "9223372036854775807", "99999999999999999999999999"])
async def test_a_page_past_any_end_is_204(lenient, tenant, page: str) -> None:
    await lenient.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "L"}])
    for path in LIST_PATHS:
        for limit in ("", "&limit=250"):
            response = await lenient.get(f"{path}?page={page}{limit}", headers=tenant.headers)
            assert response.status_code in (200, 204), (path, limit, response.status_code, response.text[:200])
            if path not in ("/api/v4/leads/pipelines", "/api/v4/tasks/types"):  # not paged
                assert response.status_code == 204, (path, limit)
                assert_no_content(response)


async def test_a_page_past_any_end_of_webhook_deliveries_is_204(lenient, tenant) -> None:
    created = await lenient.post("/api/v4/webhooks", headers=tenant.headers,
                                 json={"destination": "https://example.com/hook", "settings": ["add_lead"]})
    assert created.status_code in (200, 201), created.text
    body = created.json()
    webhook_id = body.get("id") or body["_embedded"]["webhooks"][0]["id"]
    response = await lenient.get(f"/api/v4/webhooks/{webhook_id}/deliveries?page=999999999999999999&limit=250",
                                 headers=tenant.headers)
    assert response.status_code == 204, response.text


@pytest.mark.parametrize("query", ["page=abc", "page=1.5", "page=1e400", "page=0x10", "page=0", "page=-5",
                                   "limit=99999999999999999999", "limit=-1"])
async def test_a_page_or_limit_that_is_no_positive_integer_is_a_4xx(lenient, tenant, query: str) -> None:
    response = await lenient.get(f"/api/v4/leads?{query}", headers=tenant.headers)
    assert 400 <= response.status_code < 500, response.text
    assert_problem(response, response.status_code)


async def test_a_limit_above_the_maximum_is_refused(lenient, tenant) -> None:
    assert_problem(await lenient.get("/api/v4/leads?limit=251", headers=tenant.headers), 422)
