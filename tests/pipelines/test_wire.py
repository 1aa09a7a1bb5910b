"""The typed wire of pipelines and stages (issue 10 §1): lax where Kommo clients need it, Kommo's errors,
the document."""

from __future__ import annotations

from tests.pipelines.test_pipelines import BASE, _add, _main

REF = "#/components/schemas/"


def paths_of(response) -> dict[str, list[tuple[str, str]]]:
    return {item["request_id"]: [(e["path"], e["code"]) for e in item["errors"]]
            for item in response.json()["validation-errors"]}


async def test_one_object_is_a_batch_of_one_with_lax_numbers(client, tenant):
    response = await client.post(BASE, headers=tenant.headers, json={
        "name": "Lax", "sort": "30", "is_unsorted_on": "false", "request_id": 5, "unknown": {"x": 1},
        "_embedded": {"statuses": [{"name": "A", "sort": 40.0, "color": "#FFFEB2"}]}})
    assert response.status_code == 200, response.text
    (pipeline,) = response.json()["_embedded"]["pipelines"]
    assert (pipeline["sort"], pipeline["is_unsorted_on"], pipeline["request_id"]) == (30, False, "5")
    regular = [s for s in pipeline["_embedded"]["statuses"] if s["is_editable"]]
    assert [(s["name"], s["sort"], s["color"]) for s in regular] == [("A", 40, "#fffeb2")]
    stage = await client.post(f"{BASE}/{pipeline['id']}/statuses", headers=tenant.headers,
                              json={"name": "B", "sort": "50", "type": 0.0})
    assert stage.status_code == 200, stage.text
    assert stage.json()["_embedded"]["statuses"][0]["sort"] == 50


async def test_a_pipeline_read_back_can_be_posted_again(client, tenant):
    """Clients copy pipelines: system stages come with their own colours and sorts, which are not read."""
    main = await _main(client, tenant)
    copy = {key: main[key] for key in ("name", "sort", "is_unsorted_on")}
    copy["_embedded"] = {"statuses": main["_embedded"]["statuses"]}
    response = await client.post(BASE, headers=tenant.headers, json=[copy])
    assert response.status_code == 200, response.text
    created = response.json()["_embedded"]["pipelines"][0]["_embedded"]["statuses"]
    assert [(s["name"], s["sort"], s["color"], s["type"]) for s in created if s["is_editable"]] == [
        (s["name"], s["sort"], s["color"], s["type"]) for s in main["_embedded"]["statuses"] if s["is_editable"]]
    assert [s["color"] for s in created if not s["is_editable"]] == ["#c1c1c1", "#ccff66", "#d5d8db"]


async def test_wrong_types_are_400s_naming_the_path(client, tenant):
    response = await client.post(BASE, headers=tenant.headers, json=[
        {"name": "x", "_embedded": {"statuses": [{"name": "a", "sort": "ten"}, {"name": "b", "color": 5}]}},
        {"name": "y", "request_id": "r", "is_main": "maybe", "_embedded": {"statuses": [{"id": 142, "name": "W"}]}},
        {"name": "z", "request_id": "n", "_embedded": {}},
        {"name": "w", "request_id": "m", "is_main": True, "is_archive": True,
         "_embedded": {"statuses": [{"name": "a"}]}},
    ])
    assert response.status_code == 400
    assert paths_of(response) == {
        "0": [("_embedded.statuses.0.sort", "InvalidType"), ("_embedded.statuses.1.color", "NotSupportedChoice")],
        "r": [("is_main", "InvalidType"), ("_embedded.statuses", "NotBlank")],
        "n": [("_embedded.statuses", "NotBlank")],
        "m": [("is_archive", "InvalidValue")],
    }
    pid = (await _main(client, tenant))["id"]
    patched = await client.patch(f"{BASE}/{pid}", headers=tenant.headers, json={"sort": [1]})
    assert patched.status_code == 400 and paths_of(patched) == {"0": [("sort", "InvalidType")]}


async def test_a_system_stage_echoed_whole_is_renamed(client, tenant):
    main = await _main(client, tenant)
    won = next(s for s in main["_embedded"]["statuses"] if s["id"] == 142)
    response = await client.patch(f"{BASE}/{main['id']}/statuses/142", headers=tenant.headers,
                                  json={**won, "name": "Ganado", "descriptions": []})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Ganado" and response.json()["color"] == won["color"]
    moved = await client.patch(f"{BASE}/{main['id']}/statuses/142", headers=tenant.headers,
                               json={"color": "#fffeb2", "is_editable": True, "pipeline_id": main["id"]})
    assert moved.status_code == 400
    assert paths_of(moved) == {"0": [("color", "NotEditable"), ("is_editable", "NotEditable")]}


async def test_a_regular_stage_takes_no_system_colour_and_one_description_per_level(client, tenant):
    main = await _main(client, tenant)
    regular = main["_embedded"]["statuses"][1]
    url = f"{BASE}/{main['id']}/statuses/{regular['id']}"
    refused = await client.patch(url, headers=tenant.headers, json={"color": "#CCFF66"})
    assert refused.status_code == 400 and paths_of(refused) == {"0": [("color", "NotSupportedChoice")]}
    twice = await client.patch(url, headers=tenant.headers, json={"descriptions": [
        {"level": "newbie", "description": "a"}, {"level": "newbie", "description": "b"}]})
    assert twice.status_code == 400 and paths_of(twice) == {"0": [("descriptions.1.level", "NotSupportedChoice")]}
    too_many = await client.patch(url, headers=tenant.headers, json={"descriptions": [
        {"level": "newbie", "description": "a"}] * 4})
    assert too_many.status_code == 400 and paths_of(too_many) == {"0": [("descriptions", "TooLong")]}
    bad_level = await client.patch(url, headers=tenant.headers,
                                   json={"descriptions": [{"level": "guru", "description": "x" * 1001}]})
    assert paths_of(bad_level) == {"0": [("descriptions.0.level", "NotSupportedChoice"),
                                         ("descriptions.0.description", "TooLong")]}
    ok = await client.patch(url, headers=tenant.headers, json={"name": None, "descriptions": [
        {"level": "master", "description": "Close it", "id": 9, "created_at": "2020-01-01 00:00:00"}]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["name"] == regular["name"]
    read = await client.get(f"{url}?with=descriptions,unknown", headers=tenant.headers)
    (description,) = read.json()["descriptions"]
    assert (description["level"], description["description"], description["status_id"]) == (
        "master", "Close it", regular["id"])
    assert "descriptions" not in (await client.get(url, headers=tenant.headers)).json()


async def test_reads_ignore_paging(client, tenant):
    listed = await client.get(f"{BASE}?page=7&limit=1&with[]=descriptions", headers=tenant.headers)
    assert listed.status_code == 200 and listed.json()["_total_items"] == 1
    assert "descriptions" in listed.json()["_embedded"]["pipelines"][0]["_embedded"]["statuses"][0]


async def test_rights_come_before_the_body(client, tenant):
    member = await tenant.add_user()
    pid = (await _main(client, tenant))["id"]
    for method, path, body in [("POST", BASE, [{}]), ("PATCH", f"{BASE}/{pid}", {"sort": "x"}),
                               ("POST", f"{BASE}/{pid}/statuses", [{"type": 1}]),
                               ("PATCH", f"{BASE}/{pid}/statuses/142", {"color": 1})]:
        response = await client.request(method, path, headers=member.headers, json=body)
        assert response.status_code == 403, (method, path, response.text)
    assert (await _add(client, tenant, statuses=[{"name": "A", "type": 1}])).status_code == 400  # Incoming only


def test_the_document_tells_the_truth(app):
    document = app.openapi()
    paths = document["paths"]
    add = paths[BASE]["post"]
    assert add["operationId"] == "pipelines.add_pipelines"
    assert add["requestBody"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"type": "array", "items": {"$ref": REF + "PipelineIn"}}, {"$ref": REF + "PipelineIn"}]}
    assert add["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "PipelinesWritten"}
    stage = paths[BASE + "/{pipeline_id}/statuses/{status_id}"]
    assert stage["patch"]["requestBody"]["content"]["application/json"]["schema"] == {"$ref": REF + "StagePatch"}
    assert stage["get"]["responses"]["200"]["content"]["application/hal+json"]["schema"] == {"$ref": REF + "StatusOut"}
    assert "204" in stage["get"]["responses"] and "200" not in stage["delete"]["responses"]
    assert [p["name"] for p in stage["get"]["parameters"] if p["in"] == "query"] == ["with"]
    schemas = document["components"]["schemas"]
    assert len(schemas["StageIn"]["properties"]["color"]["anyOf"][0]["enum"]) == 21
    assert "descriptions" not in schemas["StatusOut"]["required"]
