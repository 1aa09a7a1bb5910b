"""``/api/v4/{leads|contacts|companies}/custom_fields[/{id}]`` and ``…/custom_fields/groups[/{id}]`` (§12.1).

Routes are registered per entity type with literal paths and ``{field_id:int}``, so they never shadow
the entity routers (``/api/v4/leads/{id}``) registered after this one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts.context import admin_context
from kanbo.auth.context import Ctx, api_context
from kanbo.custom_fields import groups as group_service
from kanbo.custom_fields import service
from kanbo.custom_fields.field_wire import (
    FieldIn,
    FieldList,
    FieldOut,
    FieldPatch,
    FieldsPage,
    FieldsWritten,
    FieldUpdate,
    NewField,
)
from kanbo.custom_fields.group_wire import GroupIn, GroupList, GroupOut, GroupPatch, GroupsPage, GroupsWritten
from kanbo.custom_fields.types import ENTITY_TYPES
from kanbo.custom_fields.wire import fields_path, groups_path, render_field, render_group
from kanbo.http.hal import collection, href
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import Checked, body, checked_batch, query, responses

router = APIRouter(route_class=TxRoute)
ADMIN = admin_context(service.ADMIN_ACTION)  # definitions and groups change by admins only


def _field_items(ctx: Ctx, views: list[service.FieldView]) -> list[dict[str, Any]]:
    items = []
    for view in views:
        body = render_field(ctx.request, view.field, view.enums)
        if view.request_id is not None:
            body["request_id"] = view.request_id
        items.append(body)
    return items


def _group_items(ctx: Ctx, views: list[group_service.GroupView]) -> list[dict[str, Any]]:
    items = []
    for view in views:
        body = render_group(ctx.request, view.group, view.fields)
        if view.request_id is not None:
            body["request_id"] = view.request_id
        items.append(body)
    return items


def _batch_answer(ctx: Ctx, path: str, key: str, items: list[dict[str, Any]]) -> HalResponse:
    return HalResponse({"_total_items": len(items), "_links": {"self": href(ctx.request, path)},
                        "_embedded": {key: items}})


def _register(entity: str) -> None:
    base = fields_path(entity)
    groups = groups_path(entity)

    # Groups first: literal paths, then the int-typed field routes.
    @router.get(groups, name=f"{entity}_custom_field_groups", responses=responses(GroupsPage, empty=True))
    async def list_groups(ctx: Ctx = Depends(api_context), params: GroupList = query(GroupList)) -> Response:
        q = params.list_query()
        views, total = await group_service.list_groups(ctx.session, entity, offset=q.offset, limit=q.limit)
        return collection(ctx.request, "custom_field_groups", _group_items(ctx, views), q,
                          has_next=q.offset + len(views) < total, total=total)

    @router.get(groups + "/{group_id}", name=f"{entity}_custom_field_group", responses=responses(GroupOut, empty=True))
    async def get_group(group_id: str, ctx: Ctx = Depends(api_context)) -> Response:
        view = await group_service.get_group(ctx.session, entity, group_id)
        if view is None:
            return no_content()
        return HalResponse(_group_items(ctx, [view])[0])

    @router.post(groups, name=f"{entity}_add_custom_field_groups", responses=responses(GroupsWritten))
    async def add_groups(ctx: Ctx = ADMIN,
                         items: Checked[GroupIn] = checked_batch(GroupIn, GroupIn.model_validate)) -> Response:
        views = await group_service.add_groups(ctx.session, ctx.principal, entity, items.items, items.errors)
        return _batch_answer(ctx, groups, "custom_field_groups", _group_items(ctx, views))

    @router.patch(groups + "/{group_id}", name=f"{entity}_update_custom_field_group",
                  responses=responses(GroupOut))
    async def update_group(group_id: str, ctx: Ctx = ADMIN,
                           data: GroupPatch = body(GroupPatch)) -> Response:
        view = await group_service.update_group(ctx.session, ctx.principal, entity, group_id, data)
        return HalResponse(_group_items(ctx, [view])[0])

    @router.delete(groups + "/{group_id}", name=f"{entity}_delete_custom_field_group", responses=responses())
    async def delete_group(group_id: str, ctx: Ctx = ADMIN) -> Response:
        await group_service.delete_group(ctx.session, ctx.principal, entity, group_id)
        return no_content()

    @router.get(base, name=f"{entity}_custom_fields", responses=responses(FieldsPage, empty=True))
    async def list_fields(ctx: Ctx = Depends(api_context), params: FieldList = query(FieldList)) -> Response:
        q = params.list_query()
        views, total = await service.list_fields(ctx.session, entity, types=params.filter.type,
                                                 ids=params.filter.id, order=q.order, offset=q.offset,
                                                 limit=q.limit)
        return collection(ctx.request, "custom_fields", _field_items(ctx, views), q,
                          has_next=q.offset + len(views) < total, total=total)

    @router.get(base + "/{field_id:int}", name=f"{entity}_custom_field", responses=responses(FieldOut, empty=True))
    async def get_field(field_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        view = await service.get_field(ctx.session, entity, field_id)
        if view is None:
            return no_content()
        return HalResponse(_field_items(ctx, [view])[0])

    @router.post(base, name=f"{entity}_add_custom_fields", responses=responses(FieldsWritten))
    async def add_fields(ctx: Ctx = ADMIN, items: Checked[NewField] = checked_batch(
            FieldIn, FieldIn.parse_item, FieldIn.item_errors)) -> Response:
        views = await service.add_fields(ctx.session, ctx.principal, entity, items.items, items.errors)
        return _batch_answer(ctx, base, "custom_fields", _field_items(ctx, views))

    @router.patch(base, name=f"{entity}_update_custom_fields", responses=responses(FieldsWritten))
    async def update_fields(ctx: Ctx = ADMIN,
                            items: Checked[FieldUpdate] = checked_batch(FieldUpdate, FieldUpdate.model_validate)
                            ) -> Response:
        views = await service.update_fields(ctx.session, ctx.principal, entity, items.items, items.errors)
        return _batch_answer(ctx, base, "custom_fields", _field_items(ctx, views))

    @router.patch(base + "/{field_id:int}", name=f"{entity}_update_custom_field", responses=responses(FieldOut))
    async def update_field(field_id: int, ctx: Ctx = ADMIN,
                           data: FieldPatch = body(FieldPatch)) -> Response:
        view = await service.update_field(ctx.session, ctx.principal, entity, field_id, data)
        return HalResponse(_field_items(ctx, [view])[0])

    @router.delete(base + "/{field_id:int}", name=f"{entity}_delete_custom_field", responses=responses())
    async def delete_field(field_id: int, ctx: Ctx = ADMIN) -> Response:
        await service.delete_field(ctx.session, ctx.principal, entity, field_id)
        return no_content()


for _entity in ENTITY_TYPES:
    _register(_entity)
