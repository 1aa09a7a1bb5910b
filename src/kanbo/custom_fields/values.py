"""Custom-field values of leads, contacts and companies (spec §12.4): the library entity domains call.

A request loads the :class:`FieldCatalog` of its entity type once (:func:`load_catalog`), then per entity:
:func:`write_values` validates the client's ``custom_fields_values`` and merges them into the stored
JSON, :func:`reindex` refreshes the value index after the flush, :func:`event_changes` turns the
changes into events, :func:`render_values` produces the wire form. List endpoints use
:func:`filter_clause` (with :func:`filter_from_query`), :func:`search_clause` and :func:`sort_keys`;
de-duplication and calls use :func:`find_by_identity`. Every phone look-up follows the one phone rule (:mod:`.phones`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kanbo.core.errors import Errors
from kanbo.custom_fields.catalog import FieldCatalog, load_catalog, load_catalogs
from kanbo.custom_fields.elements import Reporter, describe, parse_element, render_element
from kanbo.custom_fields.filters import filter_clause, filter_from_query, search_clause
from kanbo.custom_fields.index import find_by_identity, normalise_email, reindex
from kanbo.custom_fields.phones import is_phone_query, normalise_phone, phone_key
from kanbo.custom_fields.sorting import sort_keys
from kanbo.custom_fields.types import MAX_FIELDS_PER_WRITE, MULTI_VALUE_TYPES
from kanbo.custom_fields.wire import CustomFieldValueIn
from kanbo.events.service import Change
from kanbo.http.query import as_int
from kanbo.models.custom_fields import CustomField

__all__ = [
    "CustomFieldValueIn",
    "FieldCatalog",
    "ValuesWrite",
    "event_changes",
    "filter_clause",
    "filter_from_query",
    "find_by_identity",
    "is_phone_query",
    "load_catalog",
    "load_catalogs",
    "missing_required",
    "normalise_email",
    "normalise_phone",
    "phone_key",
    "reindex",
    "render_values",
    "search_clause",
    "sort_keys",
    "write_values",
]

EVENT_TYPE = "custom_field_value_changed"


@dataclass
class ValuesWrite:
    stored: list[dict[str, Any]]  # the entity's new `custom_fields` JSON
    # (field_id, before_values, after_values) for events, in stored form
    changes: list[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]] = field(default_factory=list)


def _stored_values(stored: list[dict[str, Any]], field_id: int) -> list[dict[str, Any]]:
    for item in stored:
        if item.get("field_id") == field_id:
            return list(item.get("values") or [])
    return []


def _resolve_field(catalog: FieldCatalog, item: dict[str, Any], errors: Errors, request_id: str,
                   path: str) -> CustomField | None:
    raw_id, raw_code = item.get("field_id"), item.get("field_code")
    if raw_id is not None:
        field_id = as_int(raw_id)
        found = catalog.fields.get(field_id) if field_id is not None else None
    elif isinstance(raw_code, str) and raw_code.strip():
        found = catalog.field(raw_code)
    else:
        errors.add(request_id, f"{path}.field_id", "Give field_id or field_code.", "NotBlank")
        return None
    if found is None:
        errors.add(request_id, f"{path}.field_id", "The value you selected is not a valid choice.",
                   "NotSupportedChoice")
    return found


def _parse_values(catalog: FieldCatalog, field: CustomField, raw_values: Any, errors: Errors, request_id: str,
                  path: str) -> list[dict[str, Any]] | None:
    if isinstance(raw_values, dict):
        raw_values = [raw_values]
    if not isinstance(raw_values, list):
        errors.add(request_id, path, "This value should be of type array.", "InvalidType")
        return None
    parsed: list[dict[str, Any]] = []
    ok = True
    for j, element in enumerate(raw_values):
        element_path = f"{path}.{j}"
        if not isinstance(element, dict):
            errors.add(request_id, element_path, "This value should be of type object.", "InvalidType")
            ok = False
            continue
        reporter = Reporter(errors, request_id, element_path)
        value = parse_element(catalog, field, element, reporter)
        if reporter.failed:
            ok = False
        if value is not None and value not in parsed:
            parsed.append(value)
    if len(parsed) > 1 and field.type not in MULTI_VALUE_TYPES:
        errors.add(request_id, path, f"A {field.type} field holds one value.", "TooMany")
        return None
    return parsed if ok else None


def write_values(catalog: FieldCatalog, stored: list[dict[str, Any]] | None,
                 raw: Sequence[CustomFieldValueIn] | Any, errors: Errors, request_id: str,
                 path: str = "custom_fields_values") -> ValuesWrite:
    """Validate ``raw`` (the client's ``custom_fields_values``: typed items, or as sent) against the
    definitions and merge it into ``stored``.

    Listed fields are replaced; ``values: null`` (or ``[]``) clears a field; unlisted fields stay.
    Errors are added to ``errors`` under ``request_id`` with paths below ``path``; the caller raises.
    """
    current = copy.deepcopy([item for item in stored or [] if isinstance(item, dict)])
    result = ValuesWrite(stored=current)
    if raw is None:
        return result
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        errors.add(request_id, path, "This value should be of type array.", "InvalidType")
        return result
    raw = [item.raw() if isinstance(item, CustomFieldValueIn) else item for item in raw]
    if len(raw) > MAX_FIELDS_PER_WRITE:
        errors.add(request_id, path, f"At most {MAX_FIELDS_PER_WRITE} fields per entity in one request.",
                   "TooMany")
        return result
    updates: dict[int, list[dict[str, Any]]] = {}
    for i, item in enumerate(raw):
        item_path = f"{path}.{i}"
        if not isinstance(item, dict):
            errors.add(request_id, item_path, "This value should be of type object.", "InvalidType")
            continue
        field_def = _resolve_field(catalog, item, errors, request_id, item_path)
        if field_def is None:
            continue
        if "values" not in item:
            errors.add(request_id, f"{item_path}.values", "This value should not be blank.", "NotBlank")
            continue
        raw_values = item["values"]
        if raw_values is None:
            updates[field_def.id] = []
            continue
        parsed = _parse_values(catalog, field_def, raw_values, errors, request_id, f"{item_path}.values")
        if parsed is not None:
            updates[field_def.id] = parsed
    for field_id, after in updates.items():
        before = _stored_values(current, field_id)
        if before == after:
            continue
        result.changes.append((field_id, before, after))
        position = next((k for k, entry in enumerate(current) if entry.get("field_id") == field_id), None)
        if not after:
            if position is not None:
                current.pop(position)
        elif position is None:
            current.append({"field_id": field_id, "values": after})
        else:
            current[position] = {"field_id": field_id, "values": after}
    return result


def render_values(catalog: FieldCatalog, stored: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The wire ``custom_fields_values`` of an entity, or ``None`` when it has none."""
    rendered: list[dict[str, Any]] = []
    for item in stored or []:
        field_def = catalog.fields.get(as_int(item.get("field_id")) or 0) if isinstance(item, dict) else None
        if field_def is None:
            continue
        values = [v for v in (render_element(catalog, field_def, s) for s in item.get("values") or []
                              if isinstance(s, dict)) if v is not None]
        if not values:
            continue
        rendered.append({"field_id": field_def.id, "field_name": field_def.name, "field_code": field_def.code,
                         "field_type": field_def.type, "values": values})
    return rendered or None


def _event_values(catalog: FieldCatalog, field_def: CustomField, values: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    out = []
    for value in values:
        enum_id, text = describe(catalog, field_def, value)
        out.append({"custom_field_value": {"field_id": field_def.id, "field_type": field_def.type,
                                           "enum_id": enum_id, "text": text}})
    return out


def event_changes(entity_type_singular: str, entity_id: int, catalog: FieldCatalog,
                  changes: list[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]]) -> list[Change]:
    """One ``custom_field_value_changed`` event per changed field."""
    events = []
    for field_id, before, after in changes:
        field_def = catalog.fields.get(field_id)
        if field_def is None:
            continue
        events.append(Change(type=EVENT_TYPE, entity_type=entity_type_singular, entity_id=entity_id,
                             before=_event_values(catalog, field_def, before),
                             after=_event_values(catalog, field_def, after)))
    return events


def missing_required(catalog: FieldCatalog, stored: list[dict[str, Any]], pipeline_id: int,
                     status_id: int) -> list[CustomField]:
    """Fields that must be filled before a lead enters (pipeline_id, status_id) and have no value."""
    filled = {item.get("field_id") for item in stored or [] if isinstance(item, dict) and item.get("values")}
    missing = []
    for field_def in catalog.fields.values():
        required = any(
            isinstance(rs, dict) and rs.get("pipeline_id") == pipeline_id and rs.get("status_id") == status_id
            for rs in field_def.required_statuses or []
        )
        if required and field_def.id not in filled:
            missing.append(field_def)
    return sorted(missing, key=lambda f: (f.sort, f.id))
