"""``/api/v4/{leads|contacts|companies}/tags`` (spec §18).

Kommo documents PATCH (rename / recolour) for leads only; Kanbo allows it for all three entity types.
``DELETE /api/v4/{entity}/tags`` with ``[{"id": …}]`` is a Kanbo extension (admins only).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, href
from kanbo.http.query import parse_list_query
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.tags import Tag
from kanbo.tags import service
from kanbo.tags.wire import ENTITY_TYPES, render_tag

router = APIRouter(route_class=TxRoute)


def _written(ctx: Ctx, entity: str, results: list[tuple[str, Tag]]) -> HalResponse:
    items: list[dict[str, Any]] = [{**render_tag(tag), "request_id": request_id} for request_id, tag in results]
    return HalResponse({"_total_items": len(items), "_links": {"self": href(ctx.request, f"/api/v4/{entity}/tags")},
                        "_embedded": {"tags": items}})


def _register(entity: str) -> None:
    base = f"/api/v4/{entity}/tags"

    @router.get(base, name=f"list_{entity}_tags")
    async def list_tags(ctx: Ctx = Depends(api_context)) -> Response:
        query = parse_list_query(ctx.request.scope.get("query_string", b""))
        tags, has_next = await service.list_tags(ctx.session, entity, query)
        return collection(ctx.request, "tags", [render_tag(tag) for tag in tags], query, has_next=has_next)

    @router.post(base, name=f"add_{entity}_tags")
    async def add_tags(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        return _written(ctx, entity, await service.add_tags(ctx.session, ctx.principal, entity, items))

    @router.patch(base, name=f"update_{entity}_tags")
    async def update_tags(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        return _written(ctx, entity, await service.update_tags(ctx.session, ctx.principal, entity, items))

    @router.patch(base + "/{tag_id:int}", name=f"update_{entity}_tag")
    async def update_tag(tag_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        data = await read_object(ctx.request)
        ((_, tag),) = await service.update_tags(ctx.session, ctx.principal, entity, [("0", {**data, "id": tag_id})],
                                                single=True)
        return HalResponse(render_tag(tag))

    @router.delete(base, name=f"delete_{entity}_tags")
    async def delete_tags(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        await service.delete_tags(ctx.session, ctx.principal, entity, items)
        return no_content()


for _entity in ENTITY_TYPES:
    _register(_entity)
