"""Validation of field definitions in create and update bodies (spec §12.2); errors are path-named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kanbo.core.errors import Errors
from kanbo.core.values import as_int
from kanbo.custom_fields.types import (
    CURRENCIES,
    ENUM_TYPES,
    ENUMS_REQUIRED,
    FIELD_TYPES,
    MAX_SHORT,
    REMIND_CHOICES,
    SEARCH_IN_CHOICES,
    as_text,
)
from kanbo.models.custom_fields import CustomField, CustomFieldEnum

_CODE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
NOT_A_CHOICE = "The value you selected is not a valid choice."


@dataclass
class EnumPlan:
    id: int | None
    value: str
    sort: int
    code: str | None


@dataclass
class FieldPlan:
    request_id: str
    changes: dict[str, Any]  # column values to set
    enums: list[EnumPlan] | None  # None: enums unchanged
    field: CustomField | None = None  # the field being updated


@dataclass
class Context:
    """What validating a batch of one entity type needs to know."""

    entity_type: str
    fields: dict[int, CustomField]
    enums: dict[int, list[CustomFieldEnum]]
    groups: set[str]
    stages: set[tuple[int, int]]
    currency: str
    codes: dict[str, int | None] = field(default_factory=dict)  # casefolded code -> owner (None: new field)

    def __post_init__(self) -> None:
        for f in self.fields.values():
            if f.code:
                self.codes[f.code.casefold()] = f.id


class _Item:
    def __init__(self, errors: Errors, request_id: str) -> None:
        self.errors, self.request_id = errors, request_id

    def fail(self, path: str, detail: str, code: str = "InvalidValue") -> None:
        self.errors.add(self.request_id, path, detail, code)


def _name(item: _Item, value: Any, path: str = "name") -> str | None:
    if value is not None and not isinstance(value, str):
        item.fail(path, "This value should be of type string.", "InvalidType")
        return None
    if value is None or not value.strip():
        item.fail(path, "This value should not be blank.", "NotBlank")
        return None
    if len(value.strip()) > MAX_SHORT:
        item.fail(path, f"This value is too long ({MAX_SHORT} characters at most).", "TooLong")
        return None
    return value.strip()


def _bool(item: _Item, value: Any, path: str) -> bool | None:
    if not isinstance(value, bool):
        item.fail(path, "This value should be of type bool.", "InvalidType")
        return None
    return value


def _int(item: _Item, value: Any, path: str) -> int | None:
    number = as_int(value)
    if number is None:
        item.fail(path, "This value should be of type int.", "InvalidType")
    return number


def _code(ctx: Context, item: _Item, value: Any, owner: int | None) -> tuple[bool, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True, None
    if not isinstance(value, str) or not _CODE.match(value.strip()):
        item.fail("code", "A code is 1-64 letters, digits, '_' or '-'.", "InvalidValue")
        return False, None
    code = value.strip()
    key = code.casefold()
    if key in ctx.codes and (owner is None or ctx.codes[key] != owner):
        item.fail("code", f"The code '{code}' is already used by another {ctx.entity_type} field.", "NotUnique")
        return False, None
    ctx.codes[key] = owner
    return True, code


def _stages(ctx: Context, item: _Item, raw: Any, path: str) -> list[dict[str, int]] | None:
    if raw is None:
        return []
    if not isinstance(raw, list):
        item.fail(path, "This value should be of type array.", "InvalidType")
        return None
    result: list[dict[str, int]] = []
    ok = True
    for i, entry in enumerate(raw):
        pipeline_id = as_int(entry.get("pipeline_id")) if isinstance(entry, dict) else None
        status_id = as_int(entry.get("status_id")) if isinstance(entry, dict) else None
        if pipeline_id is None or status_id is None:
            item.fail(f"{path}.{i}", "Give pipeline_id and status_id as integers.", "InvalidType")
            ok = False
        elif (pipeline_id, status_id) not in ctx.stages:
            item.fail(f"{path}.{i}.status_id", f"Stage {status_id} of pipeline {pipeline_id} does not exist.",
                      "NotSupportedChoice")
            ok = False
        elif {"pipeline_id": pipeline_id, "status_id": status_id} not in result:
            result.append({"pipeline_id": pipeline_id, "status_id": status_id})
    return result if ok else None


def _enums(item: _Item, raw: Any, current: dict[int, CustomFieldEnum] | None, path: str = "enums"
           ) -> list[EnumPlan] | None:
    if not isinstance(raw, list):
        item.fail(path, "This value should be of type array.", "InvalidType")
        return None
    plans: list[EnumPlan] = []
    values: set[str] = set()
    codes: set[str] = set()
    ok = True
    for i, entry in enumerate(raw):
        where = f"{path}.{i}"
        if not isinstance(entry, dict):
            item.fail(where, "This value should be of type object.", "InvalidType")
            ok = False
            continue
        enum_id = None
        if current is not None and entry.get("id") is not None:
            enum_id = as_int(entry["id"])
            if enum_id not in current or any(p.id == enum_id for p in plans):
                item.fail(f"{where}.id", f"Enum {entry['id']} is not an enum of this field.", "NotSupportedChoice")
                ok = False
                continue
        old = current[enum_id] if current is not None and enum_id is not None else None
        text = as_text(entry.get("value"))
        if text is None or not text.strip():
            item.fail(f"{where}.value", "This value should not be blank.", "NotBlank")
            ok = False
            continue
        text = text.strip()
        if len(text) > MAX_SHORT:
            item.fail(f"{where}.value", f"This value is too long ({MAX_SHORT} characters at most).", "TooLong")
            ok = False
            continue
        if text.casefold() in values:
            item.fail(f"{where}.value", f"The enum '{text}' is listed twice.", "NotUnique")
            ok = False
            continue
        values.add(text.casefold())
        sort = old.sort if old is not None else (i + 1) * 10
        if entry.get("sort") is not None:
            given = _int(item, entry["sort"], f"{where}.sort")
            if given is None:
                ok = False
                continue
            sort = given
        code = old.code if old is not None else None
        raw_code = entry.get("code")
        if isinstance(raw_code, str) and raw_code.strip():
            if not _CODE.match(raw_code.strip()):
                item.fail(f"{where}.code", "A code is 1-64 letters, digits, '_' or '-'.", "InvalidValue")
                ok = False
                continue
            code = raw_code.strip()
        elif raw_code is not None and not isinstance(raw_code, str):
            item.fail(f"{where}.code", "This value should be of type string.", "InvalidType")
            ok = False
            continue
        if code and code.casefold() in codes:
            item.fail(f"{where}.code", f"The enum code '{code}' is listed twice.", "NotUnique")
            ok = False
            continue
        if code:
            codes.add(code.casefold())
        plans.append(EnumPlan(enum_id, text, sort, code))
    return plans if ok else None


def _settings(ctx: Context, item: _Item, field_type: str, data: dict[str, Any], current: dict[str, Any] | None
              ) -> dict[str, Any] | None:
    """Type-specific settings: remind, currency, search_in, tracking_callback, chained_lists."""
    settings = dict(current or {})
    ok = True
    if field_type == "birthday" and ("remind" in data or current is None):
        remind = data.get("remind")
        if remind is not None and remind not in REMIND_CHOICES:
            item.fail("remind", f"remind is one of: {', '.join(REMIND_CHOICES)}.", "NotSupportedChoice")
            ok = False
        settings["remind"] = remind
    elif field_type == "monetary" and (data.get("currency") is not None or current is None):
        currency = data.get("currency", ctx.currency)
        if not isinstance(currency, str) or currency.strip().upper() not in CURRENCIES:
            item.fail("currency", "currency must be an ISO 4217 code such as USD or EUR.", "NotSupportedChoice")
            ok = False
        else:
            settings["currency"] = currency.strip().upper()
    elif field_type == "linked_entity" and ("search_in" in data or current is None):
        search_in = data.get("search_in")
        if search_in is not None and search_in not in SEARCH_IN_CHOICES and (as_int(search_in) or 0) <= 0:
            item.fail("search_in", "search_in is contacts, companies, contacts_and_companies or a list id.",
                      "NotSupportedChoice")
            ok = False
        settings["search_in"] = None if search_in is None else str(search_in)
    elif field_type == "tracking_data" and ("tracking_callback" in data or current is None):
        callback = data.get("tracking_callback")
        if callback is not None and not isinstance(callback, str):
            item.fail("tracking_callback", "This value should be of type string.", "InvalidType")
            ok = False
        settings["tracking_callback"] = callback
    elif field_type == "chained_list" and ("chained_lists" in data or current is None):
        lists = _chained_lists(item, data.get("chained_lists"))
        ok = lists is not None
        settings["chained_lists"] = lists or []
    return settings if ok else None


def _chained_lists(item: _Item, raw: Any) -> list[dict[str, Any]] | None:
    if raw is None:
        return []
    if not isinstance(raw, list):
        item.fail("chained_lists", "This value should be of type array.", "InvalidType")
        return None
    result = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            item.fail(f"chained_lists.{i}", "This value should be of type object.", "InvalidType")
            return None
        catalog_id = _int(item, entry.get("catalog_id"), f"chained_lists.{i}.catalog_id")
        parent = entry.get("parent_catalog_id")
        parent_id = None if parent is None else _int(item, parent, f"chained_lists.{i}.parent_catalog_id")
        title = entry.get("title")
        if not isinstance(title, str):
            item.fail(f"chained_lists.{i}.title", "This value should be of type string.", "InvalidType")
            return None
        if catalog_id is None or (parent is not None and parent_id is None):
            return None
        result.append({"title": title, "catalog_id": catalog_id, "parent_catalog_id": parent_id})
    return result


def _common(ctx: Context, item: _Item, data: dict[str, Any], changes: dict[str, Any],
            current: CustomField | None) -> bool:
    ok = True
    if data.get("sort") is not None:
        sort = _int(item, data["sort"], "sort")
        ok &= sort is not None
        changes["sort"] = sort
    if "group_id" in data:
        group_id = data["group_id"]
        if group_id in (None, ""):
            changes["group_id"] = None
        elif not isinstance(group_id, str) or group_id not in ctx.groups:
            item.fail("group_id", f"No field group '{group_id}' of {ctx.entity_type}.", "NotSupportedChoice")
            ok = False
        else:
            changes["group_id"] = group_id
    for key in ("is_api_only", "is_deletable"):
        if data.get(key) is not None:
            flag = _bool(item, data[key], key)
            ok &= flag is not None
            if current is not None and current.is_predefined and key == "is_deletable":
                continue  # predefined fields stay undeletable
            changes[key] = flag
    for key in ("required_statuses", "hidden_statuses") if ctx.entity_type == "leads" else ("required_statuses",):
        if key in data:
            stages = _stages(ctx, item, data[key], key)
            ok &= stages is not None
            changes[key] = stages
    return ok


def validate_new(ctx: Context, request_id: str, data: dict[str, Any], errors: Errors) -> FieldPlan | None:
    item = _Item(errors, request_id)
    field_type = data.get("type")
    ok = True
    if field_type in (None, ""):
        item.fail("type", "This value should not be blank.", "NotBlank")
        ok = False
    elif field_type not in FIELD_TYPES:
        item.fail("type", f"Unknown field type '{field_type}'.", "NotSupportedChoice")
        ok = False
    name = _name(item, data.get("name"))
    code_ok, code = _code(ctx, item, data.get("code"), None)
    changes: dict[str, Any] = {
        "entity_type": ctx.entity_type, "type": field_type, "name": name, "code": code, "sort": 500,
        "group_id": None, "is_api_only": False, "is_predefined": False, "is_deletable": True,
        "required_statuses": [], "hidden_statuses": [], "settings": {},
    }
    ok &= _common(ctx, item, data, changes, None)
    ok &= name is not None and code_ok
    if not isinstance(field_type, str) or field_type not in FIELD_TYPES:
        return None
    settings = _settings(ctx, item, field_type, data, None)
    changes["settings"] = settings or {}
    ok &= settings is not None
    enums: list[EnumPlan] | None = None
    if field_type in ENUM_TYPES:
        raw = data.get("enums")
        if raw is None and field_type == "category":
            raw = data.get("nested")
        enums = _enums(item, raw if raw is not None else [], None)
        if enums is not None and not enums and field_type in ENUMS_REQUIRED:
            item.fail("enums", f"A {field_type} field needs at least one enum.", "NotBlank")
            enums = None
        ok &= enums is not None
    return FieldPlan(request_id, changes, enums) if ok else None


def validate_change(ctx: Context, request_id: str, data: dict[str, Any], current: CustomField,
                    errors: Errors) -> FieldPlan | None:
    item = _Item(errors, request_id)
    ok = True
    if data.get("type") is not None and data["type"] != current.type:
        item.fail("type", "The type of a field cannot be changed.", "NotEditable")
        ok = False
    changes: dict[str, Any] = {}
    if data.get("name") is not None:
        name = _name(item, data["name"])
        ok &= name is not None
        changes["name"] = name
    if "code" in data and (data["code"] or None) != current.code:
        if current.is_predefined:
            item.fail("code", "The code of a predefined field cannot be changed.", "NotEditable")
            ok = False
        else:
            code_ok, changes["code"] = _code(ctx, item, data["code"], current.id)
            ok &= code_ok
    ok &= _common(ctx, item, data, changes, current)
    settings = _settings(ctx, item, current.type, data, current.settings or {})
    if settings is None:
        ok = False
    elif settings != (current.settings or {}):
        changes["settings"] = settings
    enums: list[EnumPlan] | None = None
    raw = data.get("enums") if current.type in ENUM_TYPES else None
    if raw is None and current.type == "category":
        raw = data.get("nested")
    if raw is not None:
        existing = {e.id: e for e in ctx.enums.get(current.id, [])}
        enums = _enums(item, raw, existing)
        if enums is not None and not enums and current.type in ENUMS_REQUIRED:
            item.fail("enums", f"A {current.type} field needs at least one enum.", "NotBlank")
            enums = None
        if enums is not None and current.is_predefined:
            kept = {p.id for p in enums}
            if any(e.code and e.id not in kept for e in existing.values()):
                item.fail("enums", "The coded enums of a predefined field cannot be removed.", "NotEditable")
                enums = None
        ok &= enums is not None
    return FieldPlan(request_id, changes, enums, current) if ok else None
