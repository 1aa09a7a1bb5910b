from __future__ import annotations

import pytest

BASE = "/api/v4/leads/pipelines"
PIPELINE_KEYS = {"id", "name", "sort", "is_main", "is_unsorted_on", "is_archive", "account_id", "_links", "_embedded"}
STATUS_KEYS = {"id", "name", "sort", "is_editable", "pipeline_id", "color", "type", "account_id", "_links"}


async def _main(client, tenant):
    body = (await client.get(BASE, headers=tenant.headers)).json()
    return body["_embedded"]["pipelines"][0]


async def _add(client, tenant, name="Second", statuses=None, **extra):
    statuses = statuses if statuses is not None else [{"name": "First", "sort": 20}]
    return await client.post(BASE, headers=tenant.headers,
                             json=[{"name": name, "_embedded": {"statuses": statuses}, **extra}])


async def test_new_account_has_a_main_pipeline_with_system_stages(client, tenant):
    response = await client.get(BASE, headers=tenant.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["_total_items"] == 1
    pipeline = body["_embedded"]["pipelines"][0]
    assert set(pipeline) == PIPELINE_KEYS
    assert pipeline["is_main"] is True
    statuses = pipeline["_embedded"]["statuses"]
    assert set(statuses[0]) == STATUS_KEYS
    assert statuses[0]["type"] == 1 and statuses[0]["is_editable"] is False
    assert [s["id"] for s in statuses[-2:]] == [142, 143]
    assert all(s["is_editable"] for s in statuses[1:-2])
    assert [s["sort"] for s in statuses] == sorted(s["sort"] for s in statuses)
    assert statuses[1]["_links"]["self"]["href"].endswith(f"/api/v4/leads/pipelines/{pipeline['id']}/statuses/"
                                                          f"{statuses[1]['id']}")


async def test_won_and_lost_have_the_same_ids_in_every_pipeline(client, tenant):
    created = (await _add(client, tenant)).json()["_embedded"]["pipelines"][0]
    ids = [s["id"] for s in created["_embedded"]["statuses"]]
    assert 142 in ids and 143 in ids
    assert created["request_id"] == "0"
    main = await _main(client, tenant)
    assert {s["id"] for s in main["_embedded"]["statuses"]} & set(ids) == {142, 143}


async def test_system_stage_names_can_be_set_at_creation(client, tenant):
    created = (await _add(client, tenant, statuses=[{"name": "A", "sort": 20}, {"id": 142, "name": "Paid"}]))
    statuses = created.json()["_embedded"]["pipelines"][0]["_embedded"]["statuses"]
    assert [s["name"] for s in statuses if s["id"] == 142] == ["Paid"]


async def test_system_stages_can_only_be_renamed(client, tenant):
    pipeline = await _main(client, tenant)
    pid = pipeline["id"]
    renamed = await client.patch(f"{BASE}/{pid}/statuses/142", headers=tenant.headers, json={"name": "Ganado"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ganado"
    moved = await client.patch(f"{BASE}/{pid}/statuses/142", headers=tenant.headers, json={"sort": 50})
    assert moved.status_code == 400
    assert moved.json()["validation-errors"][0]["errors"][0]["path"] == "sort"
    echoed = await client.patch(f"{BASE}/{pid}/statuses/143", headers=tenant.headers,
                                json={"name": "Perdido", "sort": 11000, "type": 0})
    assert echoed.status_code == 200, echoed.text
    incoming = pipeline["_embedded"]["statuses"][0]["id"]
    for status_id in (142, 143, incoming):
        refused = await client.delete(f"{BASE}/{pid}/statuses/{status_id}", headers=tenant.headers)
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"


async def test_regular_stage_lifecycle_and_colour_palette(client, tenant):
    pid = (await _main(client, tenant))["id"]
    bad = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers,
                            json=[{"name": "X", "sort": 50, "color": "#123456"}])
    assert bad.status_code == 400
    assert bad.json()["validation-errors"][0]["errors"][0]["path"] == "color"
    for sort in (-1, 2**31, "ten", 1.5):
        out_of_range = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers,
                                         json=[{"name": "X", "sort": sort}])
        assert out_of_range.status_code == 400, sort
        assert out_of_range.json()["validation-errors"][0]["errors"][0]["path"] == "sort"
    added = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers,
                              json=[{"name": "Demo", "sort": 55, "color": "#98cbff", "request_id": "a"}])
    assert added.status_code == 200
    status = added.json()["_embedded"]["statuses"][0]
    assert status["request_id"] == "a" and status["color"] == "#98cbff" and status["type"] == 0
    changed = await client.patch(f"{BASE}/{pid}/statuses/{status['id']}", headers=tenant.headers,
                                 json={"name": "Demo 2", "color": "#fffeb2",
                                       "descriptions": [{"level": "newbie", "description": "Call them"}]})
    assert changed.status_code == 200
    detail = (await client.get(f"{BASE}/{pid}/statuses/{status['id']}?with=descriptions",
                               headers=tenant.headers)).json()
    assert detail["name"] == "Demo 2"
    assert detail["descriptions"][0]["level"] == "newbie"
    assert len(detail["descriptions"][0]["created_at"]) == 19
    assert (await client.delete(f"{BASE}/{pid}/statuses/{status['id']}", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"{BASE}/{pid}/statuses/{status['id']}", headers=tenant.headers)).status_code == 204


async def test_pipeline_limit(client, tenant, monkeypatch):
    monkeypatch.setenv("KANBO_MAX_PIPELINES", "2")
    from kanbo.config import reset_settings

    reset_settings()
    try:
        assert (await _add(client, tenant, name="Two")).status_code == 200
        refused = await _add(client, tenant, name="Three")
        assert refused.status_code == 400
        assert "at most 2 pipelines" in refused.json()["detail"]
    finally:
        monkeypatch.delenv("KANBO_MAX_PIPELINES")
        reset_settings()


async def test_stage_limit_counts_system_stages(client, tenant, monkeypatch):
    monkeypatch.setenv("KANBO_MAX_STAGES", "5")
    from kanbo.config import reset_settings

    reset_settings()
    try:
        pid = (await _add(client, tenant, statuses=[{"name": "A", "sort": 20}])).json()[
            "_embedded"]["pipelines"][0]["id"]
        assert (await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers,
                                  json=[{"name": "B", "sort": 30}])).status_code == 200
        refused = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers, json=[{"name": "C", "sort": 40}])
        assert refused.status_code == 400
        too_many = await _add(client, tenant, statuses=[{"name": f"S{i}", "sort": 20 + i} for i in range(3)])
        assert too_many.status_code == 400
    finally:
        monkeypatch.delenv("KANBO_MAX_STAGES")
        reset_settings()


async def test_pipeline_needs_a_regular_stage_and_a_name(client, tenant):
    response = await client.post(BASE, headers=tenant.headers, json=[{"name": "", "_embedded": {"statuses": []}},
                                                                     {"name": "ok", "request_id": "x"}])
    assert response.status_code == 400
    errors = response.json()["validation-errors"]
    assert {e["request_id"] for e in errors} == {"0", "x"}
    assert len((await client.get(BASE, headers=tenant.headers)).json()["_embedded"]["pipelines"]) == 1


async def test_main_pipeline_switch_and_delete_rules(client, tenant):
    main_id = (await _main(client, tenant))["id"]
    second = (await _add(client, tenant)).json()["_embedded"]["pipelines"][0]["id"]
    assert (await client.delete(f"{BASE}/{main_id}", headers=tenant.headers)).status_code == 400
    switched = await client.patch(f"{BASE}/{second}", headers=tenant.headers, json={"is_main": True, "name": "New"})
    assert switched.status_code == 200 and switched.json()["is_main"] is True
    old = (await client.get(f"{BASE}/{main_id}", headers=tenant.headers)).json()
    assert old["is_main"] is False
    archive_main = await client.patch(f"{BASE}/{second}", headers=tenant.headers, json={"is_archive": True})
    assert archive_main.status_code == 400
    assert (await client.delete(f"{BASE}/{main_id}", headers=tenant.headers)).status_code == 204
    assert (await client.get(f"{BASE}/{main_id}", headers=tenant.headers)).status_code == 204


@pytest.mark.parametrize("method,path,body", [
    ("post", BASE, [{"name": "x", "_embedded": {"statuses": [{"name": "a", "sort": 20}]}}]),
    ("patch", BASE + "/{pid}", {"name": "x"}),
    ("delete", BASE + "/{pid}", None),
    ("post", BASE + "/{pid}/statuses", [{"name": "a", "sort": 20}]),
])
async def test_only_admins_change_pipelines(client, tenant, method, path, body):
    member = await tenant.add_user()
    pid = (await _main(client, tenant))["id"]
    kwargs = {"json": body} if body is not None else {}
    response = await getattr(client, method)(path.format(pid=pid), headers=member.headers, **kwargs)
    assert response.status_code == 403
    assert (await client.get(BASE, headers=member.headers)).status_code == 200


async def test_other_accounts_pipeline_is_missing(client, tenant, db):
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    pid = (await _main(client, other))["id"]
    assert (await client.get(f"{BASE}/{pid}", headers=tenant.headers)).status_code == 204
    assert (await client.patch(f"{BASE}/{pid}", headers=tenant.headers, json={"name": "x"})).status_code == 404
    assert (await client.delete(f"{BASE}/{pid}/statuses/142", headers=tenant.headers)).status_code == 404


async def test_kommo_documented_examples_work_unchanged(client, tenant):
    """The request bodies of Kommo's own documentation for pipelines and stages."""
    created = await client.post(BASE, headers=tenant.headers, json=[{
        "name": "Sales funnel 2", "is_main": False, "is_unsorted_on": True, "sort": 20, "request_id": "123",
        "_embedded": {"statuses": [{"id": 142, "name": "My name for won deals"},
                                   {"name": "First contact", "sort": 10, "color": "#fffeb2"}]},
    }])
    assert created.status_code == 200, created.text
    pipeline = created.json()["_embedded"]["pipelines"][0]
    assert pipeline["request_id"] == "123" and pipeline["sort"] == 20
    statuses = pipeline["_embedded"]["statuses"]
    assert [(s["type"], s["name"]) for s in statuses][1:] == [(0, "First contact"), (0, "My name for won deals"),
                                                               (0, statuses[-1]["name"])]
    assert statuses[0]["type"] == 1 and [s["id"] for s in statuses[-2:]] == [142, 143]
    pid = pipeline["id"]
    added = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers, json=[
        {"name": "New stage", "sort": 100, "color": "#fffeb2"},
        {"name": "New stage 2", "sort": 200, "color": "#fffeb2"}])
    assert added.status_code == 200, added.text
    assert [s["sort"] for s in added.json()["_embedded"]["statuses"]] == [100, 200]
    edited = await client.patch(f"{BASE}/{pid}/statuses/{added.json()['_embedded']['statuses'][0]['id']}",
                                headers=tenant.headers, json={"name": "Renamed stage", "color": "#c1e0ff"})
    assert edited.status_code == 200, edited.text
    renamed = await client.patch(f"{BASE}/{pid}", headers=tenant.headers,
                                 json={"name": "New funnel name", "is_main": False, "is_unsorted_on": False,
                                       "sort": 1000})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["sort"] == 1000 and renamed.json()["is_unsorted_on"] is False


async def test_system_stages_keep_their_places_whatever_the_sort(client, tenant):
    pid = (await _add(client, tenant, statuses=[{"name": "Zero", "sort": 0}, {"name": "Big", "sort": 20000},
                                                {"name": "Mid", "sort": 10}])).json()["_embedded"]["pipelines"][0]["id"]
    for path in (f"{BASE}/{pid}/statuses", f"{BASE}/{pid}"):
        body = (await client.get(path, headers=tenant.headers)).json()
        statuses = body["_embedded"]["statuses"]
        assert statuses[0]["type"] == 1
        assert [s["name"] for s in statuses[1:-2]] == ["Zero", "Mid", "Big"]
        assert [s["id"] for s in statuses[-2:]] == [142, 143]
    added = await client.post(f"{BASE}/{pid}/statuses", headers=tenant.headers, json=[{"name": "Last"}])
    assert added.json()["_embedded"]["statuses"][0]["sort"] == 20010
    moved = await client.patch(f"{BASE}/{pid}/statuses/{added.json()['_embedded']['statuses'][0]['id']}",
                               headers=tenant.headers, json={"sort": 0})
    assert moved.status_code == 200 and moved.json()["sort"] == 0
    # A lead created without a stage goes to the first regular stage, the one with the lowest sort.
    lead = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "L", "pipeline_id": pid}])
    assert lead.status_code == 200, lead.text
    got = (await client.get(f"/api/v4/leads/{lead.json()['_embedded']['leads'][0]['id']}",
                            headers=tenant.headers)).json()
    first = (await client.get(f"{BASE}/{pid}/statuses", headers=tenant.headers)).json()["_embedded"]["statuses"][1]
    assert got["status_id"] == first["id"] and first["name"] == "Zero"
