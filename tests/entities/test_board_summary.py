"""``GET /api/v4/leads/pipelines/{id}/summary`` (Kanbo extension): per stage the count and price sum of the
leads the caller may see, matching the lead list's filters; the waiting incoming leads; one GROUP BY."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.custom_fields.helpers import add_field
from tests.entities.helpers import create, main_stages
from tests.support.factories import make_tenant, restricted_rights
from tests.support.sql import count_statements
from tests.unsorted.helpers import add, form


async def summary(client: Any, tenant: Any, pipeline_id: int, query: str = "", headers: Any = None) -> Any:
    response = await client.get(f"/api/v4/leads/pipelines/{pipeline_id}/summary?{query}",
                                headers=headers or tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def totals(body: Any) -> dict[int, tuple[int, int]]:
    return {s["status_id"]: (s["count"], s["price_sum"]) for s in body["_embedded"]["statuses"]}


async def listed_total(client: Any, tenant: Any, query: str) -> tuple[int, int]:
    """Count and price sum of ``GET /api/v4/leads?…`` (the summary must agree with it)."""
    response = await client.get(f"/api/v4/leads?limit=250&{query}", headers=tenant.headers)
    leads = response.json()["_embedded"]["leads"] if response.status_code == 200 else []
    return len(leads), sum(lead["price"] for lead in leads)


async def test_every_stage_in_board_order_with_counts_prices_and_waiting_incoming(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)  # Incoming, four ordinary, 142, 143
    first, second = stages[1], stages[2]
    await create(client, tenant, "leads", [
        {"name": "a", "price": 100, "status_id": first}, {"name": "b", "price": 250, "status_id": first},
        {"name": "c", "status_id": second}, {"name": "won", "price": 1000, "status_id": 142}])
    (trashed,) = await create(client, tenant, "leads", [{"name": "gone", "price": 7, "status_id": second}])
    assert (await client.delete(f"/api/v4/leads/{trashed}", headers=tenant.headers)).status_code == 204
    await add(client, tenant, "forms", [form()])  # an incoming lead of price 500 waits in the Incoming stage
    other = await client.post("/api/v4/leads/pipelines", headers=tenant.headers, json=[
        {"name": "Other", "_embedded": {"statuses": [{"name": "Only", "sort": 20}]}}])
    other_id = other.json()["_embedded"]["pipelines"][0]["id"]
    await create(client, tenant, "leads", [{"name": "elsewhere", "price": 9, "pipeline_id": other_id}])

    body = await summary(client, tenant, pipeline_id)
    assert [s["status_id"] for s in body["_embedded"]["statuses"]] == stages
    assert totals(body) == {stages[0]: (1, 500), first: (2, 350), second: (1, 0), stages[3]: (0, 0),
                            stages[4]: (0, 0), 142: (1, 1000), 143: (0, 0)}
    assert (body["pipeline_id"], body["count"], body["price_sum"], body["unsorted_count"]) == (pipeline_id, 5, 1850, 1)
    assert body["_links"]["self"]["href"].endswith(f"/api/v4/leads/pipelines/{pipeline_id}/summary")
    assert (await summary(client, tenant, other_id))["count"] == 1


async def test_filters_and_query_give_the_totals_of_the_filtered_list(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    seller = await tenant.add_user(name="Seller")
    size = await add_field(client, tenant, "leads", name="Size", type="numeric")
    await create(client, tenant, "leads", [
        {"name": "Hot deal", "price": 100, "status_id": stages[1], "_embedded": {"tags": [{"name": "hot"}]}},
        {"name": "Cold deal", "price": 200, "status_id": stages[1], "responsible_user_id": seller.id,
         "custom_fields_values": [{"field_id": size["id"], "values": [{"value": 7}]}]},
        {"name": "Warm deal", "price": 400, "status_id": stages[2], "responsible_user_id": seller.id,
         "_embedded": {"tags": [{"name": "hot"}]}, "created_at": 1_600_000_000},
        {"name": "Other", "price": 800, "status_id": stages[2]}])
    queries = [f"filter[responsible_user_id]={seller.id}", "filter[tags][]=hot", "query=deal", "query=DEAL",
               "filter[created_at][from]=1500000000&filter[created_at][to]=1650000000",
               f"filter[custom_fields_values][{size['id']}][from]=5", "filter[price][from]=150&query=deal",
               f"filter[statuses][0][pipeline_id]={pipeline_id}&filter[statuses][0][status_id]={stages[2]}",
               "filter[name]=" + quote("Hot deal"), "query=nothing-matches"]
    for query in queries:
        body = await summary(client, tenant, pipeline_id, query)
        assert (body["count"], body["price_sum"]) == await listed_total(client, tenant, query), query
    body = await summary(client, tenant, pipeline_id, "filter[tags][]=hot")
    assert totals(body)[stages[1]] == (1, 100) and totals(body)[stages[2]] == (1, 400)


async def test_only_what_the_caller_may_see(client, tenant):
    pipeline_id, stages = await main_stages(client, tenant)
    mine = await tenant.add_user(name="Own only", rights=restricted_rights(leads={"view": "M", "edit": "M",
                                                                                   "delete": "M", "export": "M"}))
    staged_rights = restricted_rights()
    staged_rights["status_rights"] = [{"entity_type": "leads", "pipeline_id": pipeline_id, "status_id": stages[2],
                                       "rights": {"view": "D", "edit": "D", "delete": "D", "export": "D"}}]
    staged = await tenant.add_user(name="Staged", rights=staged_rights)
    blind = await tenant.add_user(name="Blind", rights=restricted_rights(leads={"view": "D", "edit": "D",
                                                                                 "delete": "D", "export": "D"}))
    await create(client, tenant, "leads", [
        {"name": "admin's", "price": 10, "status_id": stages[1]},
        {"name": "own", "price": 20, "status_id": stages[1], "responsible_user_id": mine.id},
        {"name": "hidden stage", "price": 40, "status_id": stages[2]}])
    await add(client, tenant, "forms", [form()])  # the admin's incoming lead
    assert totals(await summary(client, tenant, pipeline_id, headers=mine.headers))[stages[1]] == (1, 20)
    own = await summary(client, tenant, pipeline_id, headers=mine.headers)
    assert (own["count"], own["price_sum"], own["unsorted_count"]) == (1, 20, 0)
    seen = await summary(client, tenant, pipeline_id, headers=staged.headers)
    assert totals(seen)[stages[2]] == (0, 0)  # the stage it may not view: listed, with zero
    assert (seen["count"], seen["price_sum"], seen["unsorted_count"]) == (3, 530, 1)
    refused = await client.get(f"/api/v4/leads/pipelines/{pipeline_id}/summary", headers=blind.headers)
    assert refused.status_code == 403


async def test_unknown_pipelines_and_bad_queries(client, db, tenant):
    stranger = await make_tenant(db)
    their_pipeline, _ = await main_stages(client, stranger)
    for pipeline_id in (999999999, their_pipeline):
        response = await client.get(f"/api/v4/leads/pipelines/{pipeline_id}/summary", headers=tenant.headers)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    pipeline_id, _ = await main_stages(client, tenant)
    for query in ("filter[id]=abc", "filter[price][above]=1", "query=" + "x" * 1001, "filter=x",
                  "filter[custom_fields_values][999999999][]=1"):
        response = await client.get(f"/api/v4/leads/pipelines/{pipeline_id}/summary?{query}", headers=tenant.headers)
        assert response.status_code == 400, (query, response.text)


@pytest.mark.parametrize("query", ["", "query=deal&filter[tags][]=t0"])
async def test_a_fixed_number_of_statements(client, db, query):
    counts = []
    for rows in (1, 60):
        tenant = await make_tenant(db)
        pipeline_id, stages = await main_stages(client, tenant)
        await create(client, tenant, "leads", [
            {"name": f"deal {i}", "price": i, "status_id": stages[1 + i % 4], "_embedded": {"tags": [f"t{i % 2}"]}}
            for i in range(rows)])
        with count_statements(db) as statements:
            body = await summary(client, tenant, pipeline_id, query)
        assert body["count"] >= 1
        grouped = [s for s in statements if "GROUP BY" in s.upper()]
        assert len(grouped) == 1, grouped
        counts.append(len(statements))
    assert counts[0] == counts[1]
