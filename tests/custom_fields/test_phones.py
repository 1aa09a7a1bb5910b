"""The phone rule (custom_fields/phones.py): digits, keys, what a written phone matches, the indexed rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kanbo.custom_fields.phones import (
    is_phone_query,
    looks_like_phone,
    normalise_phone,
    phone_digits,
    phone_key,
    phone_match,
)
from kanbo.custom_fields.values import find_by_identity, load_catalog
from kanbo.models.custom_fields import FieldValue
from tests.custom_fields.helpers import account_session, save, set_country

STORED = "79123456789"  # +7 912 345-67-89


def test_digits_of_any_script_read_as_ascii_and_other_characters_are_ignored():
    assert phone_digits("+7 (912) 345-67-89") == STORED
    assert phone_digits("٧٩١٢٣٤٥٦٧٨٩") == STORED  # Arabic-Indic
    assert phone_digits("۷۹۱") == "791" and phone_digits("\uff17\uff19\uff11") == "791"  # Persian, full-width
    assert phone_digits("²³½ⅷ") == ""  # superscripts, fractions and numerals are no decimal digits
    assert normalise_phone("٨٩١٢٣٤٥٦٧٨٩", "RU") == "+79123456789"
    assert normalise_phone("²", "US") is None


def test_the_key_is_the_reversed_digits_of_the_stored_form():
    assert phone_key("+79123456789") == "98765432197"
    assert phone_key("89123456789") == "98765432198"  # a number that did not parse keeps its digits
    assert phone_key("call me") is None and phone_key(None) is None and phone_key("") is None
    assert phone_key("1" * 32) == "1" * 32 and phone_key("1" * 33) is None  # no phone has 33 digits


def _wanted(raw: str, country: str = "US") -> tuple[set[str], set[str]]:
    """(exact numbers, suffixes) a written phone matches, in reading order."""
    match = phone_match([raw], country)
    assert match is not None, raw
    return {key[::-1] for key in match.exact}, {key[::-1] for key in match.suffixes}


@pytest.mark.parametrize("raw", ["+7 912 345-67-89", "+79123456789", "79123456789", "0079123456789",
                                 "81079123456789", "٧٩١٢٣٤٥٦٧٨٩"])
def test_international_forms_match_the_e164_digits_exactly(raw):
    exact, _ = _wanted(raw)
    assert STORED in exact


def test_national_forms_parse_in_the_accounts_country():
    assert "15551234567" in _wanted("(555) 123-4567", "US")[0]
    assert "79123456789" in _wanted("8 (912) 345-67-89", "RU")[0]
    assert "79123456789" not in _wanted("8 (912) 345-67-89", "US")[0]  # no trunk prefix 8 in the US
    assert "442079460958" in _wanted("020 7946 0958", "GB")[0]


def test_seven_digits_or_more_also_match_the_end_of_a_number():
    assert _wanted("345-67-89", "US") == ({"3456789", "13456789"}, {"3456789"})  # a US local number too
    assert _wanted("912 345 67 89")[1] == {"9123456789"}
    assert _wanted("45-67-89")[1] == set()  # six digits: exact only
    assert _wanted("45-67-89") == ({"456789"}, set())


def test_what_matches_nothing():
    for raw in ("", "call me", "²", "1" * 33, None, {"value": 1}, True):
        assert phone_match([raw], "US") is None, raw
    assert phone_match([], "US") is None
    both = phone_match(["+79123456789", 5551234567, "x"], "US")
    assert both is not None and {"98765432197", "7654321555"} <= both.exact


def test_phone_queries_are_texts_written_as_numbers_of_seven_digits_or_more():
    assert looks_like_phone(" +7 (912) 345-67-89 ") and looks_like_phone("45-67") and not looks_like_phone("Room 101")
    assert is_phone_query("345-67-89") and is_phone_query("٧٩١٢٣٤٥٦٧٨٩")
    assert not is_phone_query("45-67-89") and not is_phone_query("Order 12345678") and not is_phone_query("2024")


async def test_index_rows_carry_the_key_of_phones_only(client, tenant):
    await set_country(tenant, "US")
    async with account_session(tenant) as session:
        catalog = await load_catalog(session, "contacts")
        contact = await save(session, catalog, tenant, [
            {"field_code": "PHONE", "values": [{"value": "+7 (912) 345-67-89"}, {"value": "8 912 345 67 89"},
                                               {"value": "\u0665\u0665\u0665-\u0661\u0662\u0663\u0664"},  # 555-1234
                                               {"value": "ext ²"}]},
            {"field_code": "EMAIL", "values": [{"value": "a@b.io"}]},
            {"field_code": "POSITION", "values": [{"value": "12345"}]}])
        rows = (await session.execute(select(FieldValue.kind, FieldValue.text, FieldValue.phone_rev).where(
            FieldValue.entity_type == "contacts", FieldValue.entity_id == contact).order_by(FieldValue.id))).all()
    assert [tuple(row) for row in rows] == [
        ("phone", "+79123456789", "98765432197"), ("phone", "89123456789", "98765432198"),
        ("phone", "+15551234", "43215551"), ("phone", "ext ²", None),
        ("email", "a@b.io", None), (None, "12345", None)]


async def test_find_by_identity_puts_exact_matches_first(tenant):
    await set_country(tenant, "US")
    async with account_session(tenant) as session:
        contacts = await load_catalog(session, "contacts")
        companies = await load_catalog(session, "companies")
        # The oldest number only ends with the digits asked for; the newer ones are the number itself.
        def number(value: str) -> list[dict[str, object]]:
            return [{"field_code": "PHONE", "values": [{"value": value}]}]

        longer = await save(session, contacts, tenant, number("991 555 123 4567"))
        company = await save(session, companies, tenant, number("+15551234567"))
        same = await save(session, contacts, tenant, number("(555) 123-4567"))
        found = await find_by_identity(session, phones=["+1 555 123 4567"], emails=[], country="US")
        assert found == [("contacts", same), ("companies", company), ("contacts", longer)]
        assert await find_by_identity(session, phones=["+1 555 123 4567"], emails=[], country="US",
                                      entity_types=("companies", "contacts")) == [
            ("companies", company), ("contacts", same), ("contacts", longer)]
        assert await find_by_identity(session, phones=["555 123 4567 0"], emails=[], country="US") == []
