"""``/api/v4/{entity}/{id}/links``, ``/link``, ``/unlink`` and their batch forms (spec §17)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.entities.kinds import KINDS, EntityKind
from kanbo.entities.repository import get_visible
from kanbo.http.hal import collection, created
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, query, responses
from kanbo.links import service
from kanbo.links.service import Link
from kanbo.links.wire import (
    LINK_MODELS,
    EntityLinksPage,
    EntityLinksQuery,
    LinkIn,
    LinksFilter,
    LinksPage,
    LinksQuery,
    LinksWritten,
)

#: ``GET /api/v4/{entity}/links`` reads the links of at most this many entities.
MAX_ENTITIES = 250


def _filtered(links: list[Link], wanted: LinksFilter) -> list[Link]:
    if wanted.to_entity_id:
        ids = set(wanted.to_entity_id)
        links = [link for link in links if link.to_entity_id in ids]
    if wanted.to_entity_type:
        types = set(wanted.to_entity_type)
        links = [link for link in links if link.to_entity_type in types]
    return links


def _router(kind: EntityKind) -> APIRouter:
    router = APIRouter(route_class=TxRoute)
    base = f"/api/v4/{kind.name}"
    one, many = LINK_MODELS[kind.name]

    @router.get(base + "/{entity_id:id}/links", name=f"links_of_{kind.name}",
                responses=responses(LinksPage, empty=True))
    async def entity_links(entity_id: int, ctx: Ctx = Depends(api_context),
                           params: LinksQuery = query(LinksQuery)) -> Response:
        if await get_visible(ctx.session, kind, ctx.principal, entity_id) is None:
            return no_content()
        links = _filtered(await service.visible_links(ctx.session, ctx.principal, kind, [entity_id]), params.filter)
        items = [link.render(with_source=False) for link in links]
        return collection(ctx.request, "links", items, extra={"_total_items": len(items)})

    @router.get(base + "/links", name=f"links_{kind.name}", responses=responses(EntityLinksPage, empty=True))
    async def many_links(ctx: Ctx = Depends(api_context),
                         params: EntityLinksQuery = query(EntityLinksQuery)) -> Response:
        ids = params.filter.entity_id[:MAX_ENTITIES]
        links = _filtered(await service.visible_links(ctx.session, ctx.principal, kind, ids), params.filter)
        items = [link.render(with_source=True) for link in links]
        return collection(ctx.request, "links", items, extra={"_total_items": len(items)})

    @router.post(base + "/{entity_id:id}/link", name=f"link_one_{kind.name}", responses=responses(LinksWritten))
    async def link_one(entity_id: int, ctx: Ctx = Depends(api_context), items: list[LinkIn] = batch(one)) -> Response:
        made = await service.link(ctx.session, ctx.principal, kind, items, entity_id)
        return created(ctx.request, "links", [link.render(with_source=True) for link in made])

    @router.post(base + "/link", name=f"link_{kind.name}", responses=responses(LinksWritten))
    async def link_many(ctx: Ctx = Depends(api_context), items: list[LinkIn] = batch(many)) -> Response:
        made = await service.link(ctx.session, ctx.principal, kind, items)
        return created(ctx.request, "links", [link.render(with_source=True) for link in made])

    @router.post(base + "/{entity_id:id}/unlink", name=f"unlink_one_{kind.name}", responses=responses())
    async def unlink_one(entity_id: int, ctx: Ctx = Depends(api_context), items: list[LinkIn] = batch(one)) -> Response:
        await service.unlink(ctx.session, ctx.principal, kind, items, entity_id)
        return no_content()

    @router.post(base + "/unlink", name=f"unlink_{kind.name}", responses=responses())
    async def unlink_many(ctx: Ctx = Depends(api_context), items: list[LinkIn] = batch(many)) -> Response:
        await service.unlink(ctx.session, ctx.principal, kind, items)
        return no_content()

    return router


router = APIRouter()
for _kind in KINDS.values():
    router.include_router(_router(_kind))
