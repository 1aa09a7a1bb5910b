"""``query=`` of the command palette: leads, contacts and companies found by name, phone (any form the
phone rule accepts, in the account's country) and email (any case)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.custom_fields.helpers import set_country
from tests.entities.helpers import create, email, phone

PHONE_FORMS = ["+1 (555) 000-0012", "+15550000012", "15550000012", "5550000012", "(555) 000-0012",
               "555.000.0012", "001 555 0000012", "0015550000012", "000-0012"]


async def found(client: Any, tenant: Any, entity: str, text: str) -> list[int]:
    response = await client.get(f"/api/v4/{entity}?query={quote(text)}", headers=tenant.headers)
    assert response.status_code in (200, 204), (text, response.text)
    return [row["id"] for row in response.json()["_embedded"][entity]] if response.status_code == 200 else []


@pytest.mark.parametrize("entity", ["contacts", "companies"])
async def test_phone_in_any_form_the_rule_accepts(client, tenant, entity):
    await set_country(tenant, "US")
    wanted, _ = await create(client, tenant, entity, [
        {"name": "Wanted", "custom_fields_values": [phone("+1 (555) 000-0012")]},
        {"name": "Neighbour", "custom_fields_values": [phone("+1 (555) 000-0013")]}])
    assert {text: await found(client, tenant, entity, text) for text in PHONE_FORMS} == {
        text: [wanted] for text in PHONE_FORMS}


@pytest.mark.parametrize("entity", ["contacts", "companies"])
async def test_email_in_any_case_and_its_beginning(client, tenant, entity):
    wanted, _ = await create(client, tenant, entity, [
        {"name": "Mail", "custom_fields_values": [email("Ana.Perez@Example.COM")]},
        {"name": "Other", "custom_fields_values": [email("ana.lopez@example.com")]}])
    for text in ("ana.perez@example.com", "ANA.PEREZ@EXAMPLE.COM", "Ana.Perez@Example.COM", "ana.perez@"):
        assert await found(client, tenant, entity, text) == [wanted], text


@pytest.mark.parametrize("entity", ["leads", "contacts", "companies"])
async def test_name_anywhere_in_any_case_also_beyond_ascii(client, tenant, entity):
    wanted, other = await create(client, tenant, entity, [{"name": "Иван Petrov Ñandú"}, {"name": "Olga"}])
    for text in ("Иван", "иван", "ИВАН", "petrov", "PETROV", "ñandú", "ÑANDÚ", "ван pet"):
        assert await found(client, tenant, entity, text) == [wanted], text
    assert await found(client, tenant, entity, "olg") == [other]
    assert await found(client, tenant, entity, "%") == []  # LIKE wildcards are literal


async def test_a_lead_is_not_found_by_its_contacts_phone_or_email(client, tenant):
    # Kommo's query= searches the entity's own filled fields (spec §5.4): not its contacts'.
    await set_country(tenant, "US")
    (contact,) = await create(client, tenant, "contacts", [
        {"name": "Person", "custom_fields_values": [phone("+1 555 000 0099"), email("who@example.com")]}])
    await create(client, tenant, "leads", [{"name": "Deal", "_embedded": {"contacts": [{"id": contact}]}}])
    assert await found(client, tenant, "leads", "5550000099") == []
    assert await found(client, tenant, "leads", "who@example.com") == []
    assert await found(client, tenant, "contacts", "who@example.com") == [contact]
