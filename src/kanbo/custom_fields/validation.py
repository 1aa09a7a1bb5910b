"""The checks of field definitions that need the account's data (spec §12.2): unique codes, known groups and
stages, the enums of the field, the rules of predefined fields. The shape of a create or update item is
checked by its model (:mod:`.field_wire`) before; errors are path-named like the model's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kanbo.core.errors import Errors
from kanbo.custom_fields.field_wire import ChainedListIn, EnumIn, FieldCommon, FieldPatch, NewField, StageIn
from kanbo.custom_fields.types import ENUM_TYPES, ENUMS_REQUIRED
from kanbo.models.custom_fields import CustomField, CustomFieldEnum


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
        self.ok = True

    def fail(self, path: str, detail: str, code: str = "InvalidValue") -> None:
        self.ok = False
        self.errors.add(self.request_id, path, detail, code)


def _code(ctx: Context, item: _Item, code: str | None, owner: int | None) -> str | None:
    if code is None:
        return None
    key = code.casefold()
    if key in ctx.codes and (owner is None or ctx.codes[key] != owner):
        item.fail("code", f"The code '{code}' is already used by another {ctx.entity_type} field.", "NotUnique")
        return None
    ctx.codes[key] = owner
    return code


def _stages(ctx: Context, item: _Item, given: list[StageIn] | None, path: str) -> list[dict[str, int]]:
    result: list[dict[str, int]] = []
    for i, stage in enumerate(given or []):
        entry = {"pipeline_id": stage.pipeline_id, "status_id": stage.status_id}
        if (stage.pipeline_id, stage.status_id) not in ctx.stages:
            item.fail(f"{path}.{i}.status_id", f"Stage {stage.status_id} of pipeline {stage.pipeline_id} does "
                                               "not exist.", "NotSupportedChoice")
        elif entry not in result:
            result.append(entry)
    return result


def _enums(item: _Item, given: list[EnumIn], current: dict[int, CustomFieldEnum] | None,
           path: str = "enums") -> list[EnumPlan]:
    """The enums a field keeps: those with the id of a current enum change it, the others are new."""
    plans: list[EnumPlan] = []
    values: set[str] = set()
    codes: set[str] = set()
    for i, entry in enumerate(given):
        where = f"{path}.{i}"
        old = None
        if current is not None and entry.id is not None:
            old = current.get(entry.id)
            if old is None or any(p.id == entry.id for p in plans):
                item.fail(f"{where}.id", f"Enum {entry.id} is not an enum of this field.", "NotSupportedChoice")
                continue
        if entry.value.casefold() in values:
            item.fail(f"{where}.value", f"The enum '{entry.value}' is listed twice.", "NotUnique")
            continue
        values.add(entry.value.casefold())
        code = entry.code if entry.code is not None else (old.code if old is not None else None)
        if code and code.casefold() in codes:
            item.fail(f"{where}.code", f"The enum code '{code}' is listed twice.", "NotUnique")
            continue
        if code:
            codes.add(code.casefold())
        sort = entry.sort if entry.sort is not None else (old.sort if old is not None else (i + 1) * 10)
        plans.append(EnumPlan(old.id if old is not None else None, entry.value, sort, code))
    return plans


def _chained_lists(given: list[ChainedListIn] | None) -> list[dict[str, Any]]:
    return [{"title": c.title, "catalog_id": c.catalog_id, "parent_catalog_id": c.parent_catalog_id}
            for c in given or []]


def _settings(ctx: Context, field_type: str, given: dict[str, Any], current: dict[str, Any] | None
              ) -> dict[str, Any]:
    """Type-specific settings: remind, currency, search_in, tracking_callback, chained_lists. A new field
    (``current`` None) gets every setting of its type, defaults included."""
    settings = dict(current or {})
    new = current is None
    if field_type == "birthday" and ("remind" in given or new):
        settings["remind"] = given.get("remind")
    elif field_type == "monetary" and (given.get("currency") is not None or new):
        settings["currency"] = given.get("currency") or ctx.currency
    elif field_type == "linked_entity" and ("search_in" in given or new):
        settings["search_in"] = given.get("search_in")
    elif field_type == "tracking_data" and ("tracking_callback" in given or new):
        settings["tracking_callback"] = given.get("tracking_callback")
    elif field_type == "chained_list" and ("chained_lists" in given or new):
        settings["chained_lists"] = _chained_lists(given.get("chained_lists"))
    return settings


def _common(ctx: Context, item: _Item, data: FieldCommon, changes: dict[str, Any],
            current: CustomField | None) -> None:
    given = data.model_fields_set
    if data.sort is not None:
        changes["sort"] = data.sort
    if "group_id" in given:
        if data.group_id is not None and data.group_id not in ctx.groups:
            item.fail("group_id", f"No field group '{data.group_id}' of {ctx.entity_type}.", "NotSupportedChoice")
        else:
            changes["group_id"] = data.group_id
    if data.is_api_only is not None:
        changes["is_api_only"] = data.is_api_only
    if data.is_deletable is not None and not (current is not None and current.is_predefined):
        changes["is_deletable"] = data.is_deletable  # predefined fields stay undeletable
    if "required_statuses" in given:
        changes["required_statuses"] = _stages(ctx, item, data.required_statuses, "required_statuses")
    if "hidden_statuses" in given and ctx.entity_type == "leads":
        changes["hidden_statuses"] = _stages(ctx, item, data.hidden_statuses, "hidden_statuses")


def validate_new(ctx: Context, data: NewField, errors: Errors) -> FieldPlan | None:
    request_id = data.request_id or "0"
    item = _Item(errors, request_id)
    changes: dict[str, Any] = {
        "entity_type": ctx.entity_type, "type": data.type, "name": data.name,
        "code": _code(ctx, item, data.code, None), "sort": 500, "group_id": None, "is_api_only": False,
        "is_predefined": False, "is_deletable": True, "required_statuses": [], "hidden_statuses": [],
        "settings": _settings(ctx, data.type, data.settings_given(), None),
    }
    _common(ctx, item, data, changes, None)
    given = data.enum_items()
    enums = _enums(item, given, None) if given is not None else None
    return FieldPlan(request_id, changes, enums) if item.ok else None


def validate_change(ctx: Context, request_id: str, data: FieldPatch, current: CustomField,
                    errors: Errors) -> FieldPlan | None:
    item = _Item(errors, request_id)
    if data.type is not None and data.type != current.type:
        item.fail("type", "The type of a field cannot be changed.", "NotEditable")
    changes: dict[str, Any] = {}
    if data.name is not None:
        changes["name"] = data.name
    if "code" in data.model_fields_set and data.code != current.code:
        if current.is_predefined:
            item.fail("code", "The code of a predefined field cannot be changed.", "NotEditable")
        else:
            changes["code"] = _code(ctx, item, data.code, current.id)
    _common(ctx, item, data, changes, current)
    settings = _settings(ctx, current.type, data.settings_given(), current.settings or {})
    if settings != (current.settings or {}):
        changes["settings"] = settings
    enums: list[EnumPlan] | None = None
    given = data.enums if current.type in ENUM_TYPES else None
    if given is None and current.type == "category":
        given = data.nested
    if given is not None:
        existing = {e.id: e for e in ctx.enums.get(current.id, [])}
        enums = _enums(item, given, existing)
        if not given and current.type in ENUMS_REQUIRED:
            item.fail("enums", f"A {current.type} field needs at least one enum.", "NotBlank")
        elif current.is_predefined and len(enums) == len(given):
            kept = {p.id for p in enums}
            if any(e.code and e.id not in kept for e in existing.values()):
                item.fail("enums", "The coded enums of a predefined field cannot be removed.", "NotEditable")
    return FieldPlan(request_id, changes, enums, current) if item.ok else None
