"""The field definitions of one entity type of the session's account, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import bound_account
from kanbo.custom_fields.types import ADDRESS_PARTS
from kanbo.http.query import as_int
from kanbo.models.accounts import Account
from kanbo.models.custom_fields import CustomField, CustomFieldEnum


@dataclass
class FieldCatalog:
    """Definitions of one entity type of the session's account."""

    entity_type: str
    fields: dict[int, CustomField]
    by_code: dict[str, CustomField]
    enums: dict[int, list[CustomFieldEnum]]  # field_id -> enums ordered by sort
    country: str  # account country, default region for phones
    account_id: int = 0
    _enum_index: dict[int, dict[int, CustomFieldEnum]] = field(default_factory=dict, repr=False)

    def field(self, key: Any) -> CustomField | None:
        """A field by id (int or digit string) or by code (exact, then case-insensitive)."""
        field_id = as_int(key)
        if field_id is not None:
            return self.fields.get(field_id)
        if not isinstance(key, str) or not key.strip():
            return None
        code = key.strip()
        found = self.by_code.get(code) or self.by_code.get(code.upper())
        if found is None:
            folded = code.casefold()
            found = next((f for c, f in self.by_code.items() if c.casefold() == folded), None)
        return found

    def enum(self, field_id: int, enum_id: int) -> CustomFieldEnum | None:
        index = self._enum_index.get(field_id)
        if index is None:
            index = {e.id: e for e in self.enums.get(field_id, [])}
            self._enum_index[field_id] = index
        return index.get(enum_id)


def address_part(key: Any) -> tuple[int, str] | None:
    """A smart_address part by id (1..6) or code (``city``…)."""
    number = as_int(key)
    for part_id, code in ADDRESS_PARTS:
        if part_id == number or (isinstance(key, str) and key.strip().lower() == code):
            return part_id, code
    return None


def make_catalog(entity_type: str, fields: list[CustomField], enums: list[CustomFieldEnum], country: str,
                 account_id: int = 0) -> FieldCatalog:
    by_field: dict[int, list[CustomFieldEnum]] = {f.id: [] for f in fields}
    for enum in sorted(enums, key=lambda e: (e.sort, e.id)):
        if enum.field_id in by_field:
            by_field[enum.field_id].append(enum)
    return FieldCatalog(
        entity_type=entity_type,
        fields={f.id: f for f in fields},
        by_code={f.code: f for f in fields if f.code},
        enums=by_field,
        country=(country or "").upper(),
        account_id=account_id,
    )


async def load_catalog(session: AsyncSession, entity_type: str) -> FieldCatalog:
    """Three queries: the fields, their enums, the account's country."""
    return (await load_catalogs(session, (entity_type,)))[entity_type]


async def load_catalogs(session: AsyncSession, entity_types: tuple[str, ...]) -> dict[str, FieldCatalog]:
    """The catalogs of several entity types in the same three queries."""
    account_id = bound_account(session)
    fields = list(await session.scalars(
        select(CustomField).where(CustomField.entity_type.in_(entity_types)).order_by(CustomField.sort, CustomField.id)
    ))
    enums: list[CustomFieldEnum] = []
    if fields:
        enums = list(await session.scalars(
            select(CustomFieldEnum).join(CustomField, CustomField.id == CustomFieldEnum.field_id)
            .where(CustomField.entity_type.in_(entity_types))
            .order_by(CustomFieldEnum.field_id, CustomFieldEnum.sort, CustomFieldEnum.id)
        ))
    country = await session.scalar(select(Account.country).where(Account.id == account_id)) if account_id else None
    return {entity_type: make_catalog(entity_type, [f for f in fields if f.entity_type == entity_type], enums,
                                      country or "", account_id or 0)
            for entity_type in entity_types}
