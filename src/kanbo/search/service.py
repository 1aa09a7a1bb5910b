"""Finding leads, contacts and companies at once (Kanbo extension, the command palette).

Each type is searched exactly as ``query=`` of its list (:func:`kanbo.entities.repository.list_clauses`:
the same text rules, the same rights), at most ``limit`` rows each, newest first. A fixed number of
statements: the field catalogs of the three types (three), then one SELECT per type; a type the caller
may not view is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import FieldCatalog, load_catalogs
from kanbo.entities.kinds import COMPANIES, CONTACTS, LEADS, EntityKind
from kanbo.entities.repository import list_clauses
from kanbo.entities.wire import EntityFilter

KINDS = (LEADS, CONTACTS, COMPANIES)


@dataclass(frozen=True)
class Found:
    kind: EntityKind
    rows: list[Any]
    catalog: FieldCatalog | None = None

    def first_value(self, row: Any, code: str) -> str | None:
        """The first value of the row's field ``code`` (PHONE, EMAIL) as written, or ``None``."""
        field = self.catalog.by_code.get(code) if self.catalog is not None else None
        if field is None:
            return None
        for item in row.custom_fields or []:
            if isinstance(item, dict) and item.get("field_id") == field.id:
                for value in item.get("values") or []:
                    if isinstance(value, dict) and isinstance(value.get("value"), str):
                        return str(value["value"])
        return None


async def search(session: AsyncSession, principal: Principal, text: str, limit: int) -> list[Found]:
    viewed = tuple(kind.name for kind in KINDS if rights.may(principal, kind.name, "view"))
    catalogs = await load_catalogs(session, viewed) if viewed else {}
    found = []
    for kind in KINDS:
        catalog = catalogs.get(kind.name)
        if catalog is None:  # a type the principal may not view
            found.append(Found(kind, []))
            continue
        model: Any = kind.model
        clauses = list_clauses(kind, principal, EntityFilter(), catalog, text=text)
        rows = await session.scalars(select(model).where(*clauses)
                                     .order_by(model.id.desc()).limit(limit))
        found.append(Found(kind, list(rows), catalog))
    return found
