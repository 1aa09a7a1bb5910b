"""Events of notes, the ``add_note`` library other services use, and the fixed statement count of lists."""

from __future__ import annotations

import pytest

from kanbo.core.db import bind_account
from kanbo.core.errors import Forbidden, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.notes.service import add_note
from tests.notes.helpers import (
    SAMPLES,
    add_ok,
    common,
    count_statements,
    errors_of,
    events_of,
    listed,
    make_entity,
    principal,
)
from tests.support.factories import make_tenant, restricted_rights

EVENTS = {"common": "common_note_added", "attachment": "attachment_note_added", "geolocation": "geo_note_added",
          "service_message": "service_note_added", "extended_service_message": "service_note_added",
          "message_cashier": "message_to_cashier_note_added", "call_in": "incoming_call",
          "call_out": "outgoing_call", "sms_in": "incoming_sms", "sms_out": "outgoing_sms"}


@pytest.mark.parametrize("entity,singular", [("leads", "lead"), ("contacts", "contact"), ("companies", "company")])
async def test_adding_records_an_event_per_note_type(client, tenant, entity, singular):
    card = await make_entity(client, tenant, entity)
    types = sorted(SAMPLES)
    ids = await add_ok(client, tenant, entity, [{"note_type": t, "params": SAMPLES[t]} for t in types], entity_id=card)
    events = [e for e in await events_of(tenant, singular, card) if e.type != f"{singular}_added"]
    assert [(e.type, e.value_after, e.value_before) for e in events] == [
        (EVENTS[t], [{"note": {"id": note_id}}], []) for t, note_id in zip(types, ids, strict=True)]
    assert {e.created_by for e in events} == {tenant.admin.id}


async def _call(tenant, *args, **kwargs):
    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        note = await add_note(session, kwargs.pop("who", None) or principal(tenant), *args, **kwargs)
        return note.id, note.created_by, note.responsible_user_id


async def test_add_note_library(client, tenant):
    lead = await make_entity(client, tenant)
    contact = await make_entity(client, tenant, "contacts")
    note_id, created_by, responsible = await _call(tenant, "leads", lead, "call_out",
                                                   {"phone": "+1555", "duration": 12.0, "source": "pbx"})
    assert created_by == responsible == tenant.admin.id
    body = (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()
    assert body["params"] == {"phone": "+1555", "duration": 12, "source": "pbx"} and body["is_editable"] is True
    assert [e.type for e in await events_of(tenant, "lead", lead)][-1] == "outgoing_call"
    robot, by, _ = await _call(tenant, "contacts", contact, "common", {"text": "from a robot"}, created_by=0)
    assert by == 0
    assert (await client.get(f"/api/v4/contacts/notes/{robot}", headers=tenant.headers)).json()["created_by"] == 0
    assert (await events_of(tenant, "contact", contact))[-1].value_after == [{"note": {"id": robot}}]


async def test_add_note_task_result(client, tenant):
    lead = await make_entity(client, tenant)
    note_id, _, _ = await _call(tenant, "leads", lead, "task_result", {"text": "Done", "task_id": 5})
    body = (await client.get(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).json()
    assert body["note_type"] == "task_result" and body["params"] == {"text": "Done", "task_id": 5}
    assert body["is_editable"] is False
    assert [e.type for e in await events_of(tenant, "lead", lead)] == ["lead_added"]  # tasks record their own
    refused = await client.patch(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers,
                                 json={"params": {"text": "changed"}})
    assert errors_of(refused) == {"0": [("note_type", "NotEditable")]}
    assert (await client.delete(f"/api/v4/leads/notes/{note_id}", headers=tenant.headers)).status_code == 400


@pytest.mark.parametrize("note_type,params,path", [
    ("common", {"text": ""}, "params.text"),
    ("call_in", {"phone": "1", "duration": -1, "source": "x"}, "params.duration"),
    ("task_result", {"text": "x"}, "params.task_id"),
    ("chat", {}, "note_type"),
])
async def test_add_note_validates(client, tenant, note_type, params, path):
    lead = await make_entity(client, tenant)
    with pytest.raises(ValidationFailed) as failed:
        await _call(tenant, "leads", lead, note_type, params)
    assert [e.path for item in failed.value.items for e in item.errors] == [path]


async def test_add_note_entity_and_rights(client, tenant, db):
    lead = await make_entity(client, tenant)
    other = await make_tenant(db)
    foreign = await make_entity(client, other)
    with pytest.raises(ValidationFailed) as failed:
        await _call(tenant, "leads", foreign, "common", {"text": "x"})
    assert failed.value.items[0].errors[0].path == "entity_id"
    member = await tenant.add_user(name="M", rights=restricted_rights(leads={"edit": "M", "delete": "M"}))
    who = Principal(account_id=tenant.id, user_id=member.id, is_admin=False, group_id=None,
                    rights=restricted_rights(leads={"edit": "M", "delete": "M"}))
    await _call(tenant, "leads", lead, "common", {"text": "no check"}, who=who)  # services decide themselves
    with pytest.raises(Forbidden):
        await _call(tenant, "leads", lead, "common", {"text": "x"}, who=who, check_rights=True)
    assert (await client.delete(f"/api/v4/leads/{lead}", headers=tenant.headers)).status_code == 204
    await _call(tenant, "leads", lead, "task_result", {"text": "done", "task_id": 1})  # trashed card: still added
    with pytest.raises(ValidationFailed):
        await _call(tenant, "leads", lead, "common", {"text": "x"}, check_rights=True)
    with pytest.raises(ValueError):
        await _call(tenant, "customers", lead, "common", {"text": "x"})


@pytest.mark.parametrize("scoped", [False, True])
async def test_list_statements_do_not_grow_with_the_page(client, db, scoped):
    counts = []
    for size in (1, 100):
        tenant = await make_tenant(db)
        users = [await tenant.add_user(name=f"U{i}") for i in range(3)]
        lead = await make_entity(client, tenant)
        for start in range(0, size, 50):
            await add_ok(client, tenant, "leads", [
                {"entity_id": lead, "note_type": "common", "params": {"text": str(i)},
                 "responsible_user_id": users[i % 3].id} for i in range(start, min(size, start + 50))])
        path = f"/api/v4/leads/{lead}/notes" if scoped else "/api/v4/leads/notes"
        with count_statements(db) as statements:
            response = await client.get(f"{path}?limit=250&with=is_pinned", headers=tenant.headers)
        assert response.status_code == 200
        assert len(response.json()["_embedded"]["notes"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert not any("count(" in s.lower() for s in statements)


async def test_group_of_the_responsible_user(client, tenant):
    from sqlalchemy import insert

    from kanbo.models.users import UserGroup

    async with tenant.db.transaction() as session:
        bind_account(session, tenant.id)
        group = (await session.execute(insert(UserGroup).values(account_id=tenant.id, name="sales", uuid="sales",
                                                                created_at=0).returning(UserGroup.id))).scalar_one()
    seller = await tenant.add_user(name="Seller", group_id=group)
    lead = await make_entity(client, tenant)
    note = await common(client, tenant, "leads", lead, headers=seller.headers)
    body = (await client.get(f"/api/v4/leads/notes/{note}", headers=tenant.headers)).json()
    assert body["responsible_user_id"] == seller.id and body["group_id"] == group
    assert [n["group_id"] for n in await listed(client, tenant, "/api/v4/leads/notes")] == [group]
