"""Kommo webhook payloads of leads, contacts and companies (spec §14.3): exact form fields, codes, JSON."""

from __future__ import annotations

from urllib.parse import parse_qsl

from kanbo.models.events import Event
from kanbo.webhooks.payload import codes_for, encode_form
from tests.entities.helpers import create, get, main_stages, phone
from tests.support.sql import count_statements
from tests.webhooks.payload_support import (
    account_fields,
    assert_account,
    events,
    fields_of,
    json_of,
    one_event,
    render_event,
    under,
)

DATE = 1725915600


def test_encode_form_php_style_round_trip():
    structure = {"leads": {"status": [{"id": 7, "name": "A & B = c?", "flag": True, "off": False, "gone": None,
                                       "custom_fields": [{"id": 1, "values": [{"value": "Ж", "enum": 3}, 5]}],
                                       "empty": [], "nothing": {}}]},
                 "account": {"subdomain": "acme", "_links": {"self": "https://acme.example"}}}
    body = encode_form(structure)
    assert "%5B" in body and "&" in body and " " not in body
    assert parse_qsl(body, keep_blank_values=True) == [
        ("leads[status][0][id]", "7"), ("leads[status][0][name]", "A & B = c?"),
        ("leads[status][0][flag]", "1"), ("leads[status][0][off]", "0"), ("leads[status][0][gone]", ""),
        ("leads[status][0][custom_fields][0][id]", "1"),
        ("leads[status][0][custom_fields][0][values][0][value]", "Ж"),
        ("leads[status][0][custom_fields][0][values][0][enum]", "3"),
        ("leads[status][0][custom_fields][0][values][1]", "5"),
        ("account[subdomain]", "acme"), ("account[_links][self]", "https://acme.example"),
    ]


def _event(type_: str, entity_type: str) -> Event:
    return Event(uid="x", type=type_, entity_type=entity_type, entity_id=1, created_by=0, created_at=0,
                 value_before=[], value_after=[])


def test_codes_for_every_kind():
    table = {
        ("lead_added", "lead"): ["add_lead"], ("lead_status_changed", "lead"): ["status_lead", "update_lead"],
        ("entity_responsible_changed", "lead"): ["responsible_lead", "update_lead"],
        ("name_field_changed", "lead"): ["update_lead"], ("sale_field_changed", "lead"): ["update_lead"],
        ("custom_field_value_changed", "lead"): ["update_lead"], ("entity_tag_added", "lead"): ["update_lead"],
        ("entity_linked", "lead"): ["update_lead"], ("lead_deleted", "lead"): ["delete_lead"],
        ("lead_restored", "lead"): ["restore_lead"], ("common_note_added", "lead"): ["note_lead"],
        ("incoming_call", "lead"): ["note_lead"], ("service_note_added", "lead"): ["note_lead"],
        ("contact_added", "contact"): ["add_contact"], ("company_added", "company"): ["add_company"],
        ("entity_responsible_changed", "company"): ["responsible_company", "update_company"],
        ("entity_unlinked", "contact"): ["update_contact"], ("contact_deleted", "contact"): ["delete_contact"],
        ("company_restored", "company"): ["restore_company"], ("outgoing_call", "contact"): ["note_contact"],
        ("incoming_sms", "company"): ["note_company"],
        ("task_added", "task"): ["add_task"], ("task_completed", "task"): ["update_task"],
        ("task_text_changed", "task"): ["update_task"], ("task_deadline_changed", "task"): ["update_task"],
        ("task_type_changed", "task"): ["update_task"], ("task_result_added", "task"): ["update_task"],
        ("entity_responsible_changed", "task"): ["responsible_task", "update_task"],
        ("task_deleted", "task"): ["delete_task"],
        ("unsorted_added", "lead"): ["add_unsorted"], ("unsorted_added", "unsorted"): ["add_unsorted"],
        ("unsorted_accepted", "lead"): ["delete_unsorted"], ("unsorted_declined", "lead"): ["delete_unsorted"],
        ("unsorted_linked", "lead"): ["delete_unsorted"],
        ("common_note_deleted", "lead"): [], ("lead_status_changed", "contact"): [], ("robot_replied", "lead"): [],
        ("task_restored", "task"): [],
    }
    assert {key: codes_for(_event(*key)) for key in table} == table


async def _lead_fields(client, tenant):
    response = await client.post("/api/v4/leads/custom_fields", headers=tenant.headers, json=[
        {"type": "select", "name": "Source", "enums": [{"value": "Web", "sort": 1}, {"value": "Ads", "sort": 2}]},
        {"type": "date", "name": "Due"},
        {"type": "text", "name": "Remark", "code": "REMARK"},
    ])
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["custom_fields"]


async def test_add_lead_exact_fields(client, tenant):
    select, date, text = await _lead_fields(client, tenant)
    ads = select["enums"][1]["id"]
    pipeline_id, statuses = await main_stages(client, tenant)
    (lead_id,) = await create(client, tenant, "leads", [{
        "name": "Deal", "price": 1000, "status_id": statuses[1], "pipeline_id": pipeline_id,
        "custom_fields_values": [{"field_id": select["id"], "values": [{"enum_id": ads}]},
                                 {"field_id": date["id"], "values": [{"value": DATE}]},
                                 {"field_id": text["id"], "values": [{"value": "hello"}]}],
        "_embedded": {"tags": [{"name": "vip"}, {"name": "repeat"}]}}])
    fields = await render_event(tenant, "lead_added", "add_lead")
    lead = under(fields, "leads[add][0]")
    assert [lead.pop("[tags][0][name]"), lead.pop("[tags][1][name]")] == ["repeat", "vip"]  # by name
    assert lead.pop("[tags][0][id]").isdigit() and lead.pop("[tags][1][id]").isdigit()
    stamp = str((await get(client, tenant, "leads", lead_id)).json()["created_at"])
    admin = str(tenant.admin.id)
    assert lead == {
        "[id]": str(lead_id), "[name]": "Deal", "[status_id]": str(statuses[1]), "[price]": "1000",
        "[responsible_user_id]": admin, "[last_modified]": stamp, "[modified_user_id]": admin,
        "[created_user_id]": admin, "[date_create]": stamp, "[pipeline_id]": str(pipeline_id),
        "[account_id]": str(tenant.id),
        "[custom_fields][0][id]": str(select["id"]), "[custom_fields][0][name]": "Source",
        "[custom_fields][0][values][0][value]": "Ads", "[custom_fields][0][values][0][enum]": str(ads),
        "[custom_fields][1][id]": str(date["id"]), "[custom_fields][1][name]": "Due",
        "[custom_fields][1][values][0]": str(DATE),
        "[custom_fields][2][id]": str(text["id"]), "[custom_fields][2][name]": "Remark",
        "[custom_fields][2][code]": "REMARK", "[custom_fields][2][values][0][value]": "hello",
        "[created_at]": stamp, "[updated_at]": stamp,
    }
    assert set(fields) == {k for k in fields if k.startswith(("leads[add][0]", "account["))}
    assert_account(fields, tenant)


async def test_status_change_carries_the_old_stage(client, tenant):
    select, _date, _text = await _lead_fields(client, tenant)
    web = select["enums"][0]["id"]
    pipeline_id, statuses = await main_stages(client, tenant)
    (lead_id,) = await create(client, tenant, "leads", [{
        "name": "Deal", "status_id": statuses[1], "pipeline_id": pipeline_id,
        "custom_fields_values": [{"field_id": select["id"], "values": [{"enum_id": web}]}]}])
    response = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers, json={"status_id": statuses[2]})
    assert response.status_code == 200, response.text
    event = await one_event(tenant, "lead_status_changed")
    assert codes_for(event) == ["status_lead", "update_lead"]
    fields = await fields_of(tenant, [(code, event) for code in codes_for(event)])
    for action in ("status", "update"):
        prefix = f"leads[{action}][0]"
        assert fields[f"{prefix}[id]"] == str(lead_id)
        assert fields[f"{prefix}[status_id]"] == str(statuses[2])
        assert fields[f"{prefix}[old_status_id]"] == str(statuses[1])
        assert fields[f"{prefix}[pipeline_id]"] == str(pipeline_id)
        assert f"{prefix}[old_pipeline_id]" not in fields
        assert fields[f"{prefix}[custom_fields][0][values][0][enum]"] == str(web)
        assert fields[f"{prefix}[custom_fields][0][values][0][value]"] == "Web"
    assert_account(fields, tenant)
    # A move between pipelines also names the old pipeline.
    moved = Event(uid="m", type="lead_status_changed", entity_type="lead", entity_id=lead_id, created_by=0,
                  created_at=0, value_before=[{"lead_status": {"id": 5, "pipeline_id": 99}}],
                  value_after=[{"lead_status": {"id": statuses[2], "pipeline_id": pipeline_id}}])
    fields = await fields_of(tenant, [("status_lead", moved)])
    assert fields["leads[status][0][old_pipeline_id]"] == "99"
    assert fields["leads[status][0][old_status_id]"] == "5"


async def test_responsible_update_delete_restore_of_a_lead(client, tenant):
    other = await tenant.add_user(name="Other")
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal", "price": 10}])
    response = await client.patch(f"/api/v4/leads/{lead_id}", headers=tenant.headers,
                                  json={"responsible_user_id": other.id, "name": "Renamed", "price": 20})
    assert response.status_code == 200, response.text
    event = await one_event(tenant, "entity_responsible_changed")
    assert codes_for(event) == ["responsible_lead", "update_lead"]
    fields = await fields_of(tenant, [("responsible_lead", event)])
    assert fields["leads[responsible][0][responsible_user_id]"] == str(other.id)
    assert fields["leads[responsible][0][old_responsible_user_id]"] == str(tenant.admin.id)
    assert fields["leads[responsible][0][name]"] == "Renamed"
    for type_ in ("name_field_changed", "sale_field_changed"):
        fields = await render_event(tenant, type_, "update_lead")
        assert fields["leads[update][0][price]"] == "20" and fields["leads[update][0][name]"] == "Renamed"
        assert "leads[update][0][old_responsible_user_id]" not in fields

    pipeline_id, statuses = await main_stages(client, tenant)
    assert (await client.delete(f"/api/v4/leads/{lead_id}", headers=tenant.headers)).status_code == 204
    fields = await render_event(tenant, "lead_deleted", "delete_lead")
    assert fields == {"leads[delete][0][id]": str(lead_id), "leads[delete][0][status_id]": str(statuses[1]),
                      "leads[delete][0][pipeline_id]": str(pipeline_id), **account_fields(tenant)}
    restored = await client.post(f"/api/v4/leads/{lead_id}/restore", headers=tenant.headers)
    assert restored.status_code == 200, restored.text
    fields = await render_event(tenant, "lead_restored", "restore_lead")
    assert fields["leads[restore][0][id]"] == str(lead_id) and fields["leads[restore][0][name]"] == "Renamed"


async def test_contact_and_company_share_the_contacts_key(client, tenant):
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    (contact_id,) = await create(client, tenant, "contacts", [{
        "name": "Ann", "custom_fields_values": [phone("+15551234567")],
        "_embedded": {"companies": [{"id": company_id}], "tags": [{"name": "hot"}]}}])
    (lead_id,) = await create(client, tenant, "leads", [{
        "name": "Deal", "_embedded": {"contacts": [{"id": contact_id}], "companies": [{"id": company_id}]}}])
    contact_added = await one_event(tenant, "contact_added")
    company_added = await one_event(tenant, "company_added")
    assert codes_for(contact_added) == ["add_contact"] and codes_for(company_added) == ["add_company"]
    fields = await fields_of(tenant, [("add_contact", contact_added), ("add_company", company_added)])
    contact = under(fields, "contacts[add][0]")
    company = under(fields, "contacts[add][1]")
    admin = str(tenant.admin.id)
    stamp = str((await get(client, tenant, "contacts", contact_id)).json()["created_at"])
    assert contact.pop("[custom_fields][0][id]").isdigit()
    assert contact.pop("[custom_fields][0][values][0][enum]").isdigit()
    assert contact.pop("[tags][0][id]").isdigit()
    assert contact == {
        "[id]": str(contact_id), "[name]": "Ann", "[responsible_user_id]": admin,
        "[date_create]": stamp, "[last_modified]": contact["[last_modified]"],
        "[created_user_id]": admin, "[modified_user_id]": admin, "[account_id]": str(tenant.id),
        "[company_name]": "Acme", "[linked_company_id]": str(company_id),
        f"[linked_leads_id][{lead_id}][ID]": str(lead_id),
        "[custom_fields][0][name]": "Phone", "[custom_fields][0][code]": "PHONE",
        "[custom_fields][0][values][0][value]": "+15551234567", "[tags][0][name]": "hot",
        "[created_at]": stamp, "[updated_at]": contact["[updated_at]"], "[type]": "contact",
    }
    assert company["[type]"] == "company" and company["[name]"] == "Acme" and company["[id]"] == str(company_id)
    assert company[f"[linked_leads_id][{lead_id}][ID]"] == str(lead_id)
    assert "[company_name]" not in company
    assert_account(fields, tenant)

    linked = [e for e in await events(tenant, "entity_linked") if e.entity_type == "contact"]
    assert linked and all(codes_for(e) == ["update_contact"] for e in linked)
    fields = await fields_of(tenant, [("update_contact", linked[0])])
    assert fields["contacts[update][0][type]"] == "contact"
    assert fields["contacts[update][0][linked_company_id]"] == str(company_id)

    assert (await client.delete(f"/api/v4/contacts/{contact_id}", headers=tenant.headers)).status_code == 204
    fields = await render_event(tenant, "contact_deleted", "delete_contact")
    assert fields == {"contacts[delete][0][id]": str(contact_id), "contacts[delete][0][type]": "contact",
                      **account_fields(tenant)}


async def test_company_responsible_change(client, tenant):
    other = await tenant.add_user(name="Other")
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    response = await client.patch(f"/api/v4/companies/{company_id}", headers=tenant.headers,
                                  json={"responsible_user_id": other.id})
    assert response.status_code == 200, response.text
    fields = await render_event(tenant, "entity_responsible_changed", "responsible_company")
    assert fields["contacts[responsible][0][type]"] == "company"
    assert fields["contacts[responsible][0][responsible_user_id]"] == str(other.id)
    assert fields["contacts[responsible][0][old_responsible_user_id]"] == str(tenant.admin.id)


async def test_contact_responsible_restore_and_company_update_delete_restore(client, tenant):
    other = await tenant.add_user(name="Other")
    (contact_id,) = await create(client, tenant, "contacts", [{"name": "Ann"}])
    (company_id,) = await create(client, tenant, "companies", [{"name": "Acme"}])
    response = await client.patch(f"/api/v4/contacts/{contact_id}", headers=tenant.headers,
                                  json={"responsible_user_id": other.id})
    assert response.status_code == 200, response.text
    event = await one_event(tenant, "entity_responsible_changed")
    assert codes_for(event) == ["responsible_contact", "update_contact"]
    fields = await fields_of(tenant, [("responsible_contact", event)])
    assert fields["contacts[responsible][0][type]"] == "contact"
    assert fields["contacts[responsible][0][id]"] == str(contact_id)
    assert fields["contacts[responsible][0][responsible_user_id]"] == str(other.id)
    assert fields["contacts[responsible][0][old_responsible_user_id]"] == str(tenant.admin.id)

    assert (await client.delete(f"/api/v4/contacts/{contact_id}", headers=tenant.headers)).status_code == 204
    restored = await client.post(f"/api/v4/contacts/{contact_id}/restore", headers=tenant.headers)
    assert restored.status_code == 200, restored.text
    fields = await render_event(tenant, "contact_restored", "restore_contact")
    assert fields["contacts[restore][0][id]"] == str(contact_id) and fields["contacts[restore][0][name]"] == "Ann"
    assert fields["contacts[restore][0][type]"] == "contact"

    response = await client.patch(f"/api/v4/companies/{company_id}", headers=tenant.headers, json={"name": "Acme 2"})
    assert response.status_code == 200, response.text
    fields = await render_event(tenant, "name_field_changed", "update_company")
    assert fields["contacts[update][0][type]"] == "company" and fields["contacts[update][0][name]"] == "Acme 2"
    assert (await client.delete(f"/api/v4/companies/{company_id}", headers=tenant.headers)).status_code == 204
    fields = await render_event(tenant, "company_deleted", "delete_company")
    assert fields == {"contacts[delete][0][id]": str(company_id), "contacts[delete][0][type]": "company",
                      **account_fields(tenant)}
    restored = await client.post(f"/api/v4/companies/{company_id}/restore", headers=tenant.headers)
    assert restored.status_code == 200, restored.text
    fields = await render_event(tenant, "company_restored", "restore_company")
    assert fields["contacts[restore][0][id]"] == str(company_id) and fields["contacts[restore][0][type]"] == "company"
    assert_account(fields, tenant)


async def test_batch_and_an_entity_gone_for_good(client, tenant):
    ids = await create(client, tenant, "leads", [{"name": "One"}, {"name": "Two"}])
    added = await events(tenant, "lead_added")
    gone = Event(uid="g", type="lead_added", entity_type="lead", entity_id=987654321, created_by=0, created_at=0,
                 value_before=[], value_after=[])
    fields = await fields_of(tenant, [("add_lead", e) for e in added] + [("add_lead", gone)])
    assert [fields[f"leads[add][{i}][id]"] for i in range(3)] == [str(ids[0]), str(ids[1]), "987654321"]
    assert [fields[f"leads[add][{i}][name]"] for i in range(2)] == ["One", "Two"]
    assert under(fields, "leads[add][2]") == {"[id]": "987654321"}
    assert_account(fields, tenant)


async def test_fixed_number_of_queries(client, tenant, db):
    await create(client, tenant, "leads", [{"name": "One", "_embedded": {"tags": [{"name": "a"}]}}])
    first = await events(tenant, "lead_added")
    with count_statements(db) as few:
        await fields_of(tenant, [("add_lead", e) for e in first])
    await create(client, tenant, "leads", [{"name": f"L{i}", "_embedded": {"tags": [{"name": f"t{i}"}]}}
                                           for i in range(6)])
    many = await events(tenant, "lead_added")
    assert len(many) == 7
    with count_statements(db) as lots:
        fields = await fields_of(tenant, [("add_lead", e) for e in many])
    assert fields["leads[add][6][tags][0][name]"] == "t5"
    assert len(lots) == len(few)


async def test_render_json_shape(client, tenant):
    (lead_id,) = await create(client, tenant, "leads", [{"name": "Deal", "price": 5}])
    event = await one_event(tenant, "lead_added")
    body = await json_of(tenant, [("add_lead", event)])
    assert body["type"] == "kanbo.webhook" and isinstance(body["timestamp"], int)
    assert body["data"]["account"] == {"id": tenant.id, "subdomain": tenant.account.subdomain}
    (item,) = body["data"]["events"]
    entity = item.pop("entity")
    assert item == {"code": "add_lead", "event_id": event.uid, "type": "lead_added", "entity_type": "lead",
                    "entity_id": lead_id, "created_at": event.created_at, "value_before": [], "value_after": []}
    assert entity["id"] == lead_id and entity["price"] == 5 and entity["name"] == "Deal"
    assert entity["custom_fields"] == [] and entity["tags"] == []
