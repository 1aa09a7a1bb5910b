"""The value index (``field_values``): normalisation, rebuilding and identity look-ups.

Every stored value of an entity has one ``FieldValue`` row: ``text`` case-folded (phones in E.164,
``kind="phone"``; emails ``kind="email"``), numbers and dates in ``number``, enums in ``enum_id``.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from sqlalchemy import ColumnElement, and_, delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import bound_account
from kanbo.core.values import as_int
from kanbo.custom_fields.catalog import FieldCatalog
from kanbo.custom_fields.types import (
    CHOICE_TYPES,
    DATE_TYPES,
    NUMBER_TYPES,
    OBJECT_LABEL,
    OBJECT_TYPES,
    as_text,
)
from kanbo.models.custom_fields import CustomField, FieldValue
from kanbo.models.entities import Company, Contact, Lead

TEXT_MAX = 512
ENTITY_MODELS: dict[str, type[Lead] | type[Contact] | type[Company]] = {
    "leads": Lead, "contacts": Contact, "companies": Company,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


# Normalisation ---------------------------------------------------------------------------------

def normalise_phone(raw: str, country: str) -> str | None:
    """E.164 (``+79123456789``) when the number parses for ``country``; else its digits; ``None`` if none.

    International prefixes ``00`` (and ``810`` through the region's own rules) become ``+``; a national
    trunk prefix (Russia's ``8``) is understood through the default region.
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
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


def normalise_email(raw: str) -> str | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip().casefold()
    return text if len(text) <= 255 and _EMAIL.match(text) else None


def fold(value: Any) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    text = text.strip().casefold()[:TEXT_MAX]
    return text or None


# Rebuilding ------------------------------------------------------------------------------------

def _row(catalog: FieldCatalog, field: CustomField, value: dict[str, Any], row: dict[str, Any]) -> bool:
    """Fill one index row from a stored element; ``False`` when the element is stale (enum gone)."""
    kind = field.type
    if kind in CHOICE_TYPES:
        enum = catalog.enum(field.id, value.get("enum_id") or 0)
        if enum is None:
            return False
        row["enum_id"], row["text"] = enum.id, fold(enum.value)
    elif kind == "multitext":
        enum = catalog.enum(field.id, value.get("enum_id") or 0)
        row["enum_id"] = enum.id if enum else None
        text = value.get("value")
        normal = None
        if field.code == "PHONE" and isinstance(text, str):
            normal, row["kind"] = normalise_phone(text, catalog.country), "phone"
        elif field.code == "EMAIL" and isinstance(text, str):
            normal, row["kind"] = normalise_email(text), "email"
        row["text"] = normal[:TEXT_MAX] if normal else fold(text)
    elif kind == "smart_address":
        row["enum_id"], row["text"] = value.get("enum_id"), fold(value.get("value"))
    elif kind == "chained_list":
        row["number"] = value.get("catalog_element_id")
    elif kind in OBJECT_TYPES:
        data = value.get("value") or {}
        row["text"] = fold(data.get(OBJECT_LABEL[kind]))
        if kind == "linked_entity":
            row["number"] = data.get("entity_id")
    elif kind == "checkbox":
        row["number"] = 1.0 if value.get("value") else 0.0
    elif kind in NUMBER_TYPES or kind in DATE_TYPES:
        row["number"] = value.get("value")
    else:
        row["text"] = fold(value.get("value"))
    return True


def index_rows(catalog: FieldCatalog, account_id: int, entity_id: int, stored: list[dict[str, Any]] | None
               ) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for item in stored or []:
        field = catalog.fields.get(as_int(item.get("field_id")) or 0) if isinstance(item, dict) else None
        if field is None:
            continue
        for value in item.get("values") or []:
            if not isinstance(value, dict):
                continue
            row: dict[str, Any] = {
                "account_id": account_id, "entity_type": catalog.entity_type, "entity_id": entity_id,
                "field_id": field.id, "enum_id": None, "text": None, "number": None, "kind": None,
            }
            if _row(catalog, field, value, row):
                rows.append(row)
    return rows


async def reindex(session: AsyncSession, catalog: FieldCatalog, entities: dict[int, list[dict[str, Any]]]) -> None:
    """Replace the index rows of these entities by their given stored values (one DELETE, one INSERT)."""
    if not entities:
        return
    account_id = bound_account(session) or catalog.account_id
    await session.execute(
        delete(FieldValue)
        .where(FieldValue.entity_type == catalog.entity_type, FieldValue.entity_id.in_(list(entities)))
        .execution_options(synchronize_session=False)
    )
    rows = [row for entity_id, stored in entities.items() for row in index_rows(catalog, account_id, entity_id, stored)]
    if rows:
        await session.execute(insert(FieldValue), rows)


async def find_by_identity(session: AsyncSession, *, phones: list[str], emails: list[str], country: str,
                           entity_types: tuple[str, ...] = ("contacts", "companies")) -> list[tuple[str, int]]:
    """``(entity_type, entity_id)`` of live entities having one of these phones or emails (any format)."""
    wanted_phones = sorted({p for p in (normalise_phone(raw, country) for raw in phones) if p})
    wanted_emails = sorted({e for e in (normalise_email(raw) for raw in emails) if e})
    if not (wanted_phones or wanted_emails) or not entity_types:
        return []
    account_id = bound_account(session)
    matches: list[ColumnElement[bool]] = []
    if wanted_phones:
        matches.append(and_(FieldValue.kind == "phone", FieldValue.text.in_(wanted_phones)))
    if wanted_emails:
        matches.append(and_(FieldValue.kind == "email", FieldValue.text.in_(wanted_emails)))
    live: list[ColumnElement[bool]] = []
    for entity_type in entity_types:
        model = ENTITY_MODELS[entity_type]
        live.append(and_(
            FieldValue.entity_type == entity_type,
            FieldValue.entity_id.in_(select(model.id).where(model.account_id == account_id,
                                                            model.is_deleted.is_(False))),
        ))
    rows = await session.execute(
        select(FieldValue.entity_type, FieldValue.entity_id)
        .where(FieldValue.account_id == account_id, or_(*matches), or_(*live))
        .distinct().order_by(FieldValue.entity_type, FieldValue.entity_id)
    )
    return [(entity_type, entity_id) for entity_type, entity_id in rows.all()]
