"""One element of ``values`` (spec §12.4): parsed from a write, stored, rendered, described for events.

Stored shapes (inside an entity's ``custom_fields`` JSON, ``[{"field_id", "values": [...]}]``):
scalars ``{"value": str|int|float|bool}`` (dates as ints), choices ``{"enum_id"}``, multitext and
smart_address ``{"value", "enum_id"}``, objects ``{"value": {...}}``, chained_list
``{"catalog_id", "catalog_element_id"}``.
"""

from __future__ import annotations

from typing import Any

import orjson

from kanbo.core.errors import Errors
from kanbo.custom_fields.catalog import FieldCatalog, address_part
from kanbo.custom_fields.index import normalise_email
from kanbo.custom_fields.types import (
    CHOICE_TYPES,
    DATE_TYPES,
    MAX_SHORT,
    MAX_TEXT,
    NUMBER_TYPES,
    OBJECT_LABEL,
    OBJECT_REQUIRED,
    OBJECT_SCHEMAS,
    OBJECT_TYPES,
    as_bool,
    as_number,
    as_text,
    as_timestamp,
    is_url,
    text_limit,
)
from kanbo.http.query import as_int
from kanbo.models.custom_fields import CustomField, CustomFieldEnum

NOT_A_CHOICE = "The value you selected is not a valid choice."


class Reporter:
    """Adds errors at paths below one value element (``custom_fields_values.0.values.1``)."""

    def __init__(self, errors: Errors, request_id: str, path: str) -> None:
        self.errors, self.request_id, self.path = errors, request_id, path
        self.failed = False

    def fail(self, key: str | None, detail: str, code: str = "InvalidValue") -> None:
        self.failed = True
        self.errors.add(self.request_id, f"{self.path}.{key}" if key else self.path, detail, code)


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def parse_element(catalog: FieldCatalog, field: CustomField, element: dict[str, Any],
                  rep: Reporter) -> dict[str, Any] | None:
    """The stored form of one written element, or ``None`` when it is empty or invalid (then reported)."""
    kind = field.type
    if kind in CHOICE_TYPES:
        return _choice(catalog, field, element, rep)
    if kind == "multitext":
        return _multitext(catalog, field, element, rep)
    if kind == "smart_address":
        return _address(element, rep)
    if kind == "chained_list":
        return _chained(element, rep)
    value = element.get("value")
    if kind in OBJECT_TYPES:
        return _object(kind, value, rep)
    if not _given(value):
        return None
    if kind in NUMBER_TYPES:
        number = as_number(value)
        if number is None:
            rep.fail("value", "This value should be a number.", "InvalidType")
            return None
        return {"value": number}
    if kind in DATE_TYPES:
        stamp = as_timestamp(value)
        if stamp is None:
            rep.fail("value", "This value should be a unix timestamp or an RFC 3339 date.", "InvalidType")
            return None
        return {"value": stamp}
    if kind == "checkbox":
        flag = as_bool(value)
        if flag is None:
            rep.fail("value", "This value should be of type bool.", "InvalidType")
            return None
        return {"value": flag}
    text = as_text(value)
    if text is None:
        rep.fail("value", "This value should be of type string.", "InvalidType")
        return None
    if kind != "textarea":
        text = text.strip()
    if len(text) > text_limit(kind):
        rep.fail("value", f"This value is too long ({text_limit(kind)} characters at most).", "TooLong")
        return None
    if kind == "url" and not is_url(text):
        rep.fail("value", "This value is not a valid URL.", "InvalidUrl")
        return None
    return {"value": text}


def _find_enum(enums: list[CustomFieldEnum], *, code: Any = None, text: Any = None) -> CustomFieldEnum | None:
    if code is not None:
        wanted = str(code).strip().casefold()
        return next((e for e in enums if e.code and e.code.casefold() == wanted), None)
    label = as_text(text)
    if label is None:
        return None
    label = label.strip()
    exact = next((e for e in enums if e.value == label), None)
    return exact or next((e for e in enums if e.value.casefold() == label.casefold()), None)


def _enum_by_id(catalog: FieldCatalog, field: CustomField, raw: Any) -> CustomFieldEnum | None:
    number = as_int(raw)
    return catalog.enum(field.id, number) if number is not None else None


def _choice(catalog: FieldCatalog, field: CustomField, element: dict[str, Any],
            rep: Reporter) -> dict[str, Any] | None:
    enums = catalog.enums.get(field.id, [])
    if element.get("enum_id") is not None:
        found = _enum_by_id(catalog, field, element["enum_id"])
        if found is None:
            rep.fail("enum_id", NOT_A_CHOICE, "NotSupportedChoice")
            return None
        return {"enum_id": found.id}
    if _given(element.get("enum_code")):
        found = _find_enum(enums, code=element["enum_code"])
        if found is None:
            rep.fail("enum_code", NOT_A_CHOICE, "NotSupportedChoice")
            return None
        return {"enum_id": found.id}
    if _given(element.get("value")):
        found = _find_enum(enums, text=element["value"])
        if found is None:
            rep.fail("value", NOT_A_CHOICE, "NotSupportedChoice")
            return None
        return {"enum_id": found.id}
    return None


def _multitext(catalog: FieldCatalog, field: CustomField, element: dict[str, Any],
               rep: Reporter) -> dict[str, Any] | None:
    value = element.get("value")
    if not _given(value):
        return None
    text = as_text(value)
    if text is None:
        rep.fail("value", "This value should be of type string.", "InvalidType")
        return None
    text = text.strip()
    if len(text) > MAX_SHORT:
        rep.fail("value", f"This value is too long ({MAX_SHORT} characters at most).", "TooLong")
        return None
    if field.code == "EMAIL" and normalise_email(text) is None:
        rep.fail("value", "This value is not a valid email address.", "InvalidEmail")
        return None
    if field.code == "PHONE" and not any(c.isdigit() for c in text):
        rep.fail("value", "This value is not a phone number.", "InvalidPhone")
        return None
    enums = catalog.enums.get(field.id, [])
    enum: CustomFieldEnum | None
    if element.get("enum_id") is not None:
        enum = _enum_by_id(catalog, field, element["enum_id"])
        if enum is None:
            rep.fail("enum_id", NOT_A_CHOICE, "NotSupportedChoice")
            return None
    elif _given(element.get("enum_code")):
        enum = _find_enum(enums, code=element["enum_code"])
        if enum is None:
            rep.fail("enum_code", NOT_A_CHOICE, "NotSupportedChoice")
            return None
    else:
        enum = enums[0] if enums else None
    return {"value": text, "enum_id": enum.id if enum else None}


def _address(element: dict[str, Any], rep: Reporter) -> dict[str, Any] | None:
    value = element.get("value")
    if not _given(value):
        return None
    text = as_text(value)
    if text is None:
        rep.fail("value", "This value should be of type string.", "InvalidType")
        return None
    if len(text.strip()) > MAX_TEXT:
        rep.fail("value", f"This value is too long ({MAX_TEXT} characters at most).", "TooLong")
        return None
    part: tuple[int, str] | None = (1, "address_line_1")
    key = "enum_id"
    if element.get("enum_id") is not None:
        part = address_part(element["enum_id"])
    elif _given(element.get("enum_code")):
        part = address_part(element["enum_code"])
        key = "enum_code"
    if part is None:
        rep.fail(key, "The address part must be one of address_line_1, address_line_2, city, state, zip, country "
                      "(enum_id 1..6).", "NotSupportedChoice")
        return None
    return {"value": text.strip(), "enum_id": part[0]}


def _chained(element: dict[str, Any], rep: Reporter) -> dict[str, Any] | None:
    nested = element.get("value")
    source: dict[str, Any] = nested if isinstance(nested, dict) else element
    raw_catalog, raw_element = source.get("catalog_id"), source.get("catalog_element_id")
    if raw_catalog is None and raw_element is None:
        return None
    catalog_id, element_id = as_int(raw_catalog), as_int(raw_element)
    if catalog_id is None:
        rep.fail("catalog_id", "This value should be of type int.", "InvalidType")
    if element_id is None:
        rep.fail("catalog_element_id", "This value should be of type int.", "InvalidType")
    if catalog_id is None or element_id is None:
        return None
    return {"catalog_id": catalog_id, "catalog_element_id": element_id}


def _member(kind: str, raw: Any) -> tuple[bool, Any]:
    if kind == "str":
        text = as_text(raw)
        return (text is not None and len(text) <= MAX_TEXT), (text.strip() if text is not None else None)
    if kind == "int":
        number = as_int(raw)
        return number is not None, number
    if kind == "num":
        value = as_number(raw)
        return value is not None, value
    if kind == "bool":
        flag = as_bool(raw)
        return flag is not None, flag
    if kind == "scalar":
        return isinstance(raw, (str, int, float)) and not isinstance(raw, bool), raw
    if kind == "obj":
        return isinstance(raw, (dict, list)), raw
    # discount: {"type": amount|percentage|null, "value": number|null}
    if not isinstance(raw, dict) or raw.get("type") not in (None, "amount", "percentage"):
        return False, None
    amount = raw.get("value")
    parsed = as_number(amount) if amount is not None else None
    if amount is not None and parsed is None:
        return False, None
    return True, {"type": raw.get("type"), "value": parsed}


def _object(kind: str, value: Any, rep: Reporter) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        rep.fail("value", "This value should be of type object.", "InvalidType")
        return None
    result: dict[str, Any] = {}
    valid = True
    for key, member_kind in OBJECT_SCHEMAS[kind].items():
        raw = value.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        ok, parsed = _member(member_kind, raw)
        if not ok:
            rep.fail(f"value.{key}", f"This value is not valid for '{key}'.", "InvalidType")
            valid = False
            continue
        result[key] = parsed
    if kind == "legal_entity" and result.get("entity_type") not in (None, 1, 2):
        rep.fail("value.entity_type", "entity_type is 1 (individual entrepreneur) or 2 (legal person).",
                 "NotSupportedChoice")
        valid = False
    if not result and valid:
        return None
    for key in OBJECT_REQUIRED.get(kind, ()):
        if key not in result:
            rep.fail(f"value.{key}", "This value should not be blank.", "NotBlank")
            valid = False
    return {"value": result} if valid else None


# Output --------------------------------------------------------------------------------------

def render_element(catalog: FieldCatalog, field: CustomField, stored: dict[str, Any]) -> dict[str, Any] | None:
    """The wire form of a stored element; ``None`` when it refers to an enum that no longer exists."""
    kind = field.type
    if kind in CHOICE_TYPES:
        enum = catalog.enum(field.id, stored.get("enum_id") or 0)
        if enum is None:
            return None
        return {"value": enum.value, "enum_id": enum.id, "enum_code": enum.code}
    if kind == "multitext":
        enum = catalog.enum(field.id, stored.get("enum_id") or 0)
        return {"value": stored.get("value"), "enum_id": enum.id if enum else None,
                "enum_code": enum.code if enum else None}
    if kind == "smart_address":
        part = address_part(stored.get("enum_id"))
        return {"value": stored.get("value"), "enum_id": part[0] if part else None,
                "enum_code": part[1] if part else None}
    if kind == "chained_list":
        return {"catalog_id": stored.get("catalog_id"), "catalog_element_id": stored.get("catalog_element_id")}
    if kind in OBJECT_TYPES:
        value = stored.get("value") or {}
        return {"value": {key: value.get(key) for key in OBJECT_SCHEMAS[kind]}}
    return {"value": stored.get("value")}


def describe(catalog: FieldCatalog, field: CustomField, stored: dict[str, Any]) -> tuple[int | None, str]:
    """``(enum_id, text)`` of a stored element, for event ``custom_field_value`` objects."""
    kind = field.type
    if kind in CHOICE_TYPES:
        enum = catalog.enum(field.id, stored.get("enum_id") or 0)
        return stored.get("enum_id"), enum.value if enum else ""
    if kind in ("multitext", "smart_address"):
        return stored.get("enum_id"), str(stored.get("value") or "")
    if kind == "chained_list":
        return None, str(stored.get("catalog_element_id") or "")
    if kind in OBJECT_TYPES:
        value = stored.get("value") or {}
        label = value.get(OBJECT_LABEL[kind])
        return None, str(label) if label is not None else orjson.dumps(value).decode()
    value = stored.get("value")
    if isinstance(value, bool):
        return None, "1" if value else "0"
    return None, "" if value is None else str(value)
