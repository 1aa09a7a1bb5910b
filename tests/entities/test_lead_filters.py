from __future__ import annotations

from tests.entities.helpers import create, main_stages


async def _ids(client, tenant, query):
    response = await client.get(f"/api/v4/leads?{query}", headers=tenant.headers)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    return [lead["id"] for lead in response.json()["_embedded"]["leads"]]


async def test_filters(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    seller = await tenant.add_user(name="Seller")
    ids = await create(client, tenant, "leads", [
        {"name": "Alpha", "price": 100},
        {"name": "Beta", "price": 500, "status_id": stages[2], "responsible_user_id": seller.id},
        {"name": "Gamma", "price": 900, "status_id": 142},
    ])
    assert await _ids(client, tenant, f"filter[id]={ids[0]}") == [ids[0]]
    assert await _ids(client, tenant, f"filter[id][]={ids[0]}&filter[id][]={ids[2]}") == [ids[0], ids[2]]
    assert await _ids(client, tenant, f"filter%5Bid%5D%5B0%5D={ids[1]}") == [ids[1]]
    assert await _ids(client, tenant, "filter[name]=Beta") == [ids[1]]
    assert await _ids(client, tenant, "filter[price][from]=200&filter[price][to]=900") == [ids[1], ids[2]]
    assert await _ids(client, tenant, f"filter[statuses][0][pipeline_id]={pipeline_id}"
                                      f"&filter[statuses][0][status_id]={stages[2]}") == [ids[1]]
    assert await _ids(client, tenant, f"filter[pipeline_id]={pipeline_id}") == ids
    assert await _ids(client, tenant, f"filter[responsible_user_id]={seller.id}") == [ids[1]]
    assert await _ids(client, tenant, "filter[closed_at][from]=1") == [ids[2]]
    assert await _ids(client, tenant, "filter[created_at][from]=1&filter[created_at][to]=2") == []
    assert await _ids(client, tenant, "query=amm") == [ids[2]]
    assert await _ids(client, tenant, "order[id]=desc") == list(reversed(ids))
    assert await _ids(client, tenant, f"query={ids[1]}") == [ids[1]]


async def test_custom_field_filter_uses_values(client, tenant):
    field = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[
        {"name": "Source", "type": "select", "enums": [{"value": "Web", "sort": 1}, {"value": "Phone", "sort": 2}]},
        {"name": "Size", "type": "numeric"}])
    source, size = field.json()["_embedded"]["custom_fields"]
    web = source["enums"][0]["id"]
    ids = await create(client, tenant, "leads", [
        {"name": "A", "custom_fields_values": [{"field_id": source["id"], "values": [{"enum_id": web}]},
                                               {"field_id": size["id"], "values": [{"value": 5}]}]},
        {"name": "B", "custom_fields_values": [{"field_code": None, "field_id": source["id"],
                                                "values": [{"value": "Phone"}]},
                                               {"field_id": size["id"], "values": [{"value": "50"}]}]},
    ])
    assert await _ids(client, tenant, f"filter[custom_fields_values][{source['id']}][]={web}") == [ids[0]]
    assert await _ids(client, tenant, f"filter[custom_fields_values][{size['id']}][from]=10") == [ids[1]]


async def test_pagination_and_if_modified_since(client, tenant):
    ids = await create(client, tenant, "leads", [{"name": f"L{i}"} for i in range(5)])
    first = (await client.get("/api/v4/leads?limit=2&with=contacts", headers=tenant.headers)).json()
    assert [lead["id"] for lead in first["_embedded"]["leads"]] == ids[:2]
    next_href = first["_links"]["next"]["href"]
    assert "with=contacts" in next_href and "page=2" in next_href
    third = await client.get("/api/v4/leads?limit=2&page=3", headers=tenant.headers)
    assert "next" not in third.json()["_links"]
    assert (await client.get("/api/v4/leads?limit=2&page=4", headers=tenant.headers)).status_code == 204
    future = await client.get("/api/v4/leads", headers={**tenant.headers,
                                                         "If-Modified-Since": "Wed, 01 Jan 2098 00:00:00 GMT"})
    assert future.status_code == 204
    past = await client.get("/api/v4/leads", headers={**tenant.headers,
                                                       "If-Modified-Since": "Wed, 01 Jan 2020 00:00:00 GMT"})
    assert len(past.json()["_embedded"]["leads"]) == 5


async def test_ids_beyond_the_database_range_are_clear_4xx(client, tenant):
    huge = "99999999999999999999"
    assert (await client.get(f"/api/v4/leads/{huge}", headers=tenant.headers)).status_code == 404
    for query in (f"filter[id]={huge}", "filter[id]=inf", "filter[price][from]=nan"):
        response = await client.get(f"/api/v4/leads?{query}", headers=tenant.headers)
        assert response.status_code == 400, query
    patched = await client.patch("/api/v4/leads", headers=tenant.headers, json=[{"id": int(huge), "name": "x"}])
    assert patched.status_code == 400
    created = await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "x", "price": 1e300}])
    assert created.status_code == 400
