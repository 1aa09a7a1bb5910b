"""``/api/v4/{leads|contacts|companies}/tags`` (spec §18).

Kommo documents PATCH (rename / recolour) for leads only; Kanbo allows it for all three entity types.
``DELETE /api/v4/{entity}/tags`` with ``[{"id": …}]`` is a Kanbo extension (admins only).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts.context import admin_context
from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import collection, created
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import Checked, batch, body, checked_batch, query, responses
from kanbo.models.tags import Tag
from kanbo.tags import service
from kanbo.tags.wire import (
    ENTITY_TYPES,
    TagChange,
    TagDelete,
    TagIn,
    TagList,
    TagOut,
    TagsPage,
    TagsWritten,
    TagUpdate,
    render_tag,
)

router = APIRouter(route_class=TxRoute)


def _written(ctx: Ctx, results: list[tuple[str, Tag]]) -> HalResponse:
    items = [{**render_tag(tag), "request_id": request_id} for request_id, tag in results]
    return created(ctx.request, "tags", items, extra={"_total_items": len(items)})


def _register(entity: str) -> None:
    base = f"/api/v4/{entity}/tags"

    @router.get(base, name=f"list_{entity}_tags", responses=responses(TagsPage, empty=True))
    async def list_tags(ctx: Ctx = Depends(api_context), params: TagList = query(TagList)) -> Response:
        q = params.list_query()
        tags, has_next = await service.list_tags(ctx.session, entity, params, q)
        return collection(ctx.request, "tags", [render_tag(tag) for tag in tags], q, has_next=has_next)

    @router.post(base, name=f"add_{entity}_tags", responses=responses(TagsWritten))
    async def add_tags(ctx: Ctx = Depends(api_context), items: list[TagIn] = batch(TagIn)) -> Response:
        return _written(ctx, await service.add_tags(ctx.session, ctx.principal, entity, items))

    @router.patch(base, name=f"update_{entity}_tags", responses=responses(TagsWritten))
    async def update_tags(ctx: Ctx = admin_context("rename, recolour or delete tags"),
                          data: Checked[TagUpdate] = checked_batch(TagUpdate)) -> Response:
        return _written(ctx, await service.update_tags(ctx.session, ctx.principal, entity, data.items,
                                                       errors=data.errors))

    @router.patch(base + "/{tag_id:id}", name=f"update_{entity}_tag", responses=responses(TagOut))
    async def update_tag(tag_id: int, ctx: Ctx = admin_context("rename, recolour or delete tags"),
                         data: TagChange = body(TagChange)) -> Response:
        item = TagUpdate.model_validate({**data.model_dump(exclude_unset=True), "id": tag_id, "request_id": "0"})
        ((_, tag),) = await service.update_tags(ctx.session, ctx.principal, entity, [item], single=True)
        return HalResponse(render_tag(tag))

    @router.delete(base, name=f"delete_{entity}_tags", responses=responses())
    async def delete_tags(ctx: Ctx = admin_context("rename, recolour or delete tags"),
                          data: Checked[TagDelete] = checked_batch(TagDelete)) -> Response:
        await service.delete_tags(ctx.session, ctx.principal, entity, data.items, data.errors)
        return no_content()


for _entity in ENTITY_TYPES:
    _register(_entity)
