"""Field and field-group objects on the wire (spec §12.2, §12.5, §21 #3)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kanbo.custom_fields.types import ADDRESS_PARTS, ENUM_TYPES
from kanbo.http.hal import href
from kanbo.models.custom_fields import CustomField, CustomFieldEnum, CustomFieldGroup


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
