"""Ordering lists by a custom field (a Kanbo extension: ``order[FIELD_ID]=asc|desc``).

Each entity gets one sort key per field from the value index (``field_values``): the number of numeric,
date and checkbox fields, the position of the chosen enum among the field's enums (``sort``, then id)
for selects, radio buttons and categories, the indexed text (case-folded; phones in E.164, emails
lower case) for the others. A field holding several values (multiselect, multitext…) sorts by the
smallest. Entities without a value have no key (NULL), and the caller puts them last.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Subquery, case, func, null, select

from kanbo.custom_fields.catalog import FieldCatalog
from kanbo.custom_fields.types import CHOICE_TYPES, DATE_TYPES, NUMBER_TYPES
from kanbo.models.custom_fields import CustomField, FieldValue

NUMBER_KEYED = NUMBER_TYPES | DATE_TYPES | {"checkbox", "chained_list"}


def _key(catalog: FieldCatalog, field: CustomField) -> Any:
    if field.type in NUMBER_KEYED:
        return FieldValue.number
    if field.type in CHOICE_TYPES:
        positions = {enum.id: position for position, enum in enumerate(catalog.enums.get(field.id, []))}
        return case(positions, value=FieldValue.enum_id) if positions else null()
    return FieldValue.text


def sort_keys(catalog: FieldCatalog, field: CustomField) -> Subquery:
    """``(entity_id, key)`` of the entities having a value of ``field``: one grouped read of the index, to
    outer-join the list to (entities without a value get no row)."""
    key = _key(catalog, field)
    return (select(FieldValue.entity_id.label("entity_id"), func.min(key).label("key"))
            .where(FieldValue.account_id == catalog.account_id, FieldValue.entity_type == catalog.entity_type,
                   FieldValue.field_id == field.id)
            .group_by(FieldValue.entity_id)
            .subquery(f"sort_{field.id}"))
