"""Custom task types (Kanbo extension): ``/api/v4/tasks/types``.

Ids 1 (``FOLLOW_UP``) and 2 (``MEETING``) are built in and cannot change; an account's own types get
ids from 3 up (``max + 1``). Any user reads the list; administrators change it. A type that tasks use
(trashed tasks included, since they can come back) cannot be deleted.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from kanbo.accounts.account_wire import SYSTEM_TASK_TYPES, task_types
from kanbo.accounts.rights import require_admin
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.sequences import next_ids
from kanbo.core.time import now
from kanbo.entities.fields import text_field
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, created
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.accounts import Account
from kanbo.models.activity import Task, TaskType
from kanbo.tasks.wire import TYPES_BASE, render_custom_type, with_link

router = APIRouter(route_class=TxRoute)

SYSTEM_IDS = frozenset(t["id"] for t in SYSTEM_TASK_TYPES)
FIRST_CUSTOM_ID = 3
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


async def custom_type_ids(session: AsyncSession) -> set[int]:
    return set(await session.scalars(select(TaskType.id)))


async def valid_type_ids(session: AsyncSession) -> set[int]:
    """Every ``task_type_id`` a task of this account may have (one query)."""
    return set(SYSTEM_IDS) | await custom_type_ids(session)


def _parse(item: dict[str, Any], errors: Errors, request_id: str, *, create: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = text_field(item, "name", errors, request_id)
    if name:
        values["name"] = name
    elif (create or "name" in item) and (name is not None or item.get("name") is None):
        errors.add(request_id, "name", "This value should not be blank.", "NotBlank")  # not for a type error
    if "color" in item:
        color = item["color"]
        if color is None or color == "":
            values["color"] = None
        elif isinstance(color, str) and _COLOR.fullmatch(color.strip()):
            values["color"] = color.strip().lower()
        else:
            errors.add(request_id, "color", "The color must be '#rrggbb' or null.", "InvalidValue")
    if "icon_id" in item:
        icon = item["icon_id"]
        if icon is None or (isinstance(icon, int) and not isinstance(icon, bool) and 0 <= icon < 2**31):
            values["icon_id"] = icon
        else:
            errors.add(request_id, "icon_id", "This value should be of type int or null.", "InvalidType")
    if "code" in item:
        code = text_field(item, "code", errors, request_id, max_length=64)
        if code is not None or item["code"] is None:
            values["code"] = code or None
    return values


async def _load(session: AsyncSession, type_id: int) -> TaskType:
    if type_id in SYSTEM_IDS:
        raise BadRequest(f"Task type {type_id} is built in and cannot be changed")
    row = await session.scalar(select(TaskType).where(TaskType.id == type_id))
    if row is None:
        raise NotFound(f"Task type {type_id} not found")
    return row


@router.get(TYPES_BASE)
async def list_types(ctx: Ctx = Depends(api_context)) -> Response:
    """FOLLOW_UP and MEETING, then the account's own types: the list ``with=task_types`` embeds."""
    account = await ctx.session.get(Account, ctx.principal.account_id)
    lang = account.language if account is not None and account.language in ("es", "en") else "en"
    rows = list(await ctx.session.scalars(select(TaskType).order_by(TaskType.id)))
    items = [with_link(ctx.request, body) for body in task_types(lang, rows)]
    return collection(ctx.request, "task_types", items, extra={"_total_items": len(items)})


@router.get(TYPES_BASE + "/{type_id:id}")
async def get_type(type_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    if type_id in SYSTEM_IDS:
        account = await ctx.session.get(Account, ctx.principal.account_id)
        lang = account.language if account is not None and account.language in ("es", "en") else "en"
        return HalResponse(with_link(ctx.request, task_types(lang)[type_id - 1]))
    row = await ctx.session.scalar(select(TaskType).where(TaskType.id == type_id))
    return HalResponse(with_link(ctx.request, render_custom_type(row))) if row else no_content()


@router.post(TYPES_BASE)
async def add_types(ctx: Ctx = Depends(api_context)) -> Response:
    require_admin(ctx.principal, "add task types")
    items = await read_batch(ctx.request)
    errors = Errors()
    parsed = [(rid, _parse(item, errors, rid, create=True)) for rid, item in items]
    errors.raise_if_any()
    ids = await next_ids(ctx.session, f"task_types:{ctx.principal.account_id}", len(parsed), start=FIRST_CUSTOM_ID)
    stamp = now()
    rows = []
    for type_id, (rid, values) in zip(ids, parsed, strict=True):
        row = TaskType(id=type_id, name=values["name"], color=values.get("color"),
                       icon_id=values.get("icon_id"), code=values.get("code"), created_at=stamp)
        ctx.session.add(row)
        rows.append((rid, row))
    await ctx.session.flush()
    return created(ctx.request, "task_types",
                   [{**with_link(ctx.request, render_custom_type(row)), "request_id": rid} for rid, row in rows])


@router.patch(TYPES_BASE + "/{type_id:id}")
async def update_type(type_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    require_admin(ctx.principal, "change task types")
    data = await read_object(ctx.request)
    row = await _load(ctx.session, type_id)
    errors = Errors()
    values = _parse(data, errors, "0", create=False)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(row, key, value)
    await ctx.session.flush()
    return HalResponse(with_link(ctx.request, render_custom_type(row)))


@router.delete(TYPES_BASE + "/{type_id:id}")
async def delete_type(type_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    require_admin(ctx.principal, "delete task types")
    row = await _load(ctx.session, type_id)
    used = await ctx.session.scalar(select(func.count()).select_from(Task).where(Task.task_type_id == type_id))
    if used:
        raise BadRequest(f"Task type {type_id} is used by {used} task(s); change their type first")
    await ctx.session.delete(row)
    await ctx.session.flush()
    return no_content()
