"""``/api/v4/{leads|contacts|companies}/custom_fields[/{id}]`` and ``…/custom_fields/groups[/{id}]`` (§12.1).

Routes are registered per entity type with literal paths and ``{field_id:int}``, so they never shadow
the entity routers (``/api/v4/leads/{id}``) registered after this one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.custom_fields import groups as group_service
from kanbo.custom_fields import service
from kanbo.custom_fields.types import ENTITY_TYPES
from kanbo.custom_fields.wire import fields_path, groups_path, render_field, render_group
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, href
from kanbo.http.query import as_int_list, as_list, parse_list_query
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute

router = APIRouter(route_class=TxRoute)


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
    @router.get(groups, name=f"{entity}_custom_field_groups")
    async def list_groups(ctx: Ctx = Depends(api_context)) -> Response:
        query = parse_list_query(ctx.request.scope.get("query_string", b""))
        views, total = await group_service.list_groups(ctx.session, entity, offset=query.offset, limit=query.limit)
        return collection(ctx.request, "custom_field_groups", _group_items(ctx, views), query,
                          has_next=query.offset + len(views) < total, total=total)

    @router.get(groups + "/{group_id}", name=f"{entity}_custom_field_group")
    async def get_group(group_id: str, ctx: Ctx = Depends(api_context)) -> Response:
        view = await group_service.get_group(ctx.session, entity, group_id)
        if view is None:
            return no_content()
        return HalResponse(_group_items(ctx, [view])[0])

    @router.post(groups, name=f"{entity}_add_custom_field_groups")
    async def add_groups(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        views = await group_service.add_groups(ctx.session, ctx.principal, entity, items)
        return _batch_answer(ctx, groups, "custom_field_groups", _group_items(ctx, views))

    @router.patch(groups + "/{group_id}", name=f"{entity}_update_custom_field_group")
    async def update_group(group_id: str, ctx: Ctx = Depends(api_context)) -> Response:
        data = await read_object(ctx.request)
        view = await group_service.update_group(ctx.session, ctx.principal, entity, group_id, data)
        return HalResponse(_group_items(ctx, [view])[0])

    @router.delete(groups + "/{group_id}", name=f"{entity}_delete_custom_field_group")
    async def delete_group(group_id: str, ctx: Ctx = Depends(api_context)) -> Response:
        await group_service.delete_group(ctx.session, ctx.principal, entity, group_id)
        return no_content()

    @router.get(base, name=f"{entity}_custom_fields")
    async def list_fields(ctx: Ctx = Depends(api_context)) -> Response:
        query = parse_list_query(ctx.request.scope.get("query_string", b""), orderable=("sort", "id"))
        types = as_list(query.filter.get("type"), path="filter[type]")
        ids = as_int_list(query.filter["id"], "filter[id]") if "id" in query.filter else None
        views, total = await service.list_fields(ctx.session, entity, types=types, ids=ids, order=query.order,
                                                 offset=query.offset, limit=query.limit)
        return collection(ctx.request, "custom_fields", _field_items(ctx, views), query,
                          has_next=query.offset + len(views) < total, total=total)

    @router.get(base + "/{field_id:int}", name=f"{entity}_custom_field")
    async def get_field(field_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        view = await service.get_field(ctx.session, entity, field_id)
        if view is None:
            return no_content()
        return HalResponse(_field_items(ctx, [view])[0])

    @router.post(base, name=f"{entity}_add_custom_fields")
    async def add_fields(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        views = await service.add_fields(ctx.session, ctx.principal, entity, items)
        return _batch_answer(ctx, base, "custom_fields", _field_items(ctx, views))

    @router.patch(base, name=f"{entity}_update_custom_fields")
    async def update_fields(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        views = await service.update_fields(ctx.session, ctx.principal, entity, items)
        return _batch_answer(ctx, base, "custom_fields", _field_items(ctx, views))

    @router.patch(base + "/{field_id:int}", name=f"{entity}_update_custom_field")
    async def update_field(field_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        data = await read_object(ctx.request)
        views = await service.update_fields(ctx.session, ctx.principal, entity, [("0", data)], path_id=field_id)
        views[0].request_id = None
        return HalResponse(_field_items(ctx, views)[0])

    @router.delete(base + "/{field_id:int}", name=f"{entity}_delete_custom_field")
    async def delete_field(field_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.delete_field(ctx.session, ctx.principal, entity, field_id)
        return no_content()


for _entity in ENTITY_TYPES:
    _register(_entity)
