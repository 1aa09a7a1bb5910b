"""The standard fields every account starts with (spec §6.3): PHONE, EMAIL, POSITION, WEB, ADDRESS."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.time import now
from kanbo.models.custom_fields import CustomField, CustomFieldEnum

PHONE_ENUMS = ("WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER")
EMAIL_ENUMS = ("WORK", "PRIV", "OTHER")

# (code, type, sort, enum codes); enum values are the codes, as Kommo's.
PREDEFINED: dict[str, tuple[tuple[str, str, int, tuple[str, ...]], ...]] = {
    "contacts": (
        ("POSITION", "text", 2, ()),
        ("PHONE", "multitext", 4, PHONE_ENUMS),
        ("EMAIL", "multitext", 6, EMAIL_ENUMS),
    ),
    "companies": (
        ("PHONE", "multitext", 4, PHONE_ENUMS),
        ("EMAIL", "multitext", 6, EMAIL_ENUMS),
        ("WEB", "url", 8, ()),
        ("ADDRESS", "textarea", 10, ()),
    ),
}

NAMES = {
    "en": {"PHONE": "Phone", "EMAIL": "Email", "POSITION": "Position", "WEB": "Web", "ADDRESS": "Address"},
    "es": {"PHONE": "Teléfono", "EMAIL": "Correo electrónico", "POSITION": "Cargo", "WEB": "Sitio web",
           "ADDRESS": "Dirección"},
}


async def create_predefined_fields(session: AsyncSession, account_id: int, language: str) -> list[CustomField]:
    """Create the standard fields of the session's account that it does not have yet (by entity and code)."""
    names = NAMES.get(language, NAMES["en"])
    existing = {
        (entity_type, code)
        for entity_type, code in (await session.execute(
            select(CustomField.entity_type, CustomField.code).where(CustomField.is_predefined.is_(True))
        )).all()
    }
    stamp = now()
    created: list[tuple[CustomField, tuple[str, ...]]] = []
    for entity_type, definitions in PREDEFINED.items():
        for code, field_type, sort, enum_codes in definitions:
            if (entity_type, code) in existing:
                continue
            field = CustomField(
                account_id=account_id, entity_type=entity_type, name=names[code], type=field_type, code=code,
                sort=sort, group_id=None, is_api_only=False, is_predefined=True, is_deletable=False,
                required_statuses=[], hidden_statuses=[], settings={}, created_at=stamp, updated_at=stamp,
            )
            session.add(field)
            created.append((field, enum_codes))
    if not created:
        return []
    await session.flush()
    for field, enum_codes in created:
        for position, enum_code in enumerate(enum_codes, start=1):
            session.add(CustomFieldEnum(account_id=account_id, field_id=field.id, value=enum_code,
                                        sort=position * 2, code=enum_code))
    await session.flush()
    return [field for field, _ in created]
