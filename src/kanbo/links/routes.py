"""``/api/v4/{entity}/{id}/links``, ``/link``, ``/unlink`` and their batch forms (spec §17)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import BadRequest
from kanbo.entities.kinds import KINDS, EntityKind
from kanbo.entities.repository import get_visible
from kanbo.http.body import read_batch
from kanbo.http.hal import collection, created
from kanbo.http.query import as_int_list, as_list, parse_query_string
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
from kanbo.links import service
from kanbo.links.service import Link


def _filtered(links: list[Link], raw_filter: Any) -> list[Link]:
    if not isinstance(raw_filter, dict):
        return links
    if raw_filter.get("to_entity_id") not in (None, ""):
        wanted = set(as_int_list(raw_filter["to_entity_id"], "filter[to_entity_id]"))
        links = [link for link in links if link.to_entity_id in wanted]
    if raw_filter.get("to_entity_type") not in (None, ""):
        types = set(as_list(raw_filter["to_entity_type"], path="filter[to_entity_type]"))
        links = [link for link in links if link.to_entity_type in types]
    return links


def _router(kind: EntityKind) -> APIRouter:
    router = APIRouter(route_class=TxRoute)
    base = f"/api/v4/{kind.name}"

    @router.get(base + "/{entity_id:id}/links", name=f"links_of_{kind.name}")
    async def entity_links(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        if await get_visible(ctx.session, kind, ctx.principal, entity_id) is None:
            return no_content()
        params = parse_query_string(ctx.request.scope.get("query_string", b""))
        links = _filtered(await service.visible_links(ctx.session, ctx.principal, kind, [entity_id]),
                          params.get("filter"))
        items = [link.render(with_source=False) for link in links]
        return collection(ctx.request, "links", items, extra={"_total_items": len(items)})

    @router.get(base + "/links", name=f"links_{kind.name}")
    async def many_links(ctx: Ctx = Depends(api_context)) -> Response:
        params = parse_query_string(ctx.request.scope.get("query_string", b""))
        raw_filter = params.get("filter")
        raw: dict[str, Any] = raw_filter if isinstance(raw_filter, dict) else {}
        if raw.get("entity_id") in (None, ""):
            raise BadRequest("filter[entity_id] is required")
        ids = as_int_list(raw["entity_id"], "filter[entity_id]")[:250]
        links = _filtered(await service.visible_links(ctx.session, ctx.principal, kind, ids), raw)
        items = [link.render(with_source=True) for link in links]
        return collection(ctx.request, "links", items, extra={"_total_items": len(items)})

    @router.post(base + "/{entity_id:id}/link", name=f"link_one_{kind.name}")
    async def link_one(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        made = await service.link(ctx.session, ctx.principal, kind, await read_batch(ctx.request), entity_id)
        return created(ctx.request, "links", [link.render(with_source=True) for link in made])

    @router.post(base + "/link", name=f"link_{kind.name}")
    async def link_many(ctx: Ctx = Depends(api_context)) -> Response:
        made = await service.link(ctx.session, ctx.principal, kind, await read_batch(ctx.request))
        return created(ctx.request, "links", [link.render(with_source=True) for link in made])

    @router.post(base + "/{entity_id:id}/unlink", name=f"unlink_one_{kind.name}")
    async def unlink_one(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.unlink(ctx.session, ctx.principal, kind, await read_batch(ctx.request), entity_id)
        return no_content()

    @router.post(base + "/unlink", name=f"unlink_{kind.name}")
    async def unlink_many(ctx: Ctx = Depends(api_context)) -> Response:
        await service.unlink(ctx.session, ctx.principal, kind, await read_batch(ctx.request))
        return no_content()

    return router


router = APIRouter()
for _kind in KINDS.values():
    router.include_router(_router(_kind))
