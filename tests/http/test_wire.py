"""The typed wire's toolkit (issue 10 §1): lax scalars, batches, list parameters and Kommo's errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.responses import Response

from kanbo.core.errors import BadRequest, Unprocessable, ValidationFailed
from kanbo.http import openapi, problems
from kanbo.http.responses import HalResponse
from kanbo.http.wire import (
    Amount,
    BatchItem,
    Id,
    ListParams,
    OutModel,
    WireModel,
    batch,
    body,
    hal_page,
    query,
    responses,
    validate_batch,
    validate_object,
    validate_query,
)


class Value(WireModel):
    value: str | None = None


class Thing(BatchItem):
    name: str
    price: Amount | None = None
    owner_id: Id | None = None
    values: list[Value] = []


class ThingList(ListParams):
    orderable = ("id", "name")
    max_limit = 100


def errors_of(exc: ValidationFailed) -> list[dict[str, Any]]:
    return exc.body()["validation-errors"]


# Lax where clients need it -------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [12, "12", 12.0, " 12 "])
def test_ints_arrive_as_digit_strings_or_floats(raw):
    (thing,) = validate_batch(Thing, [{"name": "a", "price": raw}])
    assert thing.price == 12


def test_a_single_object_is_a_batch_of_one_and_unknown_keys_are_ignored():
    (thing,) = validate_batch(Thing, {"name": "a", "whatever": {"deep": [1]}, "_links": {}})
    assert thing.name == "a" and thing.request_id == "0"
    assert not hasattr(thing, "whatever")


def test_request_ids_are_echoed_as_strings_and_default_to_the_index():
    first, second = validate_batch(Thing, [{"name": "a", "request_id": 7}, {"name": "b"}])
    assert (first.request_id, second.request_id) == ("7", "1")


@pytest.mark.parametrize("raw", [2**63, -(2**63), "1" * 25, 12.5, "x", "true", True])
def test_ints_out_of_range_or_not_integral_are_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        validate_batch(Thing, [{"name": "a", "owner_id": raw}])
    (entry,) = errors_of(caught.value)
    assert entry["errors"][0]["path"] == "owner_id"


# Errors: Kommo's validation-errors with paths relative to the item -----------------------------------

def test_every_failing_item_is_named_with_its_request_id_and_path():
    with pytest.raises(ValidationFailed) as caught:
        validate_batch(Thing, [{"name": "ok"}, {"request_id": "r2", "name": ["x"]},
                               {"name": "v", "values": [{"value": "fine"}, {"value": {"x": 1}}]}])
    entries = errors_of(caught.value)
    assert [e["request_id"] for e in entries] == ["r2", "2"]
    assert entries[0]["errors"] == [{"code": "InvalidType", "path": "name",
                                     "detail": "Input should be a valid string"}]
    assert entries[1]["errors"][0]["path"] == "values.1.value"


def test_a_missing_field_is_not_blank():
    with pytest.raises(ValidationFailed) as caught:
        validate_batch(Thing, [{"price": 1}])
    assert errors_of(caught.value)[0]["errors"][0]["code"] == "NotBlank"


def test_an_item_that_is_not_an_object_is_named_too():
    with pytest.raises(ValidationFailed) as caught:
        validate_batch(Thing, [{"name": "a"}, 5])
    assert errors_of(caught.value) == [{"request_id": "1", "errors": [
        {"code": "InvalidType", "path": "body", "detail": "Each item must be a JSON object"}]}]


@pytest.mark.parametrize("data", [[], "text", 5, None])
def test_an_empty_or_shapeless_batch_is_a_400(data):
    with pytest.raises(BadRequest):
        validate_batch(Thing, data)


def test_a_batch_above_the_limit_is_a_422():
    with pytest.raises(Unprocessable):
        validate_batch(Thing, [{"name": str(i)} for i in range(3)], max_items=2)


def test_an_object_body_must_be_an_object():
    with pytest.raises(BadRequest):
        validate_object(Thing, [{"name": "a"}])
    with pytest.raises(ValidationFailed):
        validate_object(Thing, {"name": None})


# List parameters -----------------------------------------------------------------------------------

def test_list_params_read_php_style_queries():
    params = validate_query(ThingList, "page=2&limit=10&with=a,b&with[]=c&filter[id][]=1&order[name]=desc&query=x")
    q = params.list_query()
    assert (q.page, q.limit, q.offset) == (2, 10, 10)
    assert q.with_ == {"a", "b", "c"}
    assert q.order == [("name", "desc")]
    assert q.filter == {"id": ["1"]} and q.text("query") == "x"


def test_a_boolean_is_no_id():
    with pytest.raises(ValidationFailed) as caught:
        validate_batch(Thing, [{"name": "a", "owner_id": False}])
    assert errors_of(caught.value)[0]["errors"][0]["code"] == "InvalidType"


def test_an_empty_limit_or_page_means_the_default():
    q = validate_query(ThingList, "limit=&page=").list_query()
    assert (q.limit, q.page) == (50, 1)


def test_limit_above_the_maximum_is_a_422_and_defaults_apply():
    with pytest.raises(Unprocessable):
        validate_query(ThingList, "limit=101").list_query()
    assert validate_query(ThingList, "").list_query().limit == 50


@pytest.mark.parametrize("raw", ["page=0", "page=x", "limit=0", "limit=abc", "order[name]=sideways"])
def test_bad_list_params_are_400s(raw):
    with pytest.raises((ValidationFailed, BadRequest)):
        validate_query(ThingList, raw).list_query()


def test_with_is_a_comma_list_or_an_array():
    assert validate_query(ThingList, "with=a%2Cb").list_query().with_ == {"a", "b"}
    assert validate_query(ThingList, "with[]=c&with[]=d").list_query().with_ == {"c", "d"}


def test_a_huge_page_is_an_empty_page_not_an_overflow():
    q = validate_query(ThingList, "page=999999999999999999").list_query()
    assert q.offset < 2**63


# Through an app: problem+json, the marks and the document -----------------------------------------

class ThingOut(OutModel):
    id: int
    name: str


ThingsPage = hal_page("ThingsPage", "things", ThingOut)


def tiny_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.post("/api/v4/things", name="add_things", responses=responses(ThingsPage))
    async def add(items: list[Thing] = batch(Thing)) -> Response:
        return HalResponse({"names": [item.name for item in items]})

    @app.patch("/api/v4/things/{thing_id}", name="update_thing", responses=responses(ThingOut))
    async def update(thing_id: int, data: Thing = body(Thing)) -> Response:
        return HalResponse({"id": thing_id, "name": data.name})

    @app.get("/api/v4/things", name="list_things", responses=responses(ThingsPage, empty=True))
    async def listing(params: ThingList = query(ThingList)) -> Response:
        return HalResponse({"limit": params.list_query().limit})

    @app.get("/api/v4/things/{thing_id}", name="get_thing", response_class=HalResponse,
             responses=responses(ThingOut))
    async def get(thing_id: int) -> Response:
        return HalResponse({"id": thing_id, "name": "x"})

    @app.delete("/api/v4/things", name="delete_things", responses=responses())
    async def delete() -> Response:
        return Response(status_code=204)

    openapi.install(app)
    return app


async def test_a_bad_body_is_a_kommo_400_through_the_app():
    app = tiny_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        ok = await http.post("/api/v4/things", json={"name": "one"},
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        bad = await http.post("/api/v4/things", json=[{"name": "a"}, {"name": {"x": 1}}])
        listed = await http.get("/api/v4/things?limit=7")
        too_many = await http.get("/api/v4/things?limit=101")
    assert ok.status_code == 200 and ok.json() == {"names": ["one"]}
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["validation-errors"] == [{"request_id": "1", "errors": [
        {"code": "InvalidType", "path": "name", "detail": "Input should be a valid string"}]}]
    assert listed.json() == {"limit": 7}
    assert too_many.status_code == 422


def test_the_document_shows_bodies_queries_and_answers():
    document = tiny_app().openapi()
    post = document["paths"]["/api/v4/things"]["post"]
    assert post["operationId"].endswith(".add_things")
    batch_schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}} in batch_schema["anyOf"]
    patch = document["paths"]["/api/v4/things/{thing_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Thing"}
    listing = document["paths"]["/api/v4/things"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"page", "limit", "with", "query", "filter", "order"} <= names
    assert {"200", "204", "400", "401", "404", "422"} <= listing["responses"].keys()
    ref = {"schema": {"$ref": "#/components/schemas/ThingsPage"}}
    assert listing["responses"]["200"]["content"] == {"application/hal+json": ref, "application/json": ref}
    assert "content" not in listing["responses"]["204"]
    one = document["paths"]["/api/v4/things/{thing_id}"]["get"]["responses"]["200"]["content"]
    assert one["application/hal+json"] == {"schema": {"$ref": "#/components/schemas/ThingOut"}}, one
    assert listing["parameters"][[p["name"] for p in listing["parameters"]].index("limit")]["schema"][
        "anyOf"][0] == {"minimum": 1, "type": "integer"}
    delete = document["paths"]["/api/v4/things"]["delete"]
    assert "200" not in delete["responses"] and "204" in delete["responses"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    problem = document["components"]["schemas"]["Problem"]
    assert {"title", "type", "status", "detail"} <= set(problem["required"])
