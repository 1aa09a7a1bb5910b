"""Input that used to stall the process or answer 5xx (issue 10): bracket parsing, page, context user."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
import pytest_asyncio

from kanbo.core.errors import BadRequest
from kanbo.http.query import MAX_OFFSET, MAX_QUERY_DEPTH, MAX_QUERY_PAIRS, parse_query_string
from tests.contract.helpers import assert_no_content, assert_problem
from tests.support.lists import parse_list_query


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


# The bracket parser -----------------------------------------------------------------------------

def test_too_deep_a_key_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="levels of brackets"):
        parse_query_string("a" + "[b]" * 1000 + "=1")
    with pytest.raises(BadRequest, match="levels of brackets"):
        parse_query_string("a" + "[]" * (MAX_QUERY_DEPTH + 1) + "=1")


def test_the_deepest_allowed_key_parses() -> None:
    parsed = parse_query_string("a" + "[b]" * MAX_QUERY_DEPTH + "=1")
    node = parsed["a"]
    for _ in range(MAX_QUERY_DEPTH - 1):
        node = node["b"]
    assert node == {"b": "1"}


def test_too_many_pairs_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="Too many parameters"):
        parse_query_string("&".join(["0[x][]=1"] * 18_000))  # the 180 KB form of the issue
    with pytest.raises(BadRequest, match="Too many parameters"):
        parse_query_string("&".join(["a=1"] * (MAX_QUERY_PAIRS + 1)))


def test_many_pairs_within_the_limit_parse_into_one_list_in_order() -> None:
    raw = "&".join(f"0[x][]={i}" for i in range(MAX_QUERY_PAIRS - 1)) + "&&&&0[y]=z"  # empty pairs are free
    parsed = parse_query_string(raw)
    assert parsed["0"]["x"] == [str(i) for i in range(MAX_QUERY_PAIRS - 1)]
    assert parsed["0"]["y"] == "z"


def test_append_after_explicit_indexes_continues_after_the_largest() -> None:
    assert parse_query_string("a[5]=x&a[]=y&a[2]=z&a[]=w") == {"a": {"5": "x", "6": "y", "2": "z", "7": "w"}}
    assert parse_query_string("a[0]=x&a[]=y&a[]=z") == {"a": ["x", "y", "z"]}
    assert parse_query_string("a[1]=y&a[0]=x") == {"a": ["x", "y"]}
    assert parse_query_string("a=1&a[]=2&a[]=3") == {"a": ["1", "2", "3"]}
    assert parse_query_string("a=1&a=2&a[]=3") == {"a": ["1", "2", "3"]}
    assert parse_query_string("a[x]=1&a[x]=2&a[x][]=3") == {"a": {"x": ["1", "2", "3"]}}
    assert parse_query_string("f[cf][1277732][]=x") == {"f": {"cf": {"1277732": ["x"]}}}


@pytest.mark.parametrize("raw", [
    "a[²]=1&a[]=2",  # a digit for str.isdigit, not for int()
    "a[" + "1" * 5000 + "]=1&a[]=2",  # longer than int() converts
    "a[99999999999999999999]=1&a[]=2",
])
def test_odd_numeric_keys_stay_keys(raw: str) -> None:
    parsed = parse_query_string(raw)
    assert isinstance(parsed["a"], dict)
    assert "2" in parsed["a"].values()


def test_odd_numeric_keys_alone() -> None:
    assert parse_query_string("a[²]=1") == {"a": {"²": "1"}}
    assert parse_query_string("a[٣]=1") == {"a": {"٣": "1"}}


async def test_a_deep_query_is_a_400_problem(lenient, tenant) -> None:
    response = await lenient.get("/api/v4/leads?filter" + "[a]" * 1000 + "=1", headers=tenant.headers)
    assert_problem(response, 400)


async def test_too_many_query_parameters_is_a_400_problem(lenient, tenant) -> None:
    response = await lenient.get("/api/v4/leads?" + "&".join(["a[]=1"] * (MAX_QUERY_PAIRS + 1)),
                                 headers=tenant.headers)
    assert_problem(response, 400)


@pytest.mark.parametrize("body", [
    b"0" + b"[a]" * 1000 + b"=1",
    b"&".join([b"0[x][]=1"] * 18_000),
])
async def test_bad_form_bodies_are_a_400_problem(lenient, tenant, body: bytes) -> None:
    response = await lenient.post("/api/v4/leads", content=body, headers={
        **tenant.headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert_problem(response, 400)


async def test_a_form_body_of_many_fields_within_the_limit_is_read(client, tenant) -> None:
    pairs = [("name", "Form lead")] + [("_embedded[tags][][name]", f"form {i}") for i in range(50)]
    response = await client.post("/api/v4/leads", content=urlencode(pairs), headers={
        **tenant.headers, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200, response.text
    lead_id = response.json()["_embedded"]["leads"][0]["id"]
    lead = (await client.get(f"/api/v4/leads/{lead_id}", headers=tenant.headers)).json()
    assert lead["name"] == "Form lead"
    assert sorted(tag["name"] for tag in lead["_embedded"]["tags"]) == sorted(f"form {i}" for i in range(50))


async def test_the_token_endpoint_bounds_its_form_body(lenient) -> None:
    body = "&".join(["client_id=x"] * (MAX_QUERY_PAIRS + 1))
    response = await lenient.post("/oauth2/access_token", content=body,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "Too many parameters" in assert_problem(response, 400)["detail"]


async def test_the_login_form_bounds_its_body(lenient) -> None:
    body = "&".join(["email=x"] * (MAX_QUERY_PAIRS + 1))
    response = await lenient.post("/login", content=body,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400, response.text
    assert "Too many parameters" in response.text
