"""The parts of lead, contact and company objects that are the same for all three (spec §5.2, §6.2)."""

from __future__ import annotations

from typing import Any

from kanbo.custom_fields.values import render_values
from kanbo.entities.kinds import EntityKind
from kanbo.entities.spec import ReadContext
from kanbo.http.hal import href


def entity_path(kind_name: str, entity_id: int) -> str:
    return f"/api/v4/{kind_name}/{entity_id}"


def link_item(ctx: ReadContext, kind_name: str, entity_id: int, **extra: Any) -> dict[str, Any]:
    return {"id": entity_id, **extra, "_links": {"self": href(ctx.request, entity_path(kind_name, entity_id))}}


def render_entity(ctx: ReadContext, kind: EntityKind, row: Any, tags: list[dict[str, Any]],
                  leading: dict[str, Any] | None = None) -> dict[str, Any]:
    """Shared keys in Kommo's order; ``leading`` holds kind-specific keys that come right after ``name``."""
    if ctx.with_ and "only_deleted" in ctx.with_:
        return {"id": row.id, "updated_at": row.updated_at, "is_deleted": True,
                "_links": {"self": href(ctx.request, entity_path(kind.name, row.id))}}
    user = ctx.users.get(row.responsible_user_id)
    body: dict[str, Any] = {"id": row.id, "name": row.name}
    body.update(leading or {})
    body.update({
        "responsible_user_id": row.responsible_user_id,
        "group_id": (user.group_id if user and user.group_id is not None else 0),
        "created_by": row.created_by,
        "updated_by": row.updated_by,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "closest_task_at": row.closest_task_at,
        "is_deleted": row.is_deleted,
        "custom_fields_values": render_values(ctx.catalog, row.custom_fields),
        "account_id": row.account_id,
        "_links": {"self": href(ctx.request, entity_path(kind.name, row.id))},
        "_embedded": {"tags": tags},
    })
    return body


def write_result(ctx_request: Any, kind_name: str, request_id: str, row: Any, *, updated: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row.id}
    if updated:
        body["updated_at"] = row.updated_at
    body["request_id"] = request_id
    body["_links"] = {"self": href(ctx_request, entity_path(kind_name, row.id))}
    return body
