"""Conditions over the value index for list endpoints: ``filter[custom_fields_values]`` and ``query=``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, unquote_plus

from sqlalchemy import ColumnElement, Select, and_, false, literal, select, true, union_all

from kanbo.core.db import IdType
from kanbo.core.errors import BadRequest
from kanbo.custom_fields.catalog import FieldCatalog
from kanbo.custom_fields.index import TEXT_MAX, fold, normalise_email
from kanbo.custom_fields.phones import looks_like_phone, phone_match
from kanbo.custom_fields.prefix import starts_with
from kanbo.custom_fields.types import (
    CHOICE_TYPES,
    DATE_TYPES,
    NUMBER_TYPES,
    as_bool,
    as_number,
    as_text,
    as_timestamp,
)
from kanbo.http.query import as_int, parse_query_string
from kanbo.models.custom_fields import CustomField, FieldValue

# Filters ---------------------------------------------------------------------------------------

_FILTER_KEY = "filter[custom_fields_values]"
_SEGMENT = re.compile(r"^\[([^\[\]]*)\](.*)$")


def filter_from_query(raw_query: str | bytes) -> dict[str, Any] | None:
    """``filter[custom_fields_values][...]`` of a raw query string, keyed by field id or code.

    The generic query parser turns a dict whose keys are all digits into a list, which loses the field
    ids; list endpoints pass the result of this function to :func:`filter_clause`.
    """
    text = raw_query if isinstance(raw_query, str) else _decode(raw_query)
    groups: dict[str, list[str]] = {}
    for pair in text.split("&"):
        raw_key, _, raw_value = pair.partition("=")
        key = unquote_plus(raw_key)
        if not key.startswith(_FILTER_KEY):
            continue
        match = _SEGMENT.match(key[len(_FILTER_KEY):])
        if match is None or not match.group(1).strip():
            continue
        tail = quote(match.group(2), safe="[]")
        groups.setdefault(match.group(1).strip(), []).append(f"v{tail}={raw_value}")
    return {field_key: parse_query_string("&".join(pairs)).get("v") for field_key, pairs in groups.items()} or None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _scalars(spec: Any) -> list[Any]:
    if isinstance(spec, dict):
        spec = list(spec.values())
    if not isinstance(spec, list):
        spec = [spec]
    out: list[Any] = []
    for item in spec:
        if isinstance(item, (list, dict)):
            out.extend(_scalars(item))
        elif item is not None and item != "":
            out.append(item)
    return out


def _value_condition(catalog: FieldCatalog, field: CustomField, values: list[Any], path: str) -> ColumnElement[bool]:
    kind = field.type
    if kind in CHOICE_TYPES:
        enums = catalog.enums.get(field.id, [])
        ids: set[int] = set()
        for value in values:
            number = as_int(value)
            for enum in enums:
                text = str(value).strip().casefold()
                if enum.id == number or enum.value.casefold() == text or (enum.code or "").casefold() == text:
                    ids.add(enum.id)
        return FieldValue.enum_id.in_(sorted(ids)) if ids else false()
    if kind in NUMBER_TYPES or kind in DATE_TYPES or kind in ("checkbox", "chained_list"):
        parse = as_timestamp if kind in DATE_TYPES else as_number
        numbers: list[float] = []
        for value in values:
            flag = as_bool(value) if kind == "checkbox" else None
            found: Any = (1 if flag else 0) if flag is not None else parse(value)
            if found is None:
                raise BadRequest(f"{path}: '{value}' is not a valid value of field {field.id} ({kind})")
            numbers.append(float(found))
        return FieldValue.number.in_(numbers)
    texts: set[str] = set()
    for value in values:
        text = as_text(value) or ""
        normal = normalise_email(text) if field.code == "EMAIL" else None
        folded = normal or fold(text)
        if folded:
            texts.add(folded[:TEXT_MAX])
    return FieldValue.text.in_(sorted(texts)) if texts else false()


def _range_condition(field: CustomField, spec: dict[str, Any], path: str) -> ColumnElement[bool]:
    if field.type not in NUMBER_TYPES and field.type not in DATE_TYPES:
        raise BadRequest(f"{path}: ranges (from/to) apply to numeric and date fields only")
    parse = as_timestamp if field.type in DATE_TYPES else as_number
    conditions: list[ColumnElement[bool]] = []
    for bound, op in (("from", "ge"), ("to", "le")):
        raw = spec.get(bound)
        if raw is None or raw == "":
            continue
        value = parse(raw)
        if value is None:
            raise BadRequest(f"{path}[{bound}]: '{raw}' is not a number or a date")
        conditions.append(FieldValue.number >= value if op == "ge" else FieldValue.number <= value)
    return and_(FieldValue.number.is_not(None), *conditions)


def filter_clause(catalog: FieldCatalog, id_column: Any, raw: Any,
                  errors_path: str = "filter[custom_fields_values]") -> ColumnElement[bool]:
    """Entities (``id_column``) whose values match every field of the filter (AND).

    ``raw`` is ``{field_id_or_code: value | [values] | {"from", "to"}}`` (see :func:`filter_from_query`),
    or a list of ``{"field_id"|"field_code", "values"|"value"}`` objects.
    """
    if raw in (None, "", {}, []):
        return true()
    entries: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        entries = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(e, dict) and ("field_id" in e or "field_code" in e) for e in raw):
        entries = [(e.get("field_id") if e.get("field_id") is not None else e.get("field_code"),
                    e.get("values", e.get("value"))) for e in raw]
    else:
        raise BadRequest(f"{errors_path} must be keyed by field id or code, "
                         "e.g. filter[custom_fields_values][123][]=value or [from]/[to]")
    clauses: list[ColumnElement[bool]] = []
    for key, spec in entries:
        path = f"{errors_path}[{key}]"
        field = catalog.field(key)
        if field is None:
            raise BadRequest(f"{path}: no such custom field of {catalog.entity_type}")
        if isinstance(spec, dict) and ("from" in spec or "to" in spec):
            condition = _range_condition(field, spec, path)
        else:
            values = _scalars(spec)
            if not values:
                continue
            if field.code == "PHONE":  # the phone rule, its own indexed statement
                phone = phone_match([as_text(value) or "" for value in values], catalog.country)
                clauses.append(id_column.in_(phone.entities(catalog.account_id, catalog.entity_type, field.id))
                               if phone is not None else false())
                continue
            condition = _value_condition(catalog, field, values, path)
        clauses.append(id_column.in_(
            select(FieldValue.entity_id).where(
                FieldValue.account_id == catalog.account_id, FieldValue.entity_type == catalog.entity_type,
                FieldValue.field_id == field.id, condition,
            )
        ))
    return and_(true(), *clauses)


def search_clause(catalog: FieldCatalog, id_column: Any, query: str, ids: Sequence[int] = ()) -> ColumnElement[bool]:
    """Entities with an indexed text value starting with the case-folded query (an EMAIL equal to it among
    them), a phone matching it by the phone rule when it is written as a phone, or one of ``ids``.

    One ``id IN (… UNION ALL …)`` of index look-ups, so that both databases drive the list from the few
    ids found instead of testing every row. The caller may OR it with its own name condition.
    """
    text = (query or "").strip()
    if not text:
        return false()
    found: list[Select[Any]] = [select(FieldValue.entity_id).where(
        FieldValue.account_id == catalog.account_id, FieldValue.entity_type == catalog.entity_type,
        starts_with(FieldValue.text, text.casefold()[:TEXT_MAX]))]
    phone = phone_match([text], catalog.country) if looks_like_phone(text) else None
    if phone is not None:
        found.append(phone.entities(catalog.account_id, catalog.entity_type))
    found += [select(literal(number, IdType)) for number in ids]
    return id_column.in_(union_all(*found) if len(found) > 1 else found[0])
