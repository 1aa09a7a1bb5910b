"""The value index: normalisation, reindex, identity look-ups, filters and search."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select, update

from kanbo.core.errors import BadRequest
from kanbo.custom_fields.values import (
    filter_clause,
    filter_from_query,
    find_by_identity,
    load_catalog,
    normalise_email,
    normalise_phone,
    reindex,
    search_clause,
)
from kanbo.models.custom_fields import FieldValue
from kanbo.models.entities import Contact
from tests.custom_fields.helpers import account_session, add_field, save, set_country
from tests.support.factories import make_tenant


@pytest.mark.parametrize("raw", ["+7 (912) 345-67-89", "89123456789", "0079123456789", "81079123456789",
                                 "8 912 345 67 89", "9123456789"])
def test_russian_phone_formats_normalise_to_e164(raw):
    assert normalise_phone(raw, "RU") == "+79123456789"


@pytest.mark.parametrize("raw", ["(555) 123-4567", "+1 555 123 4567", "555.123.4567", "0015551234567",
                                 "011 1 555 123 4567"])
def test_us_phone_formats_normalise_to_e164(raw):
    assert normalise_phone(raw, "US") == "+15551234567"


def test_unparseable_phones_keep_their_digits():
    assert normalise_phone("12-34", "RU") == "1234"
    assert normalise_phone("89123456789", "US") == "89123456789"  # no trunk 8 in the US
    assert normalise_phone("ext. 12", "") == "12"
    assert normalise_phone("call me", "RU") is None and normalise_phone("", "US") is None


def test_email_normalisation():
    assert normalise_email("  John.Doe@Example.COM ") == "john.doe@example.com"
    assert normalise_email("not an email") is None and normalise_email("a@b") is None


async def test_reindex_writes_normalised_rows_with_one_delete_and_one_insert(client, tenant):
    await set_country(tenant, "RU")
    field = await add_field(client, tenant, type="select", name="Kind", enums=[{"value": "VIP"}, {"value": "Other"}])
    stamp = await add_field(client, tenant, type="date", name="Since")
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        assert catalog.country == "RU"
        contact = await save(session, catalog, tenant, [
            {"field_code": "PHONE", "values": [{"value": "8 (912) 345-67-89"}, {"value": "+1 (555) 123-4567"}]},
            {"field_code": "EMAIL", "values": [{"value": "Ann@Example.COM"}]},
            {"field_code": "POSITION", "values": [{"value": "Chief Officer"}]},
            {"field_id": field["id"], "values": [{"value": "vip"}]},
            {"field_id": stamp["id"], "values": [{"value": "2020-06-15"}]},
        ])
        rows = (await session.execute(
            select(FieldValue.field_id, FieldValue.kind, FieldValue.text, FieldValue.number, FieldValue.enum_id)
            .where(FieldValue.entity_id == contact, FieldValue.entity_type == "contacts").order_by(FieldValue.id)
        )).all()
        phone, email, position = (catalog.by_code[c].id for c in ("PHONE", "EMAIL", "POSITION"))
        vip = catalog.enums[field["id"]][0].id
        work = catalog.enums[phone][0].id
        assert [tuple(r) for r in rows] == [
            (phone, "phone", "+79123456789", None, work), (phone, "phone", "+15551234567", None, work),
            (email, "email", "ann@example.com", None, catalog.enums[email][0].id),
            (position, None, "chief officer", None, None), (field["id"], None, "vip", None, vip),
            (stamp["id"], None, None, 1592179200.0, None),
        ]
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement.split()[0].upper())

        sync_engine = tenant.db.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", record)
        try:
            await reindex(session, catalog, {contact: [{"field_id": position, "values": [{"value": "CEO"}]}]})
        finally:
            event.remove(sync_engine, "before_cursor_execute", record)
        assert statements == ["DELETE", "INSERT"]
        texts = await session.scalars(select(FieldValue.text).where(FieldValue.entity_id == contact,
                                                                     FieldValue.entity_type == "contacts"))
        assert list(texts) == ["ceo"]
        await reindex(session, catalog, {})


async def test_find_by_identity_matches_other_formats_and_skips_deleted(db, tenant):
    await set_country(tenant, "RU")
    other = await make_tenant(db)
    async with account_session(other) as session:
        await save(session, await load_catalog(session, "contacts"), other, [
            {"field_code": "PHONE", "values": [{"value": "+79123456789"}]}])
    async with account_session(tenant) as session:
        contacts = await load_catalog(session, "contacts")
        companies = await load_catalog(session, "companies")
        ann = await save(session, contacts, tenant, [
            {"field_code": "PHONE", "values": [{"value": "+7 (912) 345-67-89"}]},
            {"field_code": "EMAIL", "values": [{"value": "ann@example.com"}]}])
        gone = await save(session, contacts, tenant, [{"field_code": "PHONE", "values": [{"value": "89990001122"}]}])
        await session.execute(update(Contact).where(Contact.id == gone).values(is_deleted=True))
        acme = await save(session, companies, tenant, [{"field_code": "EMAIL", "values": [{"value": "Info@Acme.io"}]}])

        assert await find_by_identity(session, phones=["89123456789"], emails=[], country="RU") == [("contacts", ann)]
        assert await find_by_identity(session, phones=["007 912 345 67 89"], emails=[], country="RU") == [
            ("contacts", ann)]
        assert await find_by_identity(session, phones=[], emails=["ANN@EXAMPLE.COM"], country="RU") == [
            ("contacts", ann)]
        both = await find_by_identity(session, phones=["+79123456789", "x"], emails=["info@ACME.io", "bad"],
                                      country="RU")
        assert both == [("contacts", ann), ("companies", acme)]  # exact matches, then in entity_types order
        assert await find_by_identity(session, phones=["+79990001122"], emails=[], country="RU") == []
        assert await find_by_identity(session, phones=["89123456789"], emails=["info@acme.io"], country="RU",
                                      entity_types=("companies",)) == [("companies", acme)]
        assert await find_by_identity(session, phones=[], emails=[], country="RU") == []


async def _ids(session: Any, clause: Any) -> list[int]:
    return list(await session.scalars(select(Contact.id).where(clause).order_by(Contact.id)))


async def test_filter_clause_by_enum_text_and_ranges(client, tenant):
    kind = await add_field(client, tenant, type="select", name="Kind", code="KIND",
                           enums=[{"value": "VIP"}, {"value": "Regular"}])
    budget = await add_field(client, tenant, type="numeric", name="Budget")
    since = await add_field(client, tenant, type="date", name="Since")
    city = await add_field(client, tenant, type="text", name="City")
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        vip, _regular = catalog.enums[kind["id"]]

        async def contact(kind_value: str, amount: int, day: str, town: str) -> int:
            return await save(session, catalog, tenant, [
                {"field_id": kind["id"], "values": [{"value": kind_value}]},
                {"field_id": budget["id"], "values": [{"value": amount}]},
                {"field_id": since["id"], "values": [{"value": day}]},
                {"field_id": city["id"], "values": [{"value": town}]}])

        a = await contact("VIP", 100, "2024-01-10", "Madrid")
        b = await contact("Regular", 500, "2024-03-01", "madrid")
        c = await contact("VIP", 900, "2024-06-01", "Paris")

        def where(raw: Any) -> Any:
            return filter_clause(catalog, Contact.id, raw)

        assert await _ids(session, where({str(kind["id"]): [str(vip.id)]})) == [a, c]
        assert await _ids(session, where({"KIND": "regular"})) == [b]
        assert await _ids(session, where({str(kind["id"]): ["VIP", "Regular"]})) == [a, b, c]
        assert await _ids(session, where({str(kind["id"]): ["Nobody"]})) == []
        assert await _ids(session, where({str(city["id"]): ["MADRID"]})) == [a, b]
        assert await _ids(session, where({str(budget["id"]): {"from": "200", "to": "900"}})) == [b, c]
        assert await _ids(session, where({str(budget["id"]): {"from": 500}})) == [b, c]
        assert await _ids(session, where({str(since["id"]): {"from": "2024-02-01T00:00:00Z",
                                                             "to": "2024-05-01"}})) == [b]
        assert await _ids(session, where({str(budget["id"]): ["100", 900]})) == [a, c]
        both = {str(kind["id"]): [vip.id], str(budget["id"]): {"to": 500}}
        assert await _ids(session, where(both)) == [a]
        assert await _ids(session, where([{"field_id": city["id"], "values": ["paris"]}])) == [c]
        assert await _ids(session, where(None)) == [a, b, c]

        parsed = filter_from_query(
            f"filter%5Bcustom_fields_values%5D%5B{budget['id']}%5D%5Bfrom%5D=200"
            f"&filter[custom_fields_values][{kind['id']}][]=VIP&filter[custom_fields_values][KIND][]=Regular"
            "&filter[name]=x&page=2".encode())
        assert parsed == {str(budget["id"]): {"from": "200"}, str(kind["id"]): ["VIP"], "KIND": ["Regular"]}
        assert await _ids(session, where({k: v for k, v in parsed.items() if k != "KIND"})) == [c]
        assert filter_from_query("filter[name]=x") is None

        for bad in ({"999999": ["x"]}, {str(city["id"]): {"from": 1}}, {str(budget["id"]): ["lots"]},
                    [["x"]], {"NOPE": "x"}):
            with pytest.raises(BadRequest):
                where(bad)


async def test_search_clause_by_phone_email_and_prefix(tenant):
    await set_country(tenant, "RU")
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        ann = await save(session, catalog, tenant, [
            {"field_code": "PHONE", "values": [{"value": "+7 912 345-67-89"}]},
            {"field_code": "POSITION", "values": [{"value": "Ácme Director"}]}])
        bob = await save(session, catalog, tenant, [{"field_code": "EMAIL", "values": [{"value": "Bob@Mail.com"}]}])
        await save(session, catalog, tenant, [{"field_code": "POSITION", "values": [{"value": "100%_sure"}]}])

        async def search(query: str) -> list[int]:
            return await _ids(session, search_clause(catalog, Contact.id, query))

        assert await search("8 (912) 345 67 89") == [ann]
        assert await search("+7912") == [ann]
        assert await search("BOB@mail.COM") == [bob]
        assert await search("bob@") == [bob]
        assert await search("ácme dir") == [ann]
        assert await search("director") == []
        assert await search("100%") != [] and await search("100%x") == [] and await search("10_") == []
        assert await search("   ") == []
