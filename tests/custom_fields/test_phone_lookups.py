"""Every caller of the phone rule finds a contact by every form of its number, through the API.

The account is in the US and the contact's number is Russian (``+7 912 345-67-89``): clients strip the
``+``, type ``00``/``810`` prefixes or the last digits. Neighbours with close numbers must not be found.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest_asyncio

from tests.custom_fields.helpers import set_country
from tests.entities.helpers import create, phone
from tests.unsorted.helpers import form

NUMBER, US_NUMBER = "+7 912 345-67-89", "+1 (555) 987-6543"
FORMS = [
    "+7 912 345-67-89", "+79123456789", "79123456789", "0079123456789", "81079123456789",  # the digits
    "8 10 7 912 345 67 89", "00 7 (912) 345 67 89", "٧٩١٢٣٤٥٦٧٨٩",  # spaced prefixes, Arabic-Indic digits
    "912 345 67 89", "9123456789", "345-67-89", "3456789",  # the end: 10 and 7 digits
]
US_FORMS = ["(555) 987-6543", "555.987.6543", "555 987 65 43"]  # the national form of the US account's country
NATIONAL = [("US", "+1 (555) 246-8101", "555-246-8101"), ("RU", NUMBER, "8 (912) 345-67-89"),
            ("GB", "+44 20 7946 0958", "020 7946 0958")]
NOTHING = ["456789", "45-67-89", "+7 912 345-67-81", "9123456781", "²", "1" * 30, "+" + "9" * 30, "٢"]


class Book:
    """A US account holding the contact (Russian number), a US contact, neighbours with close numbers."""

    def __init__(self, client: httpx.AsyncClient, tenant: Any, contact: int, us_contact: int, field_id: int) -> None:
        self.client, self.tenant, self.field_id = client, tenant, field_id
        self.contact, self.us_contact = contact, us_contact
        self.wanted = {**{written: contact for written in FORMS}, **{written: us_contact for written in US_FORMS}}

    async def listed(self, query: str) -> list[int]:
        response = await self.client.get(f"/api/v4/contacts?{query}", headers=self.tenant.headers)
        assert response.status_code in (200, 204), (query, response.status_code, response.text)
        return [c["id"] for c in response.json()["_embedded"]["contacts"]] if response.status_code == 200 else []

    async def by_query(self, written: str) -> list[int]:
        return await self.listed(f"query={quote(written)}")

    async def by_filter(self, written: str, key: Any = None) -> list[int]:
        return await self.listed(f"filter[custom_fields_values][{key or self.field_id}][]={quote(written)}")


async def _book(client: httpx.AsyncClient, tenant: Any, number: str = NUMBER) -> Book:
    contact, us_contact, *_ = await create(client, tenant, "contacts", [
        {"name": "Ivan", "custom_fields_values": [phone(number)]},
        {"name": "Sam", "custom_fields_values": [phone(US_NUMBER)]},
        {"name": "Neighbour", "custom_fields_values": [phone("+7 912 345-67-80")]},
        {"name": "Other", "custom_fields_values": [phone("+1 (555) 123-4567")]}])
    fields = (await client.get("/api/v4/contacts/custom_fields", headers=tenant.headers)).json()
    field_id = next(f["id"] for f in fields["_embedded"]["custom_fields"] if f["code"] == "PHONE")
    return Book(client, tenant, contact, us_contact, field_id)


@pytest_asyncio.fixture
async def book(client, tenant) -> Book:
    await set_country(tenant, "US")
    return await _book(client, tenant)


async def test_query_finds_the_contact_by_every_form(book):
    found = {written: await book.by_query(written) for written in book.wanted}
    assert found == {written: [contact] for written, contact in book.wanted.items()}


async def test_filter_by_the_phone_field_finds_the_contact_by_every_form(book):
    found = {written: await book.by_filter(written) for written in book.wanted}
    assert found == {written: [contact] for written, contact in book.wanted.items()}
    assert await book.by_filter("79123456789", key="PHONE") == [book.contact]  # the field by its code
    both = f"filter[custom_fields_values][{book.field_id}][]=79123456789" \
           f"&filter[custom_fields_values][{book.field_id}][]=5559876543"
    assert await book.listed(both) == [book.contact, book.us_contact]  # any of the values


async def test_short_or_different_numbers_and_odd_digits_find_nothing_and_never_fail(client, book):
    for written in NOTHING:
        assert await book.by_query(written) == [], written
        assert await book.by_filter(written) == [], written
    response = await client.post("/api/v4/calls", headers=book.tenant.headers, json=[
        {"direction": "inbound", "phone": written, "duration": 5, "source": "pbx", "uniq": f"x{i}"}
        for i, written in enumerate(NOTHING)])
    assert response.status_code == 200, response.text
    body = response.json()
    assert [e["request_id"] for e in body["errors"]] == [str(NOTHING.index("²"))]  # no digit: an item error
    assert {c["entity_type"] for c in body["_embedded"]["calls"]} == {"leads"}  # unknown: new incoming leads


async def test_national_forms_in_the_accounts_country(client, tenant):
    # A guard of the rule's second form in three countries (it worked before the rule for query= too).
    book = await _book(client, tenant, "+49 30 1234567")
    for country, stored, written in NATIONAL:
        await set_country(tenant, country)  # numbers are stored in E.164 whatever the country when written
        (contact,) = await create(client, tenant, "contacts", [{"name": country, "custom_fields_values": [
            phone(stored)]}])
        assert contact in await book.by_query(written), (country, written)
        assert contact in await book.by_filter(written), (country, written)
        (result,) = await _calls(client, tenant, [written])
        assert (result["entity_type"], result["entity_id"]) == ("contacts", contact), (country, written)


async def _calls(client: httpx.AsyncClient, tenant: Any, numbers: list[str]) -> list[dict[str, Any]]:
    response = await client.post("/api/v4/calls", headers=tenant.headers, json=[
        {"direction": "inbound", "phone": number, "duration": 5, "source": "pbx", "uniq": f"u{i}"}
        for i, number in enumerate(numbers)])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] == []
    return list(body["_embedded"]["calls"])


async def test_calls_land_on_the_contact_by_every_form(client, book):
    placed = await _calls(client, book.tenant, list(book.wanted))
    assert {written: (c["entity_type"], c["entity_id"]) for written, c in zip(book.wanted, placed, strict=True)} == {
        written: ("contacts", contact) for written, contact in book.wanted.items()}


async def test_calls_keep_the_single_active_lead_rule(client, book):
    (lead,) = await create(client, book.tenant, "leads", [{"name": "Open", "_embedded": {"contacts": [
        {"id": book.contact}]}}])
    placed = await _calls(client, book.tenant, ["79123456789", "345-67-89"])
    assert [(c["entity_type"], c["entity_id"]) for c in placed] == [("leads", lead)] * 2
    await create(client, book.tenant, "leads", [{"name": "Second", "_embedded": {"contacts": [{"id": book.contact}]}}])
    (result,) = await _calls(client, book.tenant, ["912 345 67 89"])
    assert (result["entity_type"], result["entity_id"]) == ("contacts", book.contact)


async def test_calls_prefer_the_same_number_to_one_that_only_ends_with_it(client, tenant):
    await set_country(tenant, "US")
    longer, same = await create(client, tenant, "contacts", [
        {"name": "Older, longer number", "custom_fields_values": [phone("991 555 123 4567")]},
        {"name": "Same number", "custom_fields_values": [phone("+1 555 123 4567")]}])
    (result,) = await _calls(client, tenant, ["(555) 123-4567"])
    assert result["entity_id"] == same
    (result,) = await _calls(client, tenant, ["1 555 123 4567"])
    assert result["entity_id"] == same
    (result,) = await _calls(client, tenant, ["91 555 123 4567"])  # only the longer number ends with it
    assert result["entity_id"] == longer
    found = await client.get("/api/v4/contacts?query=15551234567", headers=tenant.headers)
    assert sorted(c["id"] for c in found.json()["_embedded"]["contacts"]) == [longer, same]


async def test_incoming_leads_name_the_contact_as_a_duplicate_by_every_form(client, book):
    items = []
    for i, written in enumerate(book.wanted):
        item = form(request_id=str(i))
        item["metadata"] = {**item["metadata"], "form_sent_at": 1700000000 + i}
        item["_embedded"] = {"leads": [{"name": "Web"}], "contacts": [
            {"name": "Visitor", "custom_fields_values": [phone(written)]}]}
        items.append(item)
    response = await client.post("/api/v4/leads/unsorted/forms", headers=book.tenant.headers, json=items)
    assert response.status_code == 200, response.text
    added = response.json()["_embedded"]["unsorted"]
    duplicates = {written: item["duplicate_of"] for written, item in zip(book.wanted, added, strict=True)}
    assert duplicates == {written: [contact] for written, contact in book.wanted.items()}
    short = form(_embedded={"leads": [{"name": "x"}], "contacts": [
        {"name": "y", "custom_fields_values": [phone("45-67-89")]}]})
    short["metadata"] = {**short["metadata"], "form_sent_at": 1600000000}
    response = await client.post("/api/v4/leads/unsorted/forms", headers=book.tenant.headers, json=[short])
    assert response.json()["_embedded"]["unsorted"][0]["duplicate_of"] == []


async def test_complex_add_links_the_contact_by_every_form(client, book):
    response = await client.post("/api/v4/leads/complex?duplicate_control=true", headers=book.tenant.headers, json=[
        {"name": f"Deal {i}", "request_id": str(i), "_embedded": {"contacts": [
            {"name": "Caller", "custom_fields_values": [phone(written)]}]}}
        for i, written in enumerate(book.wanted)])
    assert response.status_code == 200, response.text
    linked = {written: (r["merged"], r["contact_id"]) for written, r in zip(book.wanted, response.json(), strict=True)}
    assert linked == {written: (True, contact) for written, contact in book.wanted.items()}
    fresh = await client.post("/api/v4/leads/complex?duplicate_control=true", headers=book.tenant.headers, json=[
        {"name": "Short", "_embedded": {"contacts": [{"name": "C", "custom_fields_values": [phone("45-67-89")]}]}}])
    assert fresh.json()[0]["merged"] is False and fresh.json()[0]["contact_id"] != book.contact


async def test_names_are_searched_unless_a_phone_is_asked_where_phones_live(client, book):
    (lead,) = await create(client, book.tenant, "leads", [{"name": "Order 2024-01-15"}])
    (named,) = await create(client, book.tenant, "contacts", [{"name": "Desk 2024-01-15"}])
    found = await client.get("/api/v4/leads?query=2024-01-15", headers=book.tenant.headers)
    assert [item["id"] for item in found.json()["_embedded"]["leads"]] == [lead]  # leads have no PHONE field
    assert await book.by_query("2024-01-15") == []  # contacts: a phone of 8 digits, looked up by the rule
    assert await book.by_query("Desk 2024") == [named] and await book.by_query("2024-01") == [named]
