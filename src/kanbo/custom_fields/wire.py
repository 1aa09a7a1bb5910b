"""Custom fields on the wire (spec §12): paths, rendering, the batch reader of definitions and groups, and
the typed ``custom_fields_values`` item entity writes may use (:class:`CustomFieldValueIn`).

The models of definitions live in :mod:`.field_wire`, those of groups in :mod:`.group_wire`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Request
from pydantic import BeforeValidator, Field

from kanbo.custom_fields.types import ADDRESS_PARTS, ENUM_TYPES, as_text
from kanbo.http.hal import href
from kanbo.http.wire import BatchItem, Id, WireModel
from kanbo.models.custom_fields import CustomField, CustomFieldEnum, CustomFieldGroup

T = TypeVar("T", bound=BatchItem)


def fields_path(entity_type: str) -> str:
    return f"/api/v4/{entity_type}/custom_fields"


def field_path(entity_type: str, field_id: int) -> str:
    return f"{fields_path(entity_type)}/{field_id}"


def groups_path(entity_type: str) -> str:
    return f"{fields_path(entity_type)}/groups"


def group_path(entity_type: str, group_id: str) -> str:
    return f"{groups_path(entity_type)}/{group_id}"


def render_enums(field: CustomField, enums: list[CustomFieldEnum]) -> list[dict[str, Any]] | None:
    if field.type == "smart_address":
        return [{"id": part_id, "value": code, "sort": part_id, "code": code} for part_id, code in ADDRESS_PARTS]
    if field.type not in ENUM_TYPES:
        return None
    return [{"id": e.id, "value": e.value, "sort": e.sort, "code": e.code} for e in enums]


def render_field(request: Request, field: CustomField, enums: list[CustomFieldEnum]) -> dict[str, Any]:
    settings = field.settings or {}
    body: dict[str, Any] = {
        "id": field.id,
        "name": field.name,
        "type": field.type,
        "account_id": field.account_id,
        "code": field.code,
        "sort": field.sort,
        "is_api_only": field.is_api_only,
        "enums": render_enums(field, enums),
        "group_id": field.group_id,
        "required_statuses": list(field.required_statuses or []),
        "is_deletable": field.is_deletable,
        "is_predefined": field.is_predefined,
        "entity_type": field.entity_type,
    }
    if field.entity_type == "leads":
        body["hidden_statuses"] = list(field.hidden_statuses or [])
        body["is_computed"] = False
    if field.type == "birthday":
        body["remind"] = settings.get("remind")
    elif field.type == "monetary":
        body["currency"] = settings.get("currency")
    elif field.type == "linked_entity":
        body["search_in"] = settings.get("search_in")
    elif field.type == "tracking_data":
        body["tracking_callback"] = settings.get("tracking_callback")
    elif field.type == "chained_list":
        body["chained_lists"] = list(settings.get("chained_lists") or [])
    elif field.type == "category":
        body["nested"] = [{"id": e.id, "parent_id": None, "value": e.value, "sort": e.sort} for e in enums]
    body["_links"] = {"self": href(request, field_path(field.entity_type, field.id))}
    return body


def render_group(request: Request, group: CustomFieldGroup, field_ids: list[int]) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "sort": group.sort,
        "entity_type": group.entity_type,
        "is_predefined": group.is_predefined,
        "type": group.type,
        "fields": field_ids,
        "_links": {"self": href(request, group_path(group.entity_type, group.id))},
    }


# custom_fields_values of leads, contacts and companies ---------------------------------------------

def number_is_text(value: Any) -> Any:
    """A number where a text is expected is taken as its text."""
    text = as_text(value) if value is not None else None
    return value if text is None else text


def _one_is_many(value: Any) -> Any:
    return [value] if isinstance(value, Mapping) else value


class FieldValueIn(WireModel):
    """One element of ``values``. What it must hold depends on the field's type, checked against the
    definition by :func:`kanbo.custom_fields.values.write_values` (spec §12.4)."""

    value: Any = Field(None, description="Text, number, boolean, a unix timestamp or an RFC 3339 date, an "
                                         "enum's text, or an object (legal_entity, items, linked_entity, file, "
                                         "payer, supplier, chained_list)")
    enum_id: Id | None = Field(None, description="select, multiselect, radiobutton, category, multitext, "
                                                 "smart_address (1..6)")
    enum_code: Annotated[str | None, BeforeValidator(number_is_text)] = None
    catalog_id: Id | None = Field(None, description="chained_list")
    catalog_element_id: Id | None = Field(None, description="chained_list")


class CustomFieldValueIn(WireModel):
    """One item of an entity's ``custom_fields_values`` on write: the field by ``field_id`` or ``field_code``
    (a missing or unknown field is reported by ``write_values``). ``values`` replaces the field's values
    (one object is a list of one); ``null`` or ``[]`` clears the field. Keys echoed from a read
    (``field_name``, ``field_type``) are ignored."""

    field_id: Id | None = None
    field_code: str | None = None
    values: Annotated[list[FieldValueIn] | None, BeforeValidator(_one_is_many)] = Field(...)

    def raw(self) -> dict[str, Any]:
        """The item as :func:`kanbo.custom_fields.values.write_values` reads it."""
        values = None if self.values is None else [v.model_dump(exclude_none=True) for v in self.values]
        return {"field_id": self.field_id, "field_code": self.field_code, "values": values}
