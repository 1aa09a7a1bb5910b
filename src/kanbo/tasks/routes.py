"""``/api/v4/tasks`` (spec §9) with the trash extension (spec §24) and custom task types."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import ColumnElement, Select, false, select
from starlette.responses import Response

from kanbo.accounts import rights
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import BadRequest, Unprocessable
from kanbo.core.principal import Principal
from kanbo.core.values import as_int
from kanbo.entities.fields import users_map
from kanbo.entities.kinds import kind_of
from kanbo.entities.repository import fetch_page, if_modified_since, range_clause
from kanbo.http.body import read_batch, read_json, read_object
from kanbo.http.hal import collection, created, item
from kanbo.http.query import ListQuery, as_int_list, as_list, parse_list_query, parse_query_string, to_int
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.activity import Task
from kanbo.tasks import service
from kanbo.tasks import types as task_types
from kanbo.tasks.wire import BASE, render_task, write_result

router = APIRouter(route_class=TxRoute)
router.include_router(task_types.router)

ORDERABLE = ("created_at", "complete_till", "id")
# Kommo's entity types; customers exist there but not in Kanbo, so they simply match nothing.
FILTER_ENTITY_TYPES = ("leads", "contacts", "companies", "customers")


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _is_completed(value: Any) -> bool:
    if isinstance(value, list):
        value = value[-1] if value else ""
    text = str(value).strip().lower()
    if text in ("1", "true", "y", "yes"):
        return True
    if text in ("0", "false", "n", "no"):
        return False
    raise BadRequest("filter[is_completed] must be 1, 0, true or false")


def _entity_types(value: Any) -> list[str]:
    names = []
    for raw in as_list(value, path="filter[entity_type]"):
        kind = kind_of(raw.lower())
        if kind is not None:
            names.append(kind.name)
        elif raw.lower() not in ("customers", "customer"):
            raise BadRequest(f"filter[entity_type]: '{raw}' is not one of {', '.join(FILTER_ENTITY_TYPES)}")
    return names


def filters(query: ListQuery) -> list[ColumnElement[bool]]:
    f = query.filter
    clauses: list[ColumnElement[bool]] = []
    for key in ("id", "responsible_user_id", "created_by"):
        if _present(f.get(key)):
            clauses.append(getattr(Task, key).in_(as_int_list(f[key], f"filter[{key}]")))
    type_ids: list[int] = []
    for key in ("task_type", "task_type_id"):
        if _present(f.get(key)):
            type_ids += as_int_list(f[key], f"filter[{key}]")
    if type_ids:
        clauses.append(Task.task_type_id.in_(type_ids))
    if _present(f.get("is_completed")):
        clauses.append(Task.is_completed.is_(_is_completed(f["is_completed"])))
    if _present(f.get("entity_id")) and not _present(f.get("entity_type")):
        raise BadRequest("filter[entity_id] requires filter[entity_type]")
    if _present(f.get("entity_type")):
        names = _entity_types(f["entity_type"])
        clauses.append(Task.entity_type.in_(names) if names else false())
        if _present(f.get("entity_id")):
            clauses.append(Task.entity_id.in_(as_int_list(f["entity_id"], "filter[entity_id]")))
    if _present(f.get("updated_at")):
        value = f["updated_at"]
        if isinstance(value, dict):
            clause = range_clause(Task.updated_at, value, "filter[updated_at]")
            if clause is not None:
                clauses.append(clause)
        else:  # a single timestamp: modified at or after it
            if isinstance(value, list):
                value = value[-1]
            clauses.append(Task.updated_at >= to_int(value, "filter[updated_at]"))
    return clauses


def list_statement(principal: Principal, query: ListQuery, modified_since: int | None) -> Select[Any]:
    clauses = [Task.is_deleted.is_(query.has("only_deleted")),
               *rights.visible(principal, service.ENTITY, Task), *filters(query)]
    if modified_since is not None:
        clauses.append(Task.updated_at >= modified_since)
    order = [getattr(Task, key).desc() if direction == "desc" else getattr(Task, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(Task.id.asc())
    return select(Task).where(*clauses).order_by(*order).offset(query.offset).limit(query.limit + 1)


async def _visible(ctx: Ctx, task_id: int, *, include_deleted: bool = False) -> Task | None:
    clauses = [Task.id == task_id, *rights.visible(ctx.principal, service.ENTITY, Task)]
    if not include_deleted:
        clauses.append(Task.is_deleted.is_(False))
    row: Task | None = await ctx.session.scalar(select(Task).where(*clauses))
    return row


def _ids_body(data: Any) -> list[int]:
    """``[{"id": 1}, …]`` or ``[1, 2]`` → ids."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise BadRequest('Send a JSON array of objects with an id: [{"id": 1}]')
    if len(data) > 250:
        raise Unprocessable("Limit 250 per page")
    ids = []
    for index, entry in enumerate(data):
        number = as_int(entry.get("id") if isinstance(entry, dict) else entry)
        if number is None or number < 1:
            raise BadRequest(f"Item {index}: id must be a positive integer")
        ids.append(number)
    return ids


@router.get(BASE)
async def list_tasks(ctx: Ctx = Depends(api_context)) -> Response:
    """A page in a fixed number of statements: the users (for ``group_id``) and the page (limit + 1)."""
    query = parse_list_query(ctx.request.scope.get("query_string", b""), orderable=ORDERABLE)
    statement = list_statement(ctx.principal, query, if_modified_since(ctx.request.headers.get("if-modified-since")))
    rows, has_next = await fetch_page(ctx.session, statement, query.limit)
    if not rows:
        return no_content()
    users = await users_map(ctx.session)
    return collection(ctx.request, "tasks", [render_task(ctx.request, row, users) for row in rows], query,
                      has_next=has_next)


@router.get(BASE + "/{task_id:id}")
async def get_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    with_ = frozenset(as_list(parse_query_string(ctx.request.scope.get("query_string", b"")).get("with")))
    row = await _visible(ctx, task_id, include_deleted="only_deleted" in with_)
    if row is None:
        return no_content()
    return item(ctx.request, render_task(ctx.request, row, await users_map(ctx.session)))


@router.post(BASE)
async def add_tasks(ctx: Ctx = Depends(api_context)) -> Response:
    results = await service.add(ctx.session, ctx.principal, await read_batch(ctx.request))
    return created(ctx.request, "tasks", [write_result(ctx.request, row, rid, updated=False) for rid, row in results])


@router.patch(BASE)
async def update_tasks(ctx: Ctx = Depends(api_context)) -> Response:
    results = await service.update_many(ctx.session, ctx.principal, await read_batch(ctx.request))
    return created(ctx.request, "tasks", [write_result(ctx.request, row, rid, updated=True) for rid, row in results])


@router.patch(BASE + "/{task_id:id}")
async def update_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    data = await read_object(ctx.request)
    results = await service.update_many(ctx.session, ctx.principal, [("0", data)], fixed_id=task_id)
    return HalResponse(write_result(ctx.request, results[0][1], None, updated=True))


@router.delete(BASE + "/{task_id:id}")
async def delete_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.trash(ctx.session, ctx.principal, [task_id])
    return no_content()


@router.delete(BASE)
async def delete_tasks(ctx: Ctx = Depends(api_context)) -> Response:
    await service.trash(ctx.session, ctx.principal, _ids_body(await read_json(ctx.request)))
    return no_content()


@router.post(BASE + "/{task_id:id}/restore")
async def restore_task(task_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.restore(ctx.session, ctx.principal, [task_id])
    row = await _visible(ctx, task_id)
    if row is None:
        return no_content()
    return item(ctx.request, render_task(ctx.request, row, await users_map(ctx.session)))
