"""The typed wire of the tags API (issue 10 §1): lax where Kommo clients need it, Kommo's errors, the document."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kanbo.core.errors import Errors
from kanbo.tags.service import parse_tag_ops
from kanbo.tags.wire import TagRef, TagRefs, parse_id, parse_refs
from tests.tags.test_api import add, errors_of, listed

REF = "#/components/schemas/"


# Tag references: the model other domains reuse ----------------------------------------------------

@pytest.mark.parametrize("raw,item", [
    (12, {"id": 12}), (12.0, {"id": 12}), ("VIP", {"name": "VIP"}), ({"id": "7"}, {"id": 7}),
    ({"name": " VIP "}, {"name": "VIP"}), ({"name": 42}, {"name": "42"}),
    ({"id": 7, "name": "", "color": "nope"}, {"id": 7}),  # an echoed tag: the id wins, the rest is not read
    ({"id": None, "name": "x"}, {"name": "x"}),
])
def test_a_tag_ref_takes_an_id_or_a_name(raw, item):
    assert TagRef.model_validate(raw).item() == item


@pytest.mark.parametrize("raw,loc,kind", [
    ({}, (), "missing"), ({"id": None, "name": None}, (), "missing"), ({"id": "abc"}, ("id",), "int_parsing"),
    ({"id": 1.5}, ("id",), "int_from_float"), ({"name": "  "}, ("name",), "string_too_short"),
    ({"name": "x" * 256}, ("name",), "string_too_long"), (True, (), "model_type"), ([1], (), "model_type"),
])
def test_a_bad_tag_ref_names_its_field(raw, loc, kind):
    with pytest.raises(ValidationError) as failed:
        TagRef.model_validate(raw)
    (error,) = failed.value.errors()
    assert (error["loc"], error["type"]) == (loc, kind)


def test_tag_refs_take_one_object_as_a_list_of_one():
    from pydantic import TypeAdapter

    refs = TypeAdapter(TagRefs)
    assert [r.item() for r in refs.validate_python({"name": "Old"})] == [{"name": "Old"}]
    assert [r.item() for r in refs.validate_python(["VIP", 3])] == [{"name": "VIP"}, {"id": 3}]


def test_parse_refs_reports_kommo_codes_under_the_prefix():
    errors = Errors()
    items, paths = parse_refs([{"id": "abc"}, "ok", {}, {"name": "y" * 256}], "tags_to_add", errors, "r")
    assert (items, paths) == ([{"name": "ok"}], ["tags_to_add.1"])
    (failed,) = errors.items()
    assert [(e.path, e.code) for e in failed.errors] == [
        ("tags_to_add.0.id", "InvalidType"), ("tags_to_add.2", "NotBlank"), ("tags_to_add.3.name", "TooLong")]


def test_parse_tag_ops_keeps_its_signature_and_answers():
    errors = Errors()
    ops = parse_tag_ops({"_embedded": {"tags": [5, "VIP"]}, "tags_to_add": {"id": "3"}}, errors, "0")
    assert not errors
    assert ops is not None and ops.replace == [{"id": 5}, {"name": "VIP"}] and ops.add == [{"id": 3}]


@pytest.mark.parametrize("value,expected", [(5, 5), (5.0, 5), ("5", 5), (" 5 ", 5), (0, None), (-1, None),
                                            (True, None), ("x", None), (1.5, None), (2**63, None), (None, None)])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


# The API -------------------------------------------------------------------------------------------

async def test_one_object_is_a_batch_of_one_and_unknown_keys_are_ignored(client, tenant):
    response = await client.post("/api/v4/leads/tags", headers=tenant.headers,
                                 json={"name": 2024, "color": "ffce5a", "request_id": 7, "_links": {}, "x": [1]})
    assert response.status_code == 200, response.text
    (tag,) = response.json()["_embedded"]["tags"]
    assert (tag["name"], tag["color"], tag["request_id"]) == ("2024", "FFCE5A", "7")


async def test_ids_may_be_digit_strings_or_floats(client, tenant):
    a, b = await add(client, tenant, "leads", {"name": "A"}, {"name": "B"})
    response = await client.patch("/api/v4/leads/tags", headers=tenant.headers,
                                  json=[{"id": str(a["id"]), "name": "A2"}, {"id": float(b["id"]), "color": "ebebeb"}])
    assert response.status_code == 200, response.text
    assert [(t["id"], t["name"], t["color"]) for t in response.json()["_embedded"]["tags"]] == [
        (a["id"], "A2", None), (b["id"], "B", "EBEBEB")]
    listed_ids = await listed(client, tenant, query=f"?filter[id]={a['id']}.0,{b['id']}")
    assert [t["id"] for t in listed_ids] == [a["id"], b["id"]]


async def test_a_null_name_in_a_patch_keeps_the_name_and_a_null_colour_clears_it(client, tenant):
    (tag,) = await add(client, tenant, "leads", {"name": "Keep", "color": "EBEBEB"})
    response = await client.patch(f"/api/v4/leads/tags/{tag['id']}", headers=tenant.headers,
                                  json={"name": None, "color": None, "id": "not read", "request_id": "1"})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": tag["id"], "name": "Keep", "color": None}


async def test_a_wrong_type_is_a_400_naming_the_path(client, tenant):
    response = await client.post("/api/v4/leads/tags", headers=tenant.headers,
                                 json=[{"name": "ok"}, {"name": ["x"], "request_id": "bad"}])
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert errors_of(response.json()) == {"bad": [{"code": "InvalidType", "path": "name",
                                                   "detail": "Input should be a valid string"}]}
    deleted = await client.request("DELETE", "/api/v4/leads/tags", headers=tenant.headers, json=[{"id": "abc"}])
    assert deleted.status_code == 400 and [e["path"] for e in errors_of(deleted.json())["0"]] == ["id"]


async def test_shape_and_database_errors_come_in_one_answer(client, tenant):
    (tag,) = await add(client, tenant, "leads", {"name": "A"})
    response = await client.request("DELETE", "/api/v4/leads/tags", headers=tenant.headers,
                                    json=[{"id": tag["id"]}, {"id": "x", "request_id": "shape"},
                                          {"id": 987654321, "request_id": "gone"}])
    assert response.status_code == 400
    errors = errors_of(response.json())
    assert [(e["path"], e["code"]) for e in errors["shape"]] == [("id", "InvalidType")]
    assert [(e["path"], e["code"]) for e in errors["gone"]] == [("id", "NotFound")]
    assert [t["id"] for t in await listed(client, tenant)] == [tag["id"]]  # nothing deleted


async def test_list_query_limits(client, tenant):
    await add(client, tenant, "leads", {"name": "A"})
    too_many = await client.get("/api/v4/leads/tags?limit=251", headers=tenant.headers)
    assert too_many.status_code == 422 and too_many.json()["detail"] == "Limit 250 per page"
    assert (await client.get("/api/v4/leads/tags?limit=", headers=tenant.headers)).status_code == 200  # was a 500
    assert (await client.get("/api/v4/leads/tags?limit=2.0&page=1.0", headers=tenant.headers)).status_code == 200
    zero = await client.get("/api/v4/leads/tags?limit=0", headers=tenant.headers)
    assert zero.status_code == 400 and zero.json()["validation-errors"][0]["errors"][0]["path"] == "limit"
    bad = await client.get("/api/v4/leads/tags?filter[id][]=1&filter[id][]=x", headers=tenant.headers)
    assert bad.status_code == 400 and bad.json()["validation-errors"][0]["errors"][0]["path"] == "filter.id.1"
    long = await client.get("/api/v4/leads/tags?query=" + "a" * 256, headers=tenant.headers)
    assert long.status_code == 400 and long.json()["validation-errors"][0]["errors"][0]["code"] == "TooLong"


async def test_rights_come_before_the_body(client, tenant):
    member = await tenant.add_user(name="Seller")
    for method, path, body in [("PATCH", "/api/v4/leads/tags", [{"id": "x"}]),
                               ("PATCH", "/api/v4/leads/tags/1", {"color": "pink"}),
                               ("DELETE", "/api/v4/leads/tags", [{}])]:
        response = await client.request(method, path, headers=member.headers, json=body)
        assert response.status_code == 403, (method, path, response.text)


def test_the_document_tells_the_truth(app):
    paths = app.openapi()["paths"]
    add_op = paths["/api/v4/contacts/tags"]["post"]
    assert add_op["operationId"] == "tags.add_contacts_tags"
    schema = add_op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"anyOf": [{"type": "array", "items": {"$ref": REF + "TagIn"}}, {"$ref": REF + "TagIn"}]}
    assert add_op["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "TagsWritten"}
    listing = paths["/api/v4/leads/tags"]["get"]
    assert {"200", "204"} <= set(listing["responses"])
    assert {p["name"] for p in listing["parameters"]} >= {"page", "limit", "query", "filter"}
    assert paths["/api/v4/leads/tags"]["delete"]["responses"]["204"] == {"description": "No content"}
    assert "200" not in paths["/api/v4/leads/tags"]["delete"]["responses"]
    schemas = app.openapi()["components"]["schemas"]
    assert len(schemas["TagIn"]["properties"]["color"]["anyOf"][0]["enum"]) == 23
    assert schemas["TagOut"]["required"] == ["id", "name", "color"]
