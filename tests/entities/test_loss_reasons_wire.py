"""The typed wire of ``/api/v4/leads/loss_reasons`` (spec §5.5): lax ints, single objects, unknown keys,
Kommo's errors, the page limit, rights before the body and the published document."""

from __future__ import annotations

import pytest

from tests.contract.helpers import assert_problem

BASE = "/api/v4/leads/loss_reasons"


async def test_digit_strings_floats_a_single_object_and_unknown_keys(client, tenant):
    response = await client.post(BASE, headers=tenant.headers, json={
        "name": "  Too expensive ", "sort": "5", "request_id": 9, "id": 2**40, "_links": {}, "whatever": [1]})
    assert response.status_code == 200, response.text
    (reason,) = response.json()["_embedded"]["loss_reasons"]
    assert (reason["name"], reason["sort"], reason["request_id"]) == ("Too expensive", 5, "9")
    assert reason["id"] != 2**40  # a client-given id is ignored
    patched = await client.patch(f"{BASE}/{reason['id']}", headers=tenant.headers,
                                 json={"sort": 7.0, "name": None, "request_id": "0", "created_at": "echoed"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["sort"]) == ("Too expensive", 7)


async def test_wrong_types_are_a_400_naming_each_item_and_path(client, tenant):
    response = await client.post(BASE, headers=tenant.headers, json=[
        {"name": "Fine"}, {"request_id": "b", "name": "  "}, {"sort": "x"}, {"name": "x" * 256, "sort": 2**31}])
    body = assert_problem(response, 400)
    errors = {entry["request_id"]: {(e["path"], e["code"]) for e in entry["errors"]}
              for entry in body["validation-errors"]}
    assert errors == {"b": {("name", "NotBlank")}, "2": {("name", "NotBlank"), ("sort", "InvalidType")},
                      "3": {("name", "TooLong"), ("sort", "OutOfRange")}}
    assert (await client.get(BASE, headers=tenant.headers)).status_code == 204  # nothing was written
    body = assert_problem(await client.patch(f"{BASE}/1", headers=tenant.headers, json={"sort": [1]}), 400)
    assert body["validation-errors"][0]["errors"][0]["path"] == "sort"


async def test_a_sort_beyond_the_column_is_refused_on_both_databases(client, tenant):
    """``sort`` is a 32-bit INTEGER: SQLite used to store a larger one, PostgreSQL to refuse it only at the
    database; the model refuses it on both."""
    for sort in (2**31, -(2**31) - 1, 2**40):
        assert_problem(await client.post(BASE, headers=tenant.headers, json=[{"name": "R", "sort": sort}]), 400)
    response = await client.post(BASE, headers=tenant.headers, json=[{"name": "R", "sort": 2**31 - 1}])
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("body", [[{}], [{"name": 5}], {"sort": "x"}, "not json"])
async def test_a_user_who_may_not_change_them_gets_403_whatever_the_body(client, tenant, body):
    member = await tenant.add_user(name="Member")
    response = await client.post(BASE, headers=member.headers, **(
        {"content": body} if isinstance(body, str) else {"json": body}))
    assert_problem(response, 403)
    assert_problem(await client.patch(f"{BASE}/1", headers=member.headers, json={"sort": "x"}), 403)


async def test_the_page_limit(client, tenant):
    await client.post(BASE, headers=tenant.headers, json=[{"name": f"R{i}", "sort": i} for i in range(3)])
    assert_problem(await client.get(f"{BASE}?limit=251", headers=tenant.headers), 422)
    page = (await client.get(f"{BASE}?limit=2&page=2", headers=tenant.headers)).json()
    assert [r["name"] for r in page["_embedded"]["loss_reasons"]] == ["R2"]
    assert (page["_page"], page["_total_items"], page["_page_count"]) == (2, 3, 2)
    assert_problem(await client.get(f"{BASE}?page=abc", headers=tenant.headers), 400)


def test_the_document_names_the_models(app):
    document = app.openapi()
    paths, schemas = document["paths"], document["components"]["schemas"]
    add = paths[BASE]["post"]
    assert add["operationId"] == "leads.add_reasons"
    ref = {"$ref": "#/components/schemas/LossReasonIn"}
    assert add["requestBody"]["content"]["application/json"]["schema"] == {"anyOf": [{"type": "array", "items": ref},
                                                                                   ref]}
    assert add["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/LossReasonsAdded"}
    assert schemas["LossReasonIn"]["required"] == ["name"]
    assert paths[BASE + "/{reason_id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LossReasonPatch"}
    assert {code for code in paths[BASE + "/{reason_id}"]["delete"]["responses"] if code.startswith("2")} == {"204"}
    listing = paths[BASE]["get"]
    assert {"page", "limit"} <= {p["name"] for p in listing["parameters"]}
    assert set(listing["responses"]) >= {"200", "204"}
