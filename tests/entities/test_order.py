"""``order[...]`` of the lists beyond Kommo's three keys (Kanbo extension): ``name``, ``price`` (leads),
``closest_task_at`` and custom fields by id; missing values last in both directions, ties by id."""

from __future__ import annotations

from typing import Any

import pytest

from tests.custom_fields.helpers import add_field, add_fields, set_country
from tests.entities.helpers import create, phone
from tests.support.sql import count_statements
from tests.tasks.helpers import DEADLINE, add_tasks


async def ordered(client: Any, tenant: Any, entity: str, query: str) -> list[int]:
    response = await client.get(f"/api/v4/{entity}?{query}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["_embedded"][entity]]


def values(field_id: int, *found: Any) -> list[dict[str, Any]]:
    return [{"field_id": field_id, "values": [{"value": value} for value in found]}]


@pytest.mark.parametrize("entity", ["leads", "contacts", "companies"])
async def test_by_name_ignores_case_and_ties_go_by_id(client, tenant, entity):
    beta, alpha, zulu, alpha2, accented = await create(client, tenant, entity, [
        {"name": "beta"}, {"name": "Alpha"}, {"name": "Zulu"}, {"name": "alpha"}, {"name": "Ápex"}])
    assert await ordered(client, tenant, entity, "order[name]=asc") == [alpha, alpha2, beta, zulu, accented]
    assert await ordered(client, tenant, entity, "order[name]=desc") == [accented, zulu, beta, alpha, alpha2]
    assert await ordered(client, tenant, entity, "order[name]=desc&order[id]=desc") == [
        accented, zulu, beta, alpha2, alpha]


async def test_leads_by_price_then_id(client, tenant):
    cheap, dear, cheap2, free = await create(client, tenant, "leads", [
        {"name": "a", "price": 10}, {"name": "b", "price": 900}, {"name": "c", "price": 10}, {"name": "d"}])
    assert await ordered(client, tenant, "leads", "order[price]=asc") == [free, cheap, cheap2, dear]
    assert await ordered(client, tenant, "leads", "order[price]=desc") == [dear, cheap, cheap2, free]
    assert (await client.get("/api/v4/contacts?order[price]=asc", headers=tenant.headers)).status_code == 400


@pytest.mark.parametrize("entity", ["leads", "contacts"])
async def test_by_closest_task_with_none_last_both_ways(client, tenant, entity):
    none, late, soon = await create(client, tenant, entity, [{"name": "none"}, {"name": "late"}, {"name": "soon"}])
    await add_tasks(client, tenant, [
        {"text": "l", "complete_till": DEADLINE + 100, "entity_type": entity, "entity_id": late},
        {"text": "s", "complete_till": DEADLINE, "entity_type": entity, "entity_id": soon}])
    assert await ordered(client, tenant, entity, "order[closest_task_at]=asc") == [soon, late, none]
    assert await ordered(client, tenant, entity, "order[closest_task_at]=desc") == [late, soon, none]


async def test_by_numeric_date_and_text_fields_with_empty_values_last(client, tenant):
    size, due, note = await add_fields(client, tenant, [
        {"name": "Size", "type": "numeric"}, {"name": "Due", "type": "date"}, {"name": "Note", "type": "text"}],
        entity="leads")
    empty, big, small, small2 = await create(client, tenant, "leads", [
        {"name": "empty"},
        {"name": "big", "custom_fields_values": values(size["id"], 50) + values(due["id"], 1_700_000_000)
         + values(note["id"], "banana")},
        {"name": "small", "custom_fields_values": values(size["id"], 5) + values(due["id"], 1_800_000_000)
         + values(note["id"], "Apple")},
        {"name": "small too", "custom_fields_values": values(size["id"], "5") + values(note["id"], "cherry")}])
    assert await ordered(client, tenant, "leads", f"order[{size['id']}]=asc") == [small, small2, big, empty]
    assert await ordered(client, tenant, "leads", f"order[{size['id']}]=desc") == [big, small, small2, empty]
    assert await ordered(client, tenant, "leads", f"order[{due['id']}]=desc") == [small, big, empty, small2]
    assert await ordered(client, tenant, "leads", f"order[{note['id']}]=asc") == [small, big, small2, empty]
    assert await ordered(client, tenant, "leads", f"order[{note['id']}]=desc") == [small2, big, small, empty]
    # Paging keeps the order: the second page goes on where the first stopped.
    assert await ordered(client, tenant, "leads", f"order[{size['id']}]=asc&limit=2&page=2") == [big, empty]
    # Filters and order together.
    assert await ordered(client, tenant, "leads", f"order[{size['id']}]=desc&filter[name]=small&filter[name]=big") \
        == [big, small]


async def test_by_a_select_follows_the_enum_order_not_the_text(client, tenant):
    stage = await add_field(client, tenant, "companies", name="Tier", type="select", enums=[
        {"value": "Gold", "sort": 1}, {"value": "Silver", "sort": 2}, {"value": "Bronze", "sort": 3}])
    tags = await add_field(client, tenant, "companies", name="Tags", type="multiselect", enums=[
        {"value": "z-first", "sort": 1}, {"value": "a-second", "sort": 2}])
    gold, silver, bronze = (enum["id"] for enum in stage["enums"])
    first, second = (enum["id"] for enum in tags["enums"])
    b, n, g, s = await create(client, tenant, "companies", [
        {"name": "b", "custom_fields_values": [{"field_id": stage["id"], "values": [{"enum_id": bronze}]},
                                               {"field_id": tags["id"], "values": [{"enum_id": second}]}]},
        {"name": "none"},
        {"name": "g", "custom_fields_values": [{"field_id": stage["id"], "values": [{"enum_id": gold}]}]},
        {"name": "s", "custom_fields_values": [{"field_id": stage["id"], "values": [{"enum_id": silver}]},
                                               {"field_id": tags["id"], "values": [{"enum_id": second},
                                                                                   {"enum_id": first}]}]}])
    assert await ordered(client, tenant, "companies", f"order[{stage['id']}]=asc") == [g, s, b, n]
    assert await ordered(client, tenant, "companies", f"order[{stage['id']}]=desc") == [b, s, g, n]
    assert await ordered(client, tenant, "companies", f"order[{tags['id']}]=asc") == [s, b, n, g]  # the smallest


async def test_contacts_by_phone_field(client, tenant):
    await set_country(tenant, "US")
    fields = (await client.get("/api/v4/contacts/custom_fields", headers=tenant.headers)).json()
    phone_id = next(f["id"] for f in fields["_embedded"]["custom_fields"] if f["code"] == "PHONE")
    late, none, early = await create(client, tenant, "contacts", [
        {"name": "late", "custom_fields_values": [phone("(555) 900-0000")]}, {"name": "none"},
        {"name": "early", "custom_fields_values": [phone("+1 555 100 0000")]}])
    assert await ordered(client, tenant, "contacts", f"order[{phone_id}]=asc") == [early, late, none]


async def test_unknown_keys_and_fields_of_another_type_are_400(client, tenant):
    lead_field = await add_field(client, tenant, "leads", name="Size", type="numeric")
    await create(client, tenant, "contacts", [{"name": "x"}])
    for query in (f"order[{lead_field['id']}]=asc", "order[999999999]=asc", "order[price]=asc", "order[nom]=asc",
                  "order[name]=sideways", "order[1e3]=asc"):
        response = await client.get(f"/api/v4/contacts?{query}", headers=tenant.headers)
        assert response.status_code == 400, (query, response.text)
    assert (await client.get(f"/api/v4/leads?order[{lead_field['id']}]=desc",
                             headers=tenant.headers)).status_code == 204


async def test_ordering_by_a_field_adds_no_statement(client, db, tenant):
    size = await add_field(client, tenant, "leads", name="Size", type="numeric")
    await create(client, tenant, "leads", [{"name": f"L{i}", "custom_fields_values": values(size["id"], i % 7)}
                                           for i in range(40)])
    counts = []
    for query in ("order[id]=asc", f"order[{size['id']}]=desc&order[name]=asc"):
        with count_statements(db) as statements:
            response = await client.get(f"/api/v4/leads?limit=250&with=contacts&{query}", headers=tenant.headers)
        assert response.status_code == 200 and len(response.json()["_embedded"]["leads"]) == 40
        counts.append(len(statements))
    assert counts[0] == counts[1]
