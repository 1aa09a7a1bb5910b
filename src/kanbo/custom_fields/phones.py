"""The phone rule: how a stored phone is keyed, and which stored phones a written phone matches.

Every caller that looks a phone up goes through :func:`phone_match`: ``query=`` search and
``filter[custom_fields_values]`` on PHONE fields (``filters.py``), and :func:`~kanbo.custom_fields.index.
find_by_identity` (calls, duplicate control of incoming leads and of complex add).

Stored: the index row (``field_values``) of a PHONE value keeps ``text`` in E.164 (:func:`normalise_phone`,
the account's country as default region; the bare digits when the number does not parse) and
``phone_rev``, those digits reversed (:func:`phone_key`), so that "ends with" becomes "starts with".

A written phone (a search text, a filter value, a call's number, an incoming contact's phone) matches
a stored number when

1. its digits equal the stored digits, as written or after an international prefix (``+``, ``00``,
   ``810``): ``79123456789``, ``+7 912 345-67-89``, ``0079123456789``, ``81079123456789``;
2. or it parses as a number of the account's country to the stored number (the national form, a trunk
   prefix, the country's own international prefix): ``(555) 123-4567`` in a US account, ``8 912 345 67 89``
   in a Russian one;
3. or it has at least :data:`SUFFIX_MIN` digits and the stored digits end with them: ``345-67-89``,
   ``912 345 67 89``.

Digits of any script count (Arabic-Indic ``٧٩١…`` reads as ``791…``); other characters are ignored.
Forms 1 and 2 are equality look-ups and form 3 a prefix range on ``phone_rev``, all served by the index
``ix_field_values_phone`` (``account_id, phone_rev``) on SQLite and PostgreSQL: never a scan.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from sqlalchemy import Select, Subquery, select, union_all

from kanbo.custom_fields.prefix import starts_with
from kanbo.models.custom_fields import FieldValue

SUFFIX_MIN = 7  # fewer digits are matched only exactly (forms 1 and 2), never as the end of a number
KEY_MAX = 32  # longer digit strings are no phone number: not keyed, never matched
INTERNATIONAL_PREFIXES = ("00", "810")
_PHONE_TEXT = re.compile(r"^\+?[\d\s().\-/]+$")


def phone_digits(raw: str) -> str:
    """The decimal digits of ``raw`` in ASCII, whatever their script (superscripts and fractions are no digits)."""
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() else c for c in raw if c.isdecimal())


def normalise_phone(raw: str, country: str) -> str | None:
    """E.164 (``+79123456789``) when the number parses for ``country``; else its digits; ``None`` if none.

    International prefixes ``00`` (and ``810`` through the region's own rules) become ``+``; a national
    trunk prefix (Russia's ``8``) is understood through the default region.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = phone_digits(text)
    if not digits:
        return None
    if not text.startswith("+") and digits.startswith("00"):
        text = "+" + digits[2:]
    region = (country or "").upper() or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return digits
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits


def phone_key(normal: str | None) -> str | None:
    """The ``phone_rev`` of a stored phone (its :func:`normalise_phone` form): its digits reversed."""
    digits = phone_digits(normal) if normal else ""
    return digits[::-1] if 0 < len(digits) <= KEY_MAX else None


def looks_like_phone(text: str) -> bool:
    """Whether a free search text is written as a phone number (digits, ``+``, spaces, ``()-./``)."""
    return bool(_PHONE_TEXT.match(text.strip()))


def is_phone_query(text: str) -> bool:
    """A search text that is a phone number: written as one, with :data:`SUFFIX_MIN` digits or more.

    ``query=`` looks such a text up by the phone rule only (index look-ups), not as a substring of names.
    """
    return looks_like_phone(text) and len(phone_digits(text)) >= SUFFIX_MIN


@dataclass(frozen=True)
class PhoneMatch:
    """The stored keys some written phones match: equal to one of ``exact``, or starting with a ``suffixes`` entry."""

    exact: frozenset[str]
    suffixes: frozenset[str]

    def lookups(self, account_id: int) -> list[Select[tuple[int]]]:
        """Ids of the matching ``field_values`` rows: one simple statement per form, each an index look-up.

        The look-ups carry nothing but ``account_id`` and ``phone_rev`` conditions, and callers join their
        union to ``field_values`` by primary key (:meth:`hits`): a query planner without statistics (a new
        SQLite database) would otherwise prefer an index on the other conditions (entity type, field)
        and scan every phone of the account.
        """
        rows = select(FieldValue.id).where(FieldValue.account_id == account_id)
        found = [rows.where(FieldValue.phone_rev.in_(sorted(self.exact)))] if self.exact else []
        return found + [rows.where(starts_with(FieldValue.phone_rev, suffix)) for suffix in sorted(self.suffixes)]

    def hits(self, account_id: int) -> Subquery:
        """The union of :meth:`lookups` (a column ``id``), to join ``field_values`` on."""
        lookups = self.lookups(account_id)
        return (union_all(*lookups) if len(lookups) > 1 else lookups[0]).subquery("phone_hits")

    def entities(self, account_id: int, entity_type: str, field_id: int | None = None) -> Select[tuple[int]]:
        """Ids of the entities of this type having a matching phone (in this field)."""
        hits = self.hits(account_id)
        statement = select(FieldValue.entity_id).join(hits, FieldValue.id == hits.c.id) \
            .where(FieldValue.entity_type == entity_type)
        return statement.where(FieldValue.field_id == field_id) if field_id is not None else statement

    def is_exact(self, key: str | None) -> bool:
        """Whether a stored key is matched by form 1 or 2 (not only as the end of a longer number)."""
        return key in self.exact


def _keys(raw: str, country: str) -> tuple[set[str], str | None]:
    digits = phone_digits(raw)
    if not digits or len(digits) > KEY_MAX:
        return set(), None
    forms = {digits}
    for prefix in INTERNATIONAL_PREFIXES:
        if digits.startswith(prefix) and len(digits) > len(prefix):
            forms.add(digits[len(prefix):])
    national = normalise_phone(raw, country)
    if national and national.startswith("+"):
        forms.add(national[1:])
    return {form[::-1] for form in forms}, digits[::-1] if len(digits) >= SUFFIX_MIN else None


def phone_match(raws: Iterable[Any], country: str) -> PhoneMatch | None:
    """What stored phones these written phones match (any of them), ``None`` when none can match anything.

    ``country`` is the account's (ISO 3166 alpha-2, may be empty). Values that are not text or numbers,
    without digits, or with more than :data:`KEY_MAX` digits match nothing.
    """
    exact: set[str] = set()
    suffixes: set[str] = set()
    for raw in raws:
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            continue
        keys, suffix = _keys(raw, country)
        exact |= keys
        if suffix is not None:
            suffixes.add(suffix)
    if not exact and not suffixes:
        return None
    return PhoneMatch(frozenset(exact), frozenset(suffixes))
