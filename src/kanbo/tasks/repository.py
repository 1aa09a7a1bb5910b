"""Reading tasks: the list (filters of spec §9.3, the rights scope, ordering, paging) and one task.

A page is one statement (limit + 1 rows, no COUNT); the route adds one for the users (``group_id``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest
from kanbo.core.principal import Principal
from kanbo.entities.repository import fetch_page
from kanbo.http.query import ListQuery
from kanbo.models.activity import Task
from kanbo.tasks.wire import TaskFilter

ENTITY = "tasks"  # the rights key


def filter_clauses(f: TaskFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for key in ("id", "responsible_user_id", "created_by"):
        ids = getattr(f, key)
        if ids:
            clauses.append(getattr(Task, key).in_(ids))
    type_ids = f.task_type + f.task_type_id
    if type_ids:
        clauses.append(Task.task_type_id.in_(type_ids))
    if f.is_completed is not None:
        clauses.append(Task.is_completed.is_(f.is_completed))
    if f.entity_id and not f.entity_type:
        raise BadRequest("filter[entity_id] requires filter[entity_type]")
    if f.entity_type:
        names = f.entity_names
        clauses.append(Task.entity_type.in_(names) if names else false())
        if f.entity_id:
            clauses.append(Task.entity_id.in_(f.entity_id))
    if f.updated_at is not None:  # a single timestamp is ``from``: changed at or after it
        if f.updated_at.from_ is not None:
            clauses.append(Task.updated_at >= f.updated_at.from_)
        if f.updated_at.to is not None:
            clauses.append(Task.updated_at <= f.updated_at.to)
    return clauses


def list_statement(principal: Principal, query: ListQuery, f: TaskFilter, modified_since: int | None
                   ) -> Select[Any]:
    clauses = [Task.is_deleted.is_(query.has("only_deleted")),
               *rights.visible(principal, ENTITY, Task), *filter_clauses(f)]
    if modified_since is not None:
        clauses.append(Task.updated_at >= modified_since)
    order = [getattr(Task, key).desc() if direction == "desc" else getattr(Task, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(Task.id.asc())
    return select(Task).where(*clauses).order_by(*order).offset(query.offset).limit(query.limit + 1)


async def list_page(session: AsyncSession, principal: Principal, query: ListQuery, f: TaskFilter,
                    modified_since: int | None) -> tuple[list[Task], bool]:
    """The page's tasks and whether another page follows."""
    rows, has_next = await fetch_page(session, list_statement(principal, query, f, modified_since), query.limit)
    return rows, has_next


async def get_visible(session: AsyncSession, principal: Principal, task_id: int, *,
                      include_deleted: bool = False) -> Task | None:
    """One task the principal may view, or ``None`` (missing, another account's, trashed, not visible)."""
    clauses = [Task.id == task_id, *rights.visible(principal, ENTITY, Task)]
    if not include_deleted:
        clauses.append(Task.is_deleted.is_(False))
    row: Task | None = await session.scalar(select(Task).where(*clauses))
    return row
