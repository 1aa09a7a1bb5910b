"""``/api/v4/{leads|contacts|companies}/notes`` and ``/api/v4/{entity}/{id}/notes`` (spec §10.1).

Register this router before the entity routers. Extension: ``DELETE …/notes/{id}`` of a common note.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.entities.kinds import KINDS, EntityKind
from kanbo.entities.repository import if_modified_since
from kanbo.http.hal import collection, created, item
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.notes import service
from kanbo.notes.wire import (
    NoteEdit,
    NoteGet,
    NoteIn,
    NoteOut,
    NotesAddItem,
    NotesEditItem,
    NotesList,
    NotesPage,
    NotesWritten,
    NoteWritten,
    render_note,
    write_result,
)

KEY = "notes"


def make_router(kind: EntityKind) -> APIRouter:
    router = APIRouter(route_class=TxRoute)
    name = kind.name
    base = f"/api/v4/{name}"

    async def list_page(ctx: Ctx, params: NotesList, entity_id: int | None) -> Response:
        query = params.list_query()
        notes, has_next = await service.list_notes(
            ctx.session, ctx.principal, kind, query, params.filter, entity_id=entity_id,
            modified_since=if_modified_since(ctx.request.headers.get("if-modified-since")))
        groups = await service.groups_of(ctx.session, notes)
        pinned = query.has("is_pinned")
        items = [render_note(ctx.request, note, groups, with_pinned=pinned) for note in notes]
        return collection(ctx.request, KEY, items, query, has_next=has_next)

    async def one(ctx: Ctx, params: NoteGet, note_id: int, entity_id: int | None) -> Response:
        note = await service.get_note(ctx.session, ctx.principal, kind, note_id, entity_id)
        if note is None:
            return no_content()
        groups = await service.groups_of(ctx.session, [note])
        return item(ctx.request, render_note(ctx.request, note, groups, with_pinned="is_pinned" in params.with_))

    async def add(ctx: Ctx, items: list[NotesAddItem] | list[NoteIn], entity_id: int | None) -> Response:
        results = await service.add_notes(ctx.session, ctx.principal, kind, items, entity_id=entity_id)
        return created(ctx.request, KEY, [write_result(ctx.request, note, rid, updated=False) for rid, note in results])

    async def edit_one(ctx: Ctx, data: NoteEdit, note_id: int, entity_id: int | None) -> Response:
        results = await service.update_notes(ctx.session, ctx.principal, kind, [data], note_id=note_id,
                                             entity_id=entity_id)
        return HalResponse(write_result(ctx.request, results[0][1], None, updated=True))

    @router.get(base + "/notes", name=f"list_{name}_notes", responses=responses(NotesPage, empty=True))
    async def list_all(ctx: Ctx = Depends(api_context), params: NotesList = query(NotesList)) -> Response:
        return await list_page(ctx, params, None)

    @router.get(base + "/{entity_id:id}/notes", name=f"list_{name}_entity_notes",
                responses=responses(NotesPage, empty=True))
    async def list_of_entity(entity_id: int, ctx: Ctx = Depends(api_context),
                             params: NotesList = query(NotesList)) -> Response:
        return await list_page(ctx, params, entity_id)

    @router.get(base + "/notes/{note_id:id}", name=f"get_{name}_note", responses=responses(NoteOut, empty=True))
    async def get_note(note_id: int, ctx: Ctx = Depends(api_context), params: NoteGet = query(NoteGet)) -> Response:
        return await one(ctx, params, note_id, None)

    @router.get(base + "/{entity_id:id}/notes/{note_id:id}", name=f"get_{name}_entity_note",
                responses=responses(NoteOut, empty=True))
    async def get_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context),
                              params: NoteGet = query(NoteGet)) -> Response:
        return await one(ctx, params, note_id, entity_id)

    @router.post(base + "/notes", name=f"add_{name}_notes", responses=responses(NotesWritten))
    async def add_notes(ctx: Ctx = Depends(api_context),
                        items: list[NotesAddItem] = batch(NotesAddItem)) -> Response:
        return await add(ctx, items, None)

    @router.post(base + "/{entity_id:id}/notes", name=f"add_{name}_entity_notes", responses=responses(NotesWritten))
    async def add_entity_notes(entity_id: int, ctx: Ctx = Depends(api_context),
                               items: list[NoteIn] = batch(NoteIn)) -> Response:
        return await add(ctx, items, entity_id)

    @router.patch(base + "/notes", name=f"update_{name}_notes", responses=responses(NotesWritten))
    async def update_notes(ctx: Ctx = Depends(api_context),
                           items: list[NotesEditItem] = batch(NotesEditItem)) -> Response:
        results = await service.update_notes(ctx.session, ctx.principal, kind, items)
        return created(ctx.request, KEY, [write_result(ctx.request, note, rid, updated=True) for rid, note in results])

    @router.patch(base + "/notes/{note_id:id}", name=f"update_{name}_note", responses=responses(NoteWritten))
    async def update_note(note_id: int, ctx: Ctx = Depends(api_context), data: NoteEdit = body(NoteEdit)) -> Response:
        return await edit_one(ctx, data, note_id, None)

    @router.patch(base + "/{entity_id:id}/notes/{note_id:id}", name=f"update_{name}_entity_note",
                  responses=responses(NoteWritten))
    async def update_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context),
                                 data: NoteEdit = body(NoteEdit)) -> Response:
        return await edit_one(ctx, data, note_id, entity_id)

    @router.post(base + "/notes/{note_id:id}/pin", name=f"pin_{name}_note", responses=responses())
    async def pin(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.set_pinned(ctx.session, ctx.principal, kind, note_id, True)
        return no_content()

    @router.post(base + "/notes/{note_id:id}/unpin", name=f"unpin_{name}_note", responses=responses())
    async def unpin(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.set_pinned(ctx.session, ctx.principal, kind, note_id, False)
        return no_content()

    @router.delete(base + "/notes/{note_id:id}", name=f"delete_{name}_note", responses=responses())
    async def delete_note(note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.delete_note(ctx.session, ctx.principal, kind, note_id)
        return no_content()

    @router.delete(base + "/{entity_id:id}/notes/{note_id:id}", name=f"delete_{name}_entity_note",
                   responses=responses())
    async def delete_entity_note(entity_id: int, note_id: int, ctx: Ctx = Depends(api_context)) -> Response:
        await service.delete_note(ctx.session, ctx.principal, kind, note_id, entity_id)
        return no_content()

    return router


router = APIRouter()
for _kind in KINDS.values():
    router.include_router(make_router(_kind))
