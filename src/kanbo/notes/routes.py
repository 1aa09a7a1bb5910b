"""``/api/v4/{leads|contacts|companies}/notes`` and ``/api/v4/{entity}/{id}/notes`` (spec §10.1).

Register this router before the entity routers. Extension: ``DELETE …/notes/{id}`` of a common note.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.entities.kinds import KINDS, EntityKind
from kanbo.entities.repository import if_modified_since
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, created, item
from kanbo.http.query import as_list, parse_list_query, parse_query_string
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.notes import service
from kanbo.notes.wire import render_note, write_result

KEY = "notes"


def _with(ctx: Ctx) -> frozenset[str]:
    return frozenset(as_list(parse_query_string(ctx.request.scope.get("query_string", b"")).get("with")))


def make_router(kind: EntityKind) -> APIRouter:
    router = APIRouter(route_class=TxRoute)
    name = kind.name
    base = f"/api/v4/{name}"

    async def list_page(ctx: Ctx, entity_id: int | None) -> Response:
        query = parse_list_query(ctx.request.scope.get("query_string", b""), orderable=service.ORDERABLE)
        notes, has_next = await service.list_notes(
            ctx.session, ctx.principal, kind, query, entity_id=entity_id,
            modified_since=if_modified_since(ctx.request.headers.get("if-modified-since")))
        groups = await service.groups_of(ctx.session, notes)
        pinned = query.has("is_pinned")
        items = [render_note(ctx.request, note, groups, with_pinned=pinned) for note in notes]
        return collection(ctx.request, KEY, items, query, has_next=has_next)

    async def one(ctx: Ctx, note_id: int, entity_id: int | None) -> Response:
        note = await service.get_note(ctx.session, ctx.principal, kind, note_id, entity_id)
        if note is None:
            return no_content()
        groups = await service.groups_of(ctx.session, [note])
        return item(ctx.request, render_note(ctx.request, note, groups, with_pinned="is_pinned" in _with(ctx)))

    async def add(ctx: Ctx, entity_id: int | None) -> Response:
        items = await read_batch(ctx.request)
        results = await service.add_notes(ctx.session, ctx.principal, kind, items, entity_id=entity_id)
        return created(ctx.request, KEY, [write_result(ctx.request, note, rid, updated=False) for rid, note in results])

    async def edit_one(ctx: Ctx, note_id: int, entity_id: int | None) -> Response:
        data = await read_object(ctx.request)
        results = await service.update_notes(ctx.session, ctx.principal, kind, [("0", data)], note_id=note_id,
                                             entity_id=entity_id)
        return HalResponse(write_result(ctx.request, results[0][1], None, updated=True))

    @router.get(base + "/notes", name=f"list_{name}_notes")
    async def list_all(ctx: Ctx = Depends(api_context)) -> Response:
        return await list_page(ctx, None)

    @router.get(base + "/{entity_id:id}/notes", name=f"list_{name}_entity_notes")
    async def list_of_entity(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await list_page(ctx, entity_id)

    @router.get(base + "/notes/{note_id:id}", name=f"get_{name}_note")
    async def get_note(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await one(ctx, note_id, None)

    @router.get(base + "/{entity_id:id}/notes/{note_id:id}", name=f"get_{name}_entity_note")
    async def get_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await one(ctx, note_id, entity_id)

    @router.post(base + "/notes", name=f"add_{name}_notes")
    async def add_notes(ctx: Ctx = Depends(api_context)) -> Response:
        return await add(ctx, None)

    @router.post(base + "/{entity_id:id}/notes", name=f"add_{name}_entity_notes")
    async def add_entity_notes(entity_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await add(ctx, entity_id)

    @router.patch(base + "/notes", name=f"update_{name}_notes")
    async def update_notes(ctx: Ctx = Depends(api_context)) -> Response:
        items = await read_batch(ctx.request)
        results = await service.update_notes(ctx.session, ctx.principal, kind, items)
        return created(ctx.request, KEY, [write_result(ctx.request, note, rid, updated=True) for rid, note in results])

    @router.patch(base + "/notes/{note_id:id}", name=f"update_{name}_note")
    async def update_note(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await edit_one(ctx, note_id, None)

    @router.patch(base + "/{entity_id:id}/notes/{note_id:id}", name=f"update_{name}_entity_note")
    async def update_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        return await edit_one(ctx, note_id, entity_id)

    @router.post(base + "/notes/{note_id:id}/pin", name=f"pin_{name}_note")
    async def pin(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.set_pinned(ctx.session, ctx.principal, kind, note_id, True)
        return no_content()

    @router.post(base + "/notes/{note_id:id}/unpin", name=f"unpin_{name}_note")
    async def unpin(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.set_pinned(ctx.session, ctx.principal, kind, note_id, False)
        return no_content()

    @router.delete(base + "/notes/{note_id:id}", name=f"delete_{name}_note")
    async def delete_note(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.delete_note(ctx.session, ctx.principal, kind, note_id)
        return no_content()

    @router.delete(base + "/{entity_id:id}/notes/{note_id:id}", name=f"delete_{name}_entity_note")
    async def delete_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.delete_note(ctx.session, ctx.principal, kind, note_id, entity_id)
        return no_content()

    return router


router = APIRouter()
for _kind in KINDS.values():
    router.include_router(make_router(_kind))
