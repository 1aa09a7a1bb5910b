"""``/api/v4/tasks`` (spec §9) with the trash extension (spec §24) and custom task types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from starlette.requests import Request
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.entities.repository import if_modified_since
from kanbo.entities.users import users_map
from kanbo.http.body import read_json
from kanbo.http.hal import collection, created, item
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import WIRE_BODY, batch, body, query, responses, validate_batch
from kanbo.tasks import repository as repo
from kanbo.tasks import service
from kanbo.tasks import types as task_types
from kanbo.tasks.types_wire import (
    TYPES_BASE,
    TaskTypeIn,
    TaskTypeOut,
    TaskTypePatch,
    TaskTypesPage,
    TaskTypesWritten,
    render_custom_type,
    with_link,
)
from kanbo.tasks.wire import (
    BASE,
    TaskGet,
    TaskIn,
    TaskList,
    TaskOut,
    TaskPatch,
    TaskRef,
    TasksAdded,
    TasksPage,
    TasksUpdated,
    TaskUpdate,
    TaskUpdated,
    render_task,
    write_result,
)

router = APIRouter(route_class=TxRoute)


# Rights that do not depend on the body are checked before it is read: a user who may not add tasks
# (or change task types) gets 403 whatever they send.

async def adding_context(ctx: Ctx = Depends(api_context)) -> Ctx:
    service.require_adder(ctx.principal)
    return ctx


async def types_admin_context(ctx: Ctx = Depends(api_context)) -> Ctx:
    task_types.require_writer(ctx.principal)
    return ctx


async def _task_refs(request: Request) -> list[TaskRef]:
    """The trash batch: ``[{"id": 1}, …]``, or bare ids ``[1, 2]``."""
    data = await read_json(request)
    if isinstance(data, list):
        data = [entry if isinstance(entry, Mapping) else {"id": entry} for entry in data]
    return validate_batch(TaskRef, data)


setattr(_task_refs, WIRE_BODY, getattr(batch(TaskRef).dependency, WIRE_BODY))  # documented as a batch


# Task types (declared first: ``/tasks/types`` is not a task) --------------------------------------

@router.get(TYPES_BASE, name="list_types", responses=responses(TaskTypesPage))
async def list_types(ctx: Ctx = Depends(api_context)) -> Response:
    """FOLLOW_UP and MEETING, then the account's own types: the list ``with=task_types`` embeds."""
    items = [with_link(ctx.request, body) for body in await task_types.list_types(ctx.session, ctx.principal)]
    return collection(ctx.request, "task_types", items, extra={"_total_items": len(items)})


@router.get(TYPES_BASE + "/{type_id:id}", name="get_type", responses=responses(TaskTypeOut, empty=True))
async def get_type(type_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    found = await task_types.get_type(ctx.session, ctx.principal, type_id)
    return HalResponse(with_link(ctx.request, found)) if found is not None else no_content()


@router.post(TYPES_BASE, name="add_types", responses=responses(TaskTypesWritten))
async def add_types(ctx: Ctx = Depends(types_admin_context), items: list[TaskTypeIn] = batch(TaskTypeIn)) -> Response:
    rows = await task_types.add(ctx.session, ctx.principal, items)
    return created(ctx.request, "task_types",
                   [{**with_link(ctx.request, render_custom_type(row)), "request_id": rid} for rid, row in rows])


@router.patch(TYPES_BASE + "/{type_id:id}", name="update_type", responses=responses(TaskTypeOut))
async def update_type(type_id: int, ctx: Ctx = Depends(types_admin_context),
                      data: TaskTypePatch = body(TaskTypePatch)) -> Response:
    row = await task_types.update(ctx.session, ctx.principal, type_id, data)
    return HalResponse(with_link(ctx.request, render_custom_type(row)))


@router.delete(TYPES_BASE + "/{type_id:id}", name="delete_type", responses=responses())
async def delete_type(type_id: int, ctx: Ctx = Depends(types_admin_context)) -> Response:
    await task_types.delete(ctx.session, ctx.principal, type_id)
    return no_content()


# Tasks --------------------------------------------------------------------------------------------

@router.get(BASE, name="list_tasks", responses=responses(TasksPage, empty=True))
async def list_tasks(
    ctx: Ctx = Depends(api_context),
    params: TaskList = query(TaskList),
    if_modified: Annotated[str | None, Header(
        alias="If-Modified-Since", description="An HTTP-date: only tasks changed at or after it")] = None,
) -> Response:
    """A page in a fixed number of statements: the page (limit + 1) and the users (for ``group_id``)."""
    q = params.list_query()
    rows, has_next = await repo.list_page(ctx.session, ctx.principal, q, params.filter, if_modified_since(if_modified))
    if not rows:
        return no_content()
    users = await users_map(ctx.session)
    return collection(ctx.request, "tasks", [render_task(ctx.request, row, users) for row in rows], q,
                      has_next=has_next)


@router.get(BASE + "/{task_id:id}", name="get_task", responses=responses(TaskOut, empty=True))
async def get_task(task_id: int, ctx: Ctx = Depends(api_context), params: TaskGet = query(TaskGet)) -> Response:
    row = await repo.get_visible(ctx.session, ctx.principal, task_id, include_deleted="only_deleted" in params.with_)
    if row is None:
        return no_content()
    return item(ctx.request, render_task(ctx.request, row, await users_map(ctx.session)))


@router.post(BASE, name="add_tasks", responses=responses(TasksAdded))
async def add_tasks(ctx: Ctx = Depends(adding_context), items: list[TaskIn] = batch(TaskIn)) -> Response:
    results = await service.add(ctx.session, ctx.principal, items)
    return created(ctx.request, "tasks", [write_result(ctx.request, row, rid, updated=False) for rid, row in results])


@router.patch(BASE, name="update_tasks", responses=responses(TasksUpdated))
async def update_tasks(ctx: Ctx = Depends(api_context), items: list[TaskUpdate] = batch(TaskUpdate)) -> Response:
    results = await service.update_many(ctx.session, ctx.principal, items)
    return created(ctx.request, "tasks", [write_result(ctx.request, row, rid, updated=True) for rid, row in results])


@router.patch(BASE + "/{task_id:id}", name="update_task", responses=responses(TaskUpdated))
async def update_task(task_id: int, ctx: Ctx = Depends(api_context), data: TaskPatch = body(TaskPatch)) -> Response:
    row = await service.update_one(ctx.session, ctx.principal, task_id, data)
    return HalResponse(write_result(ctx.request, row, None, updated=True))


@router.delete(BASE + "/{task_id:id}", name="delete_task", responses=responses())
async def delete_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.trash(ctx.session, ctx.principal, [task_id])
    return no_content()


@router.delete(BASE, name="delete_tasks", responses=responses())
async def delete_tasks(ctx: Ctx = Depends(api_context), refs: list[TaskRef] = Depends(_task_refs)) -> Response:
    await service.trash(ctx.session, ctx.principal, [ref.id for ref in refs])
    return no_content()


@router.post(BASE + "/{task_id:id}/restore", name="restore_task", responses=responses(TaskOut, empty=True))
async def restore_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.restore(ctx.session, ctx.principal, [task_id])
    row = await repo.get_visible(ctx.session, ctx.principal, task_id)
    if row is None:
        return no_content()
    return item(ctx.request, render_task(ctx.request, row, await users_map(ctx.session)))
