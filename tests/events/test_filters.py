"""Every filter of ``GET /api/v4/events`` in each syntax clients send (spec §11.2, §21 #12)."""

from __future__ import annotations

import pytest

from kanbo.events.service import Change
from tests.events.helpers import add_events, uids

T = 1_600_000_000


def status(status_id: int, pipeline_id: int) -> list[dict]:
    return [{"lead_status": {"id": status_id, "pipeline_id": pipeline_id}}]


def responsible(user_id: int) -> list[dict]:
    return [{"responsible_user": {"id": user_id}}]


def field_value(field_id: int, text: str, enum_id: int | None = None) -> list[dict]:
    return [{"custom_field_value": {"field_id": field_id, "field_type": "text", "enum_id": enum_id, "text": text}}]


@pytest.fixture
async def log(tenant):
    """A known log: name → uid. ``created_at`` is T + index; ``u2`` made the odd ones."""
    mate = await tenant.add_user(name="Mate")
    changes = {
        "lead_added": Change("lead_added", "lead", 1),
        "moved": Change("lead_status_changed", "lead", 1, status(1002, 7), status(1003, 7)),
        "won": Change("lead_status_changed", "lead", 2, status(1003, 7), status(142, 7)),
        "other_pipeline": Change("lead_status_changed", "lead", 3, status(2001, 8), status(2002, 8)),
        "handover": Change("entity_responsible_changed", "lead", 1, responsible(10), responsible(11)),
        "handback": Change("entity_responsible_changed", "contact", 5, responsible(11), responsible(12)),
        "renamed": Change("name_field_changed", "contact", 5, [{"name_field_value": {"name": "Old, name"}}],
                          [{"name_field_value": {"name": "New, name"}}]),
        "sale": Change("sale_field_changed", "lead", 2, [{"sale_field_value": {"sale": 100}}],
                       [{"sale_field_value": {"sale": 2500}}]),
        "field_a": Change("custom_field_value_changed", "company", 9, [], field_value(501, "alpha", 77)),
        "field_b": Change("custom_field_value_changed", "company", 9, field_value(502, "beta"), []),
        "contact_added": Change("contact_added", "contact", 5),
        "task_added": Change("task_added", "task", 4),
    }
    names = list(changes)
    made = {}
    for index, name in enumerate(names):
        user = mate.id if index % 2 else tenant.admin.id
        (uid,) = await add_events(tenant, [(changes[name], T + index)], user_id=user)
        made[name] = uid
    made["_mate"] = mate.id  # type: ignore[assignment]
    return made


async def names_for(client, tenant, log, query: str) -> list[str]:
    by_uid = {uid: name for name, uid in log.items() if not name.startswith("_")}
    return [by_uid[uid] for uid in await uids(client, tenant.headers, query)]


async def _bad(client, tenant, query: str) -> str:
    """The problem's ``detail`` and, for a filter the wire models refuse, each ``path (code): detail``."""
    response = await client.get(f"/api/v4/events?{query}", headers=tenant.headers)
    assert response.status_code == 400, (query, response.status_code)
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    found = [f"{e['path']} ({e['code']}): {e['detail']}" for item in body.get("validation-errors", [])
             for e in item["errors"]]
    return "\n".join([str(body["detail"]), *found])


async def test_default_order_is_newest_first_and_order_params(client, tenant, log):
    everything = await names_for(client, tenant, log, "")
    assert everything == [n for n in log if not n.startswith("_")][::-1]
    assert await names_for(client, tenant, log, "?order[created_at]=asc") == everything[::-1]
    assert await names_for(client, tenant, log, "?order[id]=asc") == everything[::-1]
    assert await names_for(client, tenant, log, "?order[created_at]=desc") == everything


@pytest.mark.parametrize("form", ["filter[id]={a},{b}", "filter[id][]={a}&filter[id][]={b}",
                                  "filter[id][0]={a}&filter[id][1]={b}", "filter[id]={A}, {b}"])
async def test_filter_by_id(client, tenant, log, form):
    a, b = log["moved"], log["sale"]
    query = "?" + form.format(a=a, b=b, A=a.upper())
    assert await names_for(client, tenant, log, query) == ["sale", "moved"]


async def test_filter_by_id_limit(client, tenant, log):
    ids = ",".join(f"01aaaaaaaaaaaaaaaaaaaaa{i:03d}" for i in range(101))
    assert "filter.id (TooLong): Value should have at most 100 items" in await _bad(client, tenant, f"filter[id]={ids}")
    ids = ",".join(f"01aaaaaaaaaaaaaaaaaaaaa{i:03d}" for i in range(100))
    assert (await client.get(f"/api/v4/events?filter[id]={ids}", headers=tenant.headers)).status_code == 204


@pytest.mark.parametrize("form", ["filter[type]=contact_added,task_added",
                                  "filter[type][]=contact_added&filter[type][]=task_added",
                                  "filter[type][0]=task_added&filter[type][1]=contact_added"])
async def test_filter_by_type(client, tenant, log, form):
    assert await names_for(client, tenant, log, "?" + form) == ["task_added", "contact_added"]


async def test_filter_by_custom_field_type(client, tenant, log):
    assert await names_for(client, tenant, log, "?filter[type]=custom_field_501_value_changed") == ["field_a"]
    # the value was cleared: the field is only in value_before
    assert await names_for(client, tenant, log, "?filter[type][]=custom_field_502_value_changed") == ["field_b"]
    assert await names_for(client, tenant, log, "?filter[type]=custom_field_value_changed") == ["field_b", "field_a"]
    assert await names_for(client, tenant, log, "?filter[type]=custom_field_503_value_changed") == []
    mixed = await names_for(client, tenant, log, "?filter[type]=custom_field_501_value_changed,lead_added")
    assert mixed == ["field_a", "lead_added"]
    enum = "?filter[type]=custom_field_501_value_changed&filter[value_after][custom_field_values]=77"
    assert await names_for(client, tenant, log, enum) == ["field_a"]


@pytest.mark.parametrize("form,expected", [
    ("filter[entity]=contact,task", ["task_added", "contact_added", "renamed", "handback"]),
    ("filter[entity][]=contacts&filter[entity][]=tasks", ["task_added", "contact_added", "renamed", "handback"]),
    ("filter[entity]=company", ["field_b", "field_a"]),
    ("filter[entity]=companies", ["field_b", "field_a"]),
    ("filter[entity]=customer", []),
])
async def test_filter_by_entity(client, tenant, log, form, expected):
    assert await names_for(client, tenant, log, "?" + form) == expected


async def test_filter_by_entity_id(client, tenant, log):
    assert await names_for(client, tenant, log, "?filter[entity]=lead&filter[entity_id]=1") == [
        "handover", "moved", "lead_added"]
    assert await names_for(client, tenant, log, "?filter[entity]=leads&filter[entity_id][]=2&filter[entity_id][]=3") \
        == ["sale", "other_pipeline", "won"]
    assert await names_for(client, tenant, log, "?filter[entity]=contact&filter[entity_id]=1") == []
    assert "filter[entity]" in await _bad(client, tenant, "filter[entity_id]=1")
    assert "filter[entity]" in await _bad(client, tenant, "filter[entity]=lead,contact&filter[entity_id]=1")
    eleven = ",".join(str(i) for i in range(1, 12))
    assert "filter.entity_id (TooLong): Value should have at most 10 items" in await _bad(
        client, tenant, f"filter[entity]=lead&filter[entity_id]={eleven}")
    assert "filter.entity.0 (NotSupportedChoice): unknown entity 'planet'" in await _bad(
        client, tenant, "filter[entity]=planet")
    assert "filter.entity_id.0 (InvalidType)" in await _bad(client, tenant, "filter[entity]=lead&filter[entity_id]=abc")


async def test_filter_by_created_by(client, tenant, log):
    mate = log["_mate"]
    odd = [n for i, n in enumerate(n for n in log if not n.startswith("_")) if i % 2][::-1]
    assert await names_for(client, tenant, log, f"?filter[created_by]={mate}") == odd
    assert await names_for(client, tenant, log, f"?filter[created_by][]={mate}&filter[created_by][]=0") == odd
    both = f"?filter[created_by]={mate},{tenant.admin.id}"
    assert len(await names_for(client, tenant, log, both)) == 12
    eleven = ",".join(str(i) for i in range(1, 12))
    assert "filter.created_by (TooLong): Value should have at most 10 items" in await _bad(
        client, tenant, f"filter[created_by]={eleven}")


@pytest.mark.parametrize("form,expected", [
    (f"filter[created_at]={T + 10}", ["task_added", "contact_added"]),
    (f"filter[created_at]={T + 1},{T + 2}", ["won", "moved"]),
    (f"filter[created_at][from]={T + 9}&filter[created_at][to]={T + 10}", ["contact_added", "field_b"]),
    (f"filter[created_at][to]={T}", ["lead_added"]),
    (f"filter[created_at][from]={T + 11}", ["task_added"]),
    (f"filter[created_at][]={T + 3}&filter[created_at][]={T + 3}", ["other_pipeline"]),
    (f"filter[created_at]=,{T + 1}", ["moved", "lead_added"]),
])
async def test_filter_by_created_at(client, tenant, log, form, expected):
    assert await names_for(client, tenant, log, "?" + form) == expected


async def test_filter_by_created_at_rejects_text(client, tenant, log):
    assert "filter.created_at.from (InvalidType)" in await _bad(client, tenant, "filter[created_at]=yesterday")
    assert "filter.created_at.to (InvalidType)" in await _bad(client, tenant, f"filter[created_at]={T},soon")


@pytest.mark.parametrize("form,expected", [
    ("filter[value_after][leads_statuses][0][pipeline_id]=7&filter[value_after][leads_statuses][0][status_id]=142",
     ["won"]),
    ("filter[value_after][leads_statuses][0][status_id]=142&filter[value_after][leads_statuses][1][pipeline_id]=8"
     "&filter[value_after][leads_statuses][1][status_id]=2002", ["other_pipeline", "won"]),
    ("filter[value_after][leads_statuses][0][pipeline_id]=7", ["won", "moved"]),
    ("filter[value_before][leads_statuses][0][status_id]=1003", ["won"]),
    ("filter[value_before][leads_statuses][0][status_id]=1003&filter[value_after][leads_statuses][0][status_id]=142",
     ["won"]),
    ("filter[value_before][leads_statuses][0][status_id]=1003&filter[value_after][leads_statuses][0][status_id]=1003",
     []),
    ("filter[type]=lead_status_changed&filter[value_after][leads_statuses][0][pipeline_id]=7"
     "&filter[value_after][leads_statuses][0][status_id]=1002", []),
])
async def test_filter_by_lead_statuses(client, tenant, log, form, expected):
    assert await names_for(client, tenant, log, "?" + form) == expected


@pytest.mark.parametrize("form,expected", [
    ("filter[value_after][responsible_user_id]=11", ["handover"]),
    ("filter[value_after][responsible_user_id]=11,12", ["handback", "handover"]),
    ("filter[value_after][responsible_user_id][]=12", ["handback"]),
    ("filter[value_before][responsible_user_id]=11", ["handback"]),
    ("filter[type]=entity_responsible_changed&filter[value_before][responsible_user_id]=10,11",
     ["handback", "handover"]),
    ("filter[value_after][responsible_user_id]=10", []),
])
async def test_filter_by_responsible(client, tenant, log, form, expected):
    assert await names_for(client, tenant, log, "?" + form) == expected


@pytest.mark.parametrize("form,expected", [
    ("filter[value_after][value]=New, name", ["renamed"]),
    ("filter[value_before][value]=Old, name", ["renamed"]),
    ("filter[value_after][value]=Old, name", []),
    ("filter[value_after][value]=2500", ["sale"]),
    ("filter[value_after][value]=2500.0", ["sale"]),
    ("filter[value_before][value]=100", ["sale"]),
    ("filter[value_after][value]=alpha", ["field_a"]),
    ("filter[value_before][value]=beta", ["field_b"]),
    ("filter[value_after][value][]=alpha&filter[value_after][value][]=2500", ["field_a", "sale"]),
])
async def test_filter_by_value(client, tenant, log, form, expected):
    assert await names_for(client, tenant, log, "?" + form.replace(" ", "%20")) == expected


async def test_unknown_value_filters_are_rejected(client, tenant, log):
    assert "filter.value_after.color (NotSupportedChoice)" in await _bad(
        client, tenant, "filter[value_after][color]=red")
    assert "filter.value_before (InvalidType)" in await _bad(client, tenant, "filter[value_before]=5")
    assert "filter.value_after.leads_statuses.0 (InvalidType)" in await _bad(
        client, tenant, "filter[value_after][leads_statuses]=142")
    assert "[leads_statuses] needs a pipeline_id or a status_id" in await _bad(
        client, tenant, "filter[value_after][leads_statuses][0][pipeline_id]=")
    assert "filter.value_after.responsible_user_id.0 (InvalidType)" in await _bad(
        client, tenant, "filter[value_after][responsible_user_id]=me")


async def test_filters_combine(client, tenant, log):
    query = (f"?filter[entity]=lead&filter[created_at]={T},{T + 4}&filter[created_by]={tenant.admin.id}"
             "&filter[type]=lead_status_changed,entity_responsible_changed,lead_added")
    assert await names_for(client, tenant, log, query) == ["handover", "won", "lead_added"]
