"""PHP-style query strings (spec §1.2, §21 #12/#13; client-tolerance §6)."""

from __future__ import annotations

import pytest

from kanbo.core.errors import BadRequest, Unprocessable, ValidationFailed
from kanbo.http.query import Range, as_list, as_range, parse_order, parse_query_string
from tests.support.lists import parse_list_query


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("k[]=1&k[]=2", {"k": ["1", "2"]}),
        ("k[0]=1&k[1]=2", {"k": ["1", "2"]}),
        ("k[1]=b&k[0]=a", {"k": ["a", "b"]}),
        ("filter[id]=5", {"filter": {"id": "5"}}),
        ("filter[id]=1&filter[id]=2", {"filter": {"id": ["1", "2"]}}),
        ("filter[id][]=1&filter[id]=2", {"filter": {"id": ["1", "2"]}}),
        ("filter[price][from]=10&filter[price][to]=20", {"filter": {"price": {"from": "10", "to": "20"}}}),
        (
            "filter[statuses][0][pipeline_id]=1&filter[statuses][0][status_id]=2"
            "&filter[statuses][1][pipeline_id]=3&filter[statuses][1][status_id]=142",
            {"filter": {"statuses": [{"pipeline_id": "1", "status_id": "2"},
                                     {"pipeline_id": "3", "status_id": "142"}]}},
        ),
        ("filter%5Bid%5D%5B0%5D=1&filter%5Bid%5D%5B1%5D=7", {"filter": {"id": ["1", "7"]}}),
        ("filter%5bid%5d%5b%5d=3", {"filter": {"id": ["3"]}}),
        ("with=a,b", {"with": "a,b"}),
        ("with=a%2Cb", {"with": "a,b"}),
        ("with=a&with=b", {"with": ["a", "b"]}),
        ("order[updated_at]=desc&order[id]=asc", {"order": {"updated_at": "desc", "id": "asc"}}),
        ("query=John+Smith&q2=John%20Smith&q3=a%2Bb", {"query": "John Smith", "q2": "John Smith", "q3": "a+b"}),
        ("filter[name]=a%26b%3Dc", {"filter": {"name": "a&b=c"}}),
        ("query=%D0%98%D0%B2%D0%B0%D0%BD", {"query": "Иван"}),
        ("flag&x=", {"flag": "", "x": ""}),
        ("&&a=1&", {"a": "1"}),
        ("broken[=1&also]=2", {"broken[": "1", "also]": "2"}),
    ],
)
def test_bracket_forms(raw: str, expected: dict) -> None:
    assert parse_query_string(raw) == expected


def test_bytes_input_and_raw_utf8() -> None:
    assert parse_query_string(b"filter[id][]=1") == {"filter": {"id": ["1"]}}
    # Some clients send UTF-8 unencoded in the query string.
    assert parse_query_string("query=Иван".encode()) == {"query": "Иван"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", ["5"]),
        (["1", "2"], ["1", "2"]),
        ("lead_added,lead_deleted", ["lead_added", "lead_deleted"]),
        (["a,b", "c"], ["a", "b", "c"]),
        ({"0": "1", "1": "2"}, ["1", "2"]),
        ("a, ,b,", ["a", "b"]),
        (None, []),
        ("", []),
    ],
)
def test_as_list(value: object, expected: list[str]) -> None:
    assert as_list(value) == expected


def test_as_list_without_splitting_commas() -> None:
    assert as_list("Smith, John", split_commas=False) == ["Smith, John"]


def test_event_comma_list_through_the_parser() -> None:
    params = parse_query_string("filter[type]=lead_added,lead_deleted&filter[entity][]=lead")
    assert as_list(params["filter"]["type"]) == ["lead_added", "lead_deleted"]
    assert as_list(params["filter"]["entity"]) == ["lead"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("x[from]=10&x[to]=20", Range(10, 20)),
        ("x[from]=10", Range(10, None)),
        ("x[to]=20", Range(None, 20)),
        ("x[from]=&x[to]=5", Range(None, 5)),
        ("x=7", Range(7, 7)),
        ("x[]=3&x[]=9", Range(3, 9)),
        ("x=1700000000.0", Range(1700000000, 1700000000)),
    ],
)
def test_as_range(raw: str, expected: Range) -> None:
    assert as_range(parse_query_string(raw)["x"], "x") == expected


def test_as_range_rejects_text() -> None:
    with pytest.raises(BadRequest, match=r"x\[from\]"):
        as_range(parse_query_string("x[from]=yesterday")["x"], "x")


def test_list_query_defaults() -> None:
    query = parse_list_query("")
    assert (query.page, query.limit, query.offset) == (1, 50, 0)
    assert query.with_ == frozenset() and query.filter == {} and query.order == []


def test_list_query_full() -> None:
    query = parse_list_query(
        "page=3&limit=20&with=contacts,loss_reason&with=catalog_elements&filter[id][]=1&filter[id][]=2"
        "&order[updated_at]=DESC&order[id]=asc",
        orderable=("updated_at", "id"),
    )
    assert (query.page, query.limit, query.offset) == (3, 20, 40)
    assert query.with_ == {"contacts", "loss_reason", "catalog_elements"}
    assert query.filter == {"id": ["1", "2"]}
    assert query.order == [("updated_at", "desc"), ("id", "asc")]


@pytest.mark.parametrize("raw", ["with=contacts%2Cno_such_thing", "with[]=contacts&with[]=no_such_thing"])
def test_unknown_with_values_are_kept_not_rejected(raw: str) -> None:
    query = parse_list_query(raw)
    assert query.has("contacts")
    assert not query.has("leads")


def test_list_query_uses_last_page_and_refuses_a_scalar_filter() -> None:
    query = parse_list_query("page=1&page=2&filter=")
    assert query.page == 2
    assert query.filter == {}
    with pytest.raises(ValidationFailed) as error:
        parse_list_query("page=1&filter=oops")
    assert error.value.body()["validation-errors"][0]["errors"][0]["path"] == "filter"


def test_limit_above_maximum_is_unprocessable() -> None:
    with pytest.raises(Unprocessable) as error:
        parse_list_query("limit=251")
    assert error.value.status == 422
    assert error.value.detail == "Limit 250 per page"
    assert parse_list_query("limit=250").limit == 250


def test_custom_limits() -> None:
    assert parse_list_query("", default_limit=10).limit == 10
    with pytest.raises(Unprocessable, match="Limit 100 per page"):
        parse_list_query("limit=101", max_limit=100)


@pytest.mark.parametrize("raw", ["page=0", "page=abc", "page=-1", "limit=0", "limit=x", "page=1.5"])
def test_bad_page_or_limit_is_bad_request(raw: str) -> None:
    with pytest.raises((BadRequest, ValidationFailed)) as error:
        parse_list_query(raw)
    assert error.value.status == 400


def test_page_and_limit_accept_floats_and_empties() -> None:
    query = parse_list_query("page=2.0&limit=")
    assert (query.page, query.limit) == (2, 50)


def test_parse_order() -> None:
    value = parse_query_string("order[created_at]=asc&order[id]=Desc")["order"]
    assert parse_order(value, ["id", "created_at"]) == [("created_at", "asc"), ("id", "desc")]
    assert parse_order(None, ["id"]) == []
    with pytest.raises(BadRequest, match="order"):
        parse_order("desc", ["id"])


def test_parse_order_rejects_a_bad_direction() -> None:
    with pytest.raises(BadRequest, match=r"order\[id\] must be asc or desc"):
        parse_order({"id": "up"}, ["id"])


def test_parse_order_rejects_an_unknown_field() -> None:
    with pytest.raises(BadRequest, match=r"order\[price\]"):
        parse_order({"price": "asc"}, ["id"])


def test_bad_order_through_parse_list_query() -> None:
    with pytest.raises(ValidationFailed):
        parse_list_query("order[id]=sideways", orderable=["id"])


# Malformed filters are refused, never silently dropped (issue 9 #4) ----------------------------

@pytest.mark.parametrize("raw", [
    "filter[id][from][to][x]=1",
    "filter[id][a]=1",
    "filter[created_at][since]=1",
    "filter[created_at][from][x]=1",
    "filter[id]]=1",
    "filter[id=1",
    "filter=1",
    "filter[]=1",
    "order=id",
    "order[id][x]=desc",
    "order[id=desc",
    "with[a][b]=contacts",
])
async def test_a_known_parameter_of_unreadable_shape_is_a_400_naming_it(client, tenant, raw: str) -> None:
    response = await client.get(f"/api/v4/leads?{raw}", headers=tenant.headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    name = raw.split("=")[0].split("[")[0]
    assert name in response.json()["detail"]


async def test_readable_shapes_and_unknown_keys_still_work(client, tenant) -> None:
    created = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "A"}, {"name": "B"}])
    ids = [lead["id"] for lead in created.json()["_embedded"]["leads"]]
    for raw in (f"filter[id]={ids[0]}", f"filter[id][]={ids[0]}", f"filter[id][0]={ids[0]}",
                f"filter[id][7]={ids[0]}", f"filter[id]={ids[0]},999999999",
                f"filter[id]={ids[0]}&filter[nope][x][y]=1",                f"filter[id]={ids[0]}&unknown[a][b]=1"):
        response = await client.get(f"/api/v4/leads?{raw}", headers=tenant.headers)
        assert response.status_code == 200, (raw, response.text)
        assert [lead["id"] for lead in response.json()["_embedded"]["leads"]] == [ids[0]], raw


def test_as_list_refuses_nested_values() -> None:
    with pytest.raises(BadRequest, match=r"filter\[id\]"):
        as_list({"from": {"to": "1"}}, path="filter[id]")
    with pytest.raises(BadRequest):
        as_list(["1", ["2"]], path="x")
    assert as_list({"3": "a", "9": "b"}) == ["a", "b"]
