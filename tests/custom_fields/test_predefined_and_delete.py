"""Predefined fields of a new account (spec §6.3) and deleting fields and enums with their values."""

from __future__ import annotations

from sqlalchemy import func, select

from kanbo.custom_fields.predefined import create_predefined_fields
from kanbo.custom_fields.values import load_catalog, render_values
from kanbo.models.custom_fields import CustomField, FieldValue
from tests.custom_fields.helpers import (
    CONTACT_FIELDS,
    account_session,
    add_field,
    errors_of,
    save,
    stored_values,
)
from tests.support.factories import make_tenant

PHONE_CODES = ["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"]


async def _by_code(client, tenant, entity: str) -> dict[str, dict]:
    response = await client.get(f"/api/v4/{entity}/custom_fields", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return {f["code"]: f for f in response.json()["_embedded"]["custom_fields"]}


async def test_new_account_has_the_standard_fields(client, tenant):
    contacts = await _by_code(client, tenant, "contacts")
    companies = await _by_code(client, tenant, "companies")
    assert set(contacts) == {"PHONE", "EMAIL", "POSITION"}
    assert set(companies) == {"PHONE", "EMAIL", "WEB", "ADDRESS"}
    assert {c: f["type"] for c, f in companies.items()} == {"PHONE": "multitext", "EMAIL": "multitext", "WEB": "url",
                                                            "ADDRESS": "textarea"}
    assert contacts["POSITION"]["type"] == "text" and contacts["POSITION"]["enums"] is None
    for field in [*contacts.values(), *companies.values()]:
        assert field["is_predefined"] is True and field["is_deletable"] is False
    for fields in (contacts, companies):
        assert [e["code"] for e in fields["PHONE"]["enums"]] == PHONE_CODES
        assert [e["value"] for e in fields["PHONE"]["enums"]] == PHONE_CODES
        assert [e["code"] for e in fields["EMAIL"]["enums"]] == ["WORK", "PRIV", "OTHER"]
    assert (contacts["PHONE"]["name"], contacts["EMAIL"]["name"], contacts["POSITION"]["name"]) == (
        "Phone", "Email", "Position")
    assert (await client.get("/api/v4/leads/custom_fields", headers=tenant.headers)).status_code == 204


async def test_spanish_account_gets_spanish_names_and_provisioning_is_idempotent(client, db):
    tenant = await make_tenant(db, language="es")
    companies = await _by_code(client, tenant, "companies")
    assert (companies["PHONE"]["name"], companies["WEB"]["name"], companies["ADDRESS"]["name"]) == (
        "Teléfono", "Sitio web", "Dirección")
    async with account_session(tenant) as session:
        assert await create_predefined_fields(session, tenant.id, "es") == []
        count = await session.scalar(select(func.count()).select_from(CustomField))
    assert count == 7


async def test_predefined_fields_cannot_be_deleted_nor_recoded(client, tenant):
    phone = (await _by_code(client, tenant, "contacts"))["PHONE"]
    response = await client.delete(f"{CONTACT_FIELDS}/{phone['id']}", headers=tenant.headers)
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert "predefined" in response.json()["detail"]
    recode = await client.patch(f"{CONTACT_FIELDS}/{phone['id']}", headers=tenant.headers, json={"code": "TEL"})
    assert {(e["path"], e["code"]) for e in errors_of(recode)} == {("code", "NotEditable")}
    shrink = await client.patch(f"{CONTACT_FIELDS}/{phone['id']}", headers=tenant.headers,
                                json={"enums": [{"id": phone["enums"][0]["id"], "value": "WORK"}]})
    assert {(e["path"], e["code"]) for e in errors_of(shrink)} == {("enums", "NotEditable")}
    renamed = await client.patch(f"{CONTACT_FIELDS}/{phone['id']}", headers=tenant.headers,
                                 json={"name": "Tel.", "is_deletable": True, "code": "PHONE"})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["is_deletable"]) == ("Tel.", False)
    assert (await client.get(f"{CONTACT_FIELDS}/{phone['id']}", headers=tenant.headers)).status_code == 200


async def test_deleting_a_field_removes_its_values_everywhere(client, tenant):
    doomed = await add_field(client, tenant, type="text", name="Doomed")
    kept = await add_field(client, tenant, type="numeric", name="Kept")
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        ids = [await save(session, catalog, tenant, [{"field_id": doomed["id"], "values": [{"value": f"v{i}"}]},
                                                    {"field_id": kept["id"], "values": [{"value": i}]}])
               for i in range(3)]
    response = await client.delete(f"{CONTACT_FIELDS}/{doomed['id']}", headers=tenant.headers)
    assert response.status_code == 204 and response.content == b""
    async with account_session(tenant) as session:
        for i, contact_id in enumerate(ids):
            assert await stored_values(session, contact_id) == [{"field_id": kept["id"], "values": [{"value": i}]}]
        remaining = await session.scalar(select(func.count()).select_from(FieldValue)
                                         .where(FieldValue.field_id == doomed["id"]))
        assert remaining == 0
        kept_rows = await session.scalar(select(func.count()).select_from(FieldValue)
                                         .where(FieldValue.field_id == kept["id"]))
        assert kept_rows == 3
    assert (await client.get(f"{CONTACT_FIELDS}/{doomed['id']}", headers=tenant.headers)).status_code == 204
    assert (await client.delete(f"{CONTACT_FIELDS}/{doomed['id']}", headers=tenant.headers)).status_code == 404


async def test_removing_enums_drops_choices_and_moves_multitext_values(client, tenant):
    choice = await add_field(client, tenant, type="multiselect", name="Tags",
                             enums=[{"value": "A"}, {"value": "B"}])
    numbers = await add_field(client, tenant, type="multitext", name="Numbers",
                              enums=[{"value": "Main", "code": "MAIN"}, {"value": "Spare", "code": "SPARE"}])
    a, b = choice["enums"]
    main, spare = numbers["enums"]
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        contact = await save(session, catalog, tenant, [
            {"field_id": choice["id"], "values": [{"enum_id": a["id"]}, {"enum_id": b["id"]}]},
            {"field_id": numbers["id"], "values": [{"value": "123", "enum_code": "SPARE"}]}])
    for field, keep in ((choice, a), (numbers, main)):
        response = await client.patch(f"{CONTACT_FIELDS}/{field['id']}", headers=tenant.headers,
                                      json={"enums": [{"id": keep["id"], "value": keep["value"]}]})
        assert response.status_code == 200, response.text
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        stored = await stored_values(session, contact)
        assert render_values(catalog, stored) == [
            {"field_id": choice["id"], "field_name": "Tags", "field_code": None, "field_type": "multiselect",
             "values": [{"value": "A", "enum_id": a["id"], "enum_code": None}]},
            {"field_id": numbers["id"], "field_name": "Numbers", "field_code": None, "field_type": "multitext",
             "values": [{"value": "123", "enum_id": main["id"], "enum_code": "MAIN"}]},
        ]
        enum_ids = set(await session.scalars(select(FieldValue.enum_id).where(FieldValue.entity_id == contact,
                                                                               FieldValue.entity_type == "contacts")))
        assert enum_ids == {a["id"], main["id"]} and spare["id"] not in enum_ids
