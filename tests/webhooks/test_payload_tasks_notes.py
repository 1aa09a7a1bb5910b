"""Kommo webhook payloads of tasks, notes and incoming leads (spec §14.3): exact form fields."""

from __future__ import annotations

from datetime import UTC, datetime

from kanbo.webhooks.payload import codes_for
from tests.entities.helpers import create
from tests.tasks.helpers import DEADLINE, add_task, task
from tests.unsorted.helpers import add as add_incoming
from tests.unsorted.helpers import form
from tests.webhooks.payload_support import (
    account_fields,
    assert_account,
    events,
    fields_of,
    one_event,
    render_event,
    under,
)


def _stamp(value: int) -> str:
    return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d %H:%M:%S")


async def test_add_task_exact_fields(client, tenant):
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    task_id = await add_task(client, tenant, entity_type="leads", entity_id=lead_id, text="Call back")
    event = await one_event(tenant, "task_added")
    assert codes_for(event) == ["add_task"]
    fields = await fields_of(tenant, [("add_task", event)])
    admin = str(tenant.admin.id)
    row = await task(client, tenant, task_id)
    created = _stamp(row["created_at"])
    assert under(fields, "task[add][0]") == {
        "[id]": str(task_id), "[element_id]": str(lead_id), "[element_type]": "2", "[task_type]": "1",
        "[date_create]": created, "[text]": "Call back", "[status]": "0", "[account_id]": str(tenant.id),
        "[created_user_id]": admin, "[last_modified]": created, "[responsible_user_id]": admin,
        "[complete_till]": _stamp(DEADLINE), "[complete_before]": str(DEADLINE), "[action_close]": "0",
        "[main_user]": admin, "[modified_by]": admin, "[created_at]": str(row["created_at"]),
        "[updated_at]": str(row["created_at"]),
    }
    assert set(fields) == {k for k in fields if k.startswith(("task[add][0]", "account["))}
    assert_account(fields, tenant)


async def test_task_on_a_contact_and_a_company_has_their_element_type(client, tenant):
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Ann"}])
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    first = await add_task(client, tenant, entity_type="contacts", entity_id=contact_id)
    second = await add_task(client, tenant, entity_type="companies", entity_id=company_id)
    fields = await fields_of(tenant, [("add_task", e) for e in await events(tenant, "task_added")])
    assert (fields["task[add][0][id]"], fields["task[add][0][element_type]"]) == (str(first), "1")
    assert (fields["task[add][1][id]"], fields["task[add][1][element_type]"]) == (str(second), "3")
    assert fields["task[add][1][element_id]"] == str(company_id)


async def test_completion_result_text_responsible_and_delete(client, tenant):
    other = await tenant.add_user(name="Other")
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    task_id = await add_task(client, tenant, entity_type="leads", entity_id=lead_id, text="Old text")
    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[
        {"id": task_id, "text": "New text", "responsible_user_id": other.id}])
    assert response.status_code == 200, response.text
    fields = await render_event(tenant, "task_text_changed", "update_task")
    assert fields["task[update][0][old_text]"] == "Old text" and fields["task[update][0][text]"] == "New text"
    event = await one_event(tenant, "entity_responsible_changed", task_id)
    assert codes_for(event) == ["responsible_task", "update_task"]
    fields = await fields_of(tenant, [("responsible_task", event)])
    assert fields["task[responsible][0][responsible_user_id]"] == str(other.id)
    assert fields["task[responsible][0][old_responsible_user_id]"] == str(tenant.admin.id)

    response = await client.patch("/api/v4/tasks", headers=tenant.headers, json=[
        {"id": task_id, "is_completed": True, "result": {"text": "Client agreed"}}])
    assert response.status_code == 200, response.text
    fields = await render_event(tenant, "task_completed", "update_task")
    assert fields["task[update][0][status]"] == "1" and fields["task[update][0][action_close]"] == "1"
    assert fields["task[update][0][result][text]"] == "Client agreed"
    result_event = await one_event(tenant, "task_result_added")
    fields = await fields_of(tenant, [("update_task", result_event)])
    assert fields["task[update][0][result][id]"] == str(result_event.value_after[0]["note"]["id"])
    assert fields["task[update][0][result][text]"] == "Client agreed"

    assert (await client.delete(f"/api/v4/tasks/{task_id}", headers=tenant.headers)).status_code == 204
    fields = await render_event(tenant, "task_deleted", "delete_task")
    assert fields == {"task[delete][0][id]": str(task_id), **account_fields(tenant)}


async def _note(client, tenant, entity, entity_id, note_type, params):
    response = await client.post(f"/api/v4/{entity}/notes", headers=tenant.headers,
                                 json=[{"entity_id": entity_id, "note_type": note_type, "params": params}])
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["notes"][0]["id"]


async def test_note_on_a_lead_exact_fields(client, tenant):
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal"}])
    note_id = await _note(client, tenant, "leads", lead_id, "common", {"text": "Hello"})
    event = await one_event(tenant, "common_note_added")
    assert codes_for(event) == ["note_lead"]
    fields = await fields_of(tenant, [("note_lead", event)])
    admin = str(tenant.admin.id)
    listed = await client.get(f"/api/v4/leads/{lead_id}/notes", headers=tenant.headers)
    stamp = listed.json()["_embedded"]["notes"][0]["created_at"]
    created = str(stamp)
    assert under(fields, "leads[note][0]") == {
        "[note][id]": str(note_id), "[note][text]": "Hello", "[note][note_type]": "4", "[note][element_type]": "2",
        "[note][element_id]": str(lead_id), "[note][date_create]": _stamp(stamp),
        "[note][timestamp_x]": _stamp(stamp), "[note][account_id]": str(tenant.id),
        "[note][metadata]": '{"text": "Hello"}', "[note][created_by]": admin, "[note][modified_by]": admin,
        "[note][main_user_id]": admin, "[note][created_at]": created, "[note][updated_at]": created,
    }
    assert_account(fields, tenant)


async def test_notes_on_contacts_and_companies_carry_type(client, tenant):
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Ann"}])
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    await _note(client, tenant, "contacts", contact_id, "call_in",
                {"uniq": "u-1", "duration": 5, "source": "pbx", "link": "https://pbx.example/1.mp3",
                 "phone": "+15550001111"})
    await _note(client, tenant, "companies", company_id, "service_message", {"service": "Shop", "text": "Paid"})
    await _note(client, tenant, "contacts", contact_id, "sms_in", {"text": "Hi", "phone": "+15550001111"})
    await _note(client, tenant, "contacts", contact_id, "call_out",
                {"uniq": "u-2", "duration": 5, "source": "pbx", "link": "https://pbx.example/2.mp3",
                 "phone": "+15550001111"})
    call = await render_event(tenant, "incoming_call", "note_contact")
    assert call["contacts[note][0][type]"] == "contact"
    assert call["contacts[note][0][note][note_type]"] == "10"
    assert call["contacts[note][0][note][element_type]"] == "1"
    assert call["contacts[note][0][note][element_id]"] == str(contact_id)
    service = await render_event(tenant, "service_note_added", "note_company")
    assert service["contacts[note][0][type]"] == "company"
    assert service["contacts[note][0][note][note_type]"] == "25"
    assert service["contacts[note][0][note][element_type]"] == "3"
    assert service["contacts[note][0][note][text]"] == "Paid"
    sms = await render_event(tenant, "incoming_sms", "note_contact")
    assert sms["contacts[note][0][note][note_type]"] == "102"
    outgoing = await render_event(tenant, "outgoing_call", "note_contact")
    assert outgoing["contacts[note][0][note][note_type]"] == "11"


async def test_incoming_lead_added_and_accepted(client, tenant):
    (item,) = await add_incoming(client, tenant, "forms", [form()])
    lead_id = item["_embedded"]["leads"][0]["id"]
    event = await one_event(tenant, "unsorted_added")
    assert codes_for(event) == ["add_unsorted"]
    fields = await fields_of(tenant, [("add_unsorted", event)])
    added = under(fields, "unsorted[add][0]")
    assert added["[uid]"] == item["uid"] and added["[category]"] == "forms"
    assert added["[lead_id]"] == str(lead_id) and added["[account_id]"] == str(tenant.id)
    assert added["[pipeline_id]"] == str(event.value_after[0]["unsorted"]["pipeline_id"])
    assert added["[source_data][form_id]"] == "f1" and added["[source_data][form_name]"] == "Callback"
    assert added["[source_data][from]"] == "https://example.com/contact"
    assert added["[source_data][origin][ip]"] == "10.0.0.1"
    assert added["[source_data][date]"] == "1700000000"
    assert added["[date_create]"] == added["[created_at]"] == str(event.created_at)
    assert added["[data][leads][0][id]"] == str(lead_id)
    assert_account(fields, tenant)

    response = await client.post(f"/api/v4/leads/unsorted/{item['uid']}/accept", headers=tenant.headers, json={})
    assert response.status_code == 200, response.text
    accepted = await one_event(tenant, "unsorted_accepted")
    assert codes_for(accepted) == ["delete_unsorted"]
    fields = await fields_of(tenant, [("delete_unsorted", accepted)])
    assert fields == {
        "unsorted[delete][0][action]": "accept", "unsorted[delete][0][uid]": item["uid"],
        "unsorted[delete][0][category]": "forms", "unsorted[delete][0][accept_result][leads][0]": str(lead_id),
        "unsorted[delete][0][created_at]": str(accepted.created_at),
        "unsorted[delete][0][modified_user_id]": str(tenant.admin.id), **account_fields(tenant),
    }


async def test_incoming_lead_declined(client, tenant):
    (item,) = await add_incoming(client, tenant, "forms", [form()])
    lead_id = item["_embedded"]["leads"][0]["id"]
    response = await client.request("DELETE", f"/api/v4/leads/unsorted/{item['uid']}/decline",
                                    headers=tenant.headers, json={})
    assert response.status_code == 200, response.text
    fields = await render_event(tenant, "unsorted_declined", "delete_unsorted")
    assert fields["unsorted[delete][0][action]"] == "decline"
    assert fields["unsorted[delete][0][decline_result][leads][0]"] == str(lead_id)
    assert "unsorted[delete][0][accept_result][leads][0]" not in fields
