"""The value index (``field_values``): normalisation, rebuilding and identity look-ups.

Every stored value of an entity has one ``FieldValue`` row: ``text`` case-folded (phones in E.164 with
their reversed digits in ``phone_rev``, ``kind="phone"``; emails ``kind="email"``), numbers and dates
in ``number``, enums in ``enum_id``. Phones are matched by the one phone rule of :mod:`.phones`.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import bound_account
from kanbo.custom_fields.catalog import FieldCatalog
from kanbo.custom_fields.phones import normalise_phone, phone_key, phone_match
from kanbo.custom_fields.types import (
    CHOICE_TYPES,
    DATE_TYPES,
    NUMBER_TYPES,
    OBJECT_LABEL,
    OBJECT_TYPES,
    as_text,
)
from kanbo.http.query import as_int
from kanbo.models.custom_fields import CustomField, FieldValue
from kanbo.models.entities import Company, Contact, Lead

TEXT_MAX = 512
ENTITY_MODELS: dict[str, type[Lead] | type[Contact] | type[Company]] = {
    "leads": Lead, "contacts": Contact, "companies": Company,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


# Normalisation ---------------------------------------------------------------------------------

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
            row["phone_rev"] = phone_key(normal)
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
                "phone_rev": None,
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
    """``(entity_type, entity_id)`` of live entities having one of these phones (by the phone rule,
    :func:`~kanbo.custom_fields.phones.phone_match`) or emails, in one indexed statement.

    Best first: entities matched exactly (an email, or a phone by forms 1-2 of the rule) before those
    whose number only ends with a given one (form 3), then in the order of ``entity_types``, oldest first.
    """
    phone = phone_match(phones, country)
    wanted_emails = sorted({e for e in (normalise_email(raw) for raw in emails) if e})
    if not (phone or wanted_emails) or not entity_types:
        return []
    account_id = bound_account(session) or 0
    lookups = phone.lookups(account_id) if phone is not None else []
    if wanted_emails:
        lookups.append(select(FieldValue.id).where(FieldValue.account_id == account_id, FieldValue.kind == "email",
                                                   FieldValue.text.in_(wanted_emails)))
    hits = (union_all(*lookups) if len(lookups) > 1 else lookups[0]).subquery("identity_hits")
    live: list[ColumnElement[bool]] = []
    for entity_type in entity_types:
        model = ENTITY_MODELS[entity_type]
        live.append(and_(
            FieldValue.entity_type == entity_type,
            select(model.id).where(model.id == FieldValue.entity_id, model.is_deleted.is_(False)).exists(),
        ))
    rows = await session.execute(
        select(FieldValue.entity_type, FieldValue.entity_id, FieldValue.kind, FieldValue.phone_rev)
        .join(hits, FieldValue.id == hits.c.id).where(or_(*live))
    )
    rank: dict[tuple[str, int], int] = {}
    for entity_type, entity_id, kind, key in rows.all():
        exact = kind == "email" or (phone is not None and phone.is_exact(key))
        rank[(entity_type, entity_id)] = min(rank.get((entity_type, entity_id), 1), 0 if exact else 1)
    order = {entity_type: position for position, entity_type in enumerate(entity_types)}
    return sorted(rank, key=lambda pair: (rank[pair], order[pair[0]], pair[1]))
