"""One router per entity type, built from its :class:`EntitySpec` (spec §5.1, §6.1, §24 trash)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.custom_fields.values import load_catalog
from kanbo.entities import repository, service
from kanbo.entities.answers_wire import EntityPatchedOut
from kanbo.entities.spec import EntitySpec, ReadContext
from kanbo.entities.users import users_map
from kanbo.entities.wire import (
    EntityIdItem,
    EntityIn,
    EntityList,
    EntityWith,
    id_batch,
    render_entity,
    write_result,
)
from kanbo.http.hal import collection, created, item
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.tags.service import tags_for


async def read_context(ctx: Ctx, spec: EntitySpec, with_: frozenset[str]) -> ReadContext:
    return ReadContext(request=ctx.request, session=ctx.session, principal=ctx.principal,
                       users=await users_map(ctx.session), catalog=await load_catalog(ctx.session, spec.kind.name),
                       with_=with_)


async def render_rows(read: ReadContext, spec: EntitySpec, rows: list[Any]) -> list[dict[str, Any]]:
    """Render a page: one query per embedded kind of data, whatever the number of rows."""
    if not rows:
        return []
    if "only_deleted" in read.with_:
        return [render_entity(read, spec.kind, row, []) for row in rows]
    await spec.preload(read, rows)
    tags = await tags_for(read.session, spec.kind.name, [row.id for row in rows])
    rendered = []
    for row in rows:
        extra: dict[str, Any] = {}
        spec.render_extra(read, row, extra)
        embedded = extra.pop("_embedded", {})
        leading = extra.pop("_leading", {})
        body = render_entity(read, spec.kind, row, tags.get(row.id, []), leading)
        body.update(extra)
        body["_embedded"].update(embedded)
        rendered.append(body)
    return rendered


def make_router(spec: EntitySpec) -> APIRouter:
    router = APIRouter(route_class=TxRoute)
    name = spec.kind.name
    base = f"/api/v4/{name}"
    models = spec.wire

    @router.get(base, name=f"list_{name}", responses=responses(models.page, empty=True))
    async def list_entities(ctx: Ctx = Depends(api_context), params: EntityList = query(models.params)) -> Response:
        q = params.list_query()
        read = await read_context(ctx, spec, q.with_)
        statement = repository.list_statement(
            spec.kind, ctx.principal, q, params.filter, read.catalog, text=params.query,
            modified_since=repository.if_modified_since(ctx.request.headers.get("if-modified-since")),
            extra=spec.extra_filters)
        rows, has_next = await repository.fetch_page(ctx.session, statement, q.limit)
        return collection(ctx.request, name, await render_rows(read, spec, rows), q, has_next=has_next)

    @router.get(base + "/{entity_id:id}", name=f"get_{name}", responses=responses(models.item, empty=True))
    async def get_entity(entity_id: int, ctx: Ctx = Depends(api_context),
                         params: EntityWith = query(EntityWith)) -> Response:
        with_ = frozenset(params.with_)
        row = await repository.get_visible(ctx.session, spec.kind, ctx.principal, entity_id,
                                           include_deleted="only_deleted" in with_)
        if row is None:
            return no_content()
        read = await read_context(ctx, spec, with_)
        return item(ctx.request, (await render_rows(read, spec, [row]))[0])

    @router.post(base, name=f"add_{name}", responses=responses(models.added))
    async def add_entities(ctx: Ctx = Depends(api_context), items: list[EntityIn] = batch(models.new)) -> Response:
        results = await service.add(ctx.session, ctx.principal, spec, items)
        return created(ctx.request, name, [write_result(ctx.request, name, rid, row, updated=False)
                                           for rid, row in results])

    @router.patch(base, name=f"update_{name}", responses=responses(models.updated))
    async def update_entities(ctx: Ctx = Depends(api_context),
                              items: list[EntityIn] = batch(models.update)) -> Response:
        results = await service.update_many(ctx.session, ctx.principal, spec, items)
        return created(ctx.request, name, [write_result(ctx.request, name, rid, row, updated=True)
                                           for rid, row in results])

    @router.patch(base + "/{entity_id:id}", name=f"update_one_{name}", responses=responses(EntityPatchedOut))
    async def update_entity(entity_id: int, ctx: Ctx = Depends(api_context),
                            data: EntityIn = body(models.new)) -> Response:
        data.request_id = "0"  # a request_id in the body is accepted, not echoed (client-tolerance 21)
        results = await service.update_many(ctx.session, ctx.principal, spec, [data], fixed_id=entity_id)
        answer = write_result(ctx.request, name, "0", results[0][1], updated=True)
        answer.pop("request_id")
        return HalResponse(answer)

    @router.delete(base + "/{entity_id:id}", name=f"delete_{name}", responses=responses())
    async def delete_entity(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.trash(ctx.session, ctx.principal, spec, [entity_id])
        return no_content()

    @router.delete(base, name=f"delete_many_{name}", responses=responses())
    async def delete_entities(ctx: Ctx = Depends(api_context), items: list[EntityIdItem] = id_batch()) -> Response:
        await service.trash(ctx.session, ctx.principal, spec, [entry.id for entry in items])
        return no_content()

    @router.post(base + "/{entity_id:id}/restore", name=f"restore_{name}", responses=responses(models.full, empty=True))
    async def restore_entity(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.restore(ctx.session, ctx.principal, spec, [entity_id])
        row = await repository.get_visible(ctx.session, spec.kind, ctx.principal, entity_id)
        if row is None:
            return no_content()
        read = await read_context(ctx, spec, frozenset())
        return item(ctx.request, (await render_rows(read, spec, [row]))[0])

    return router
