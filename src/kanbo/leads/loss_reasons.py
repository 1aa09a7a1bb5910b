"""``/api/v4/leads/loss_reasons`` (spec §5.5). Any user reads them; admins change them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy import func, select, update
from starlette.requests import Request
from starlette.responses import Response

from kanbo.accounts import rights
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import Errors, NotFound
from kanbo.core.time import now
from kanbo.entities.fields import int_field, text_field
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, created, href
from kanbo.http.query import parse_list_query
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.entities import Lead, LossReason

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/leads/loss_reasons"


def render_loss_reason(request: Request, reason: LossReason) -> dict[str, Any]:
    return {"id": reason.id, "name": reason.name, "sort": reason.sort, "created_at": reason.created_at,
            "updated_at": reason.updated_at, "_links": {"self": href(request, f"{BASE}/{reason.id}")}}


def _admin(ctx: Ctx) -> None:
    rights.require_admin(ctx.principal, "change loss reasons")


def _parse(item: dict[str, Any], errors: Errors, request_id: str, *, create: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = text_field(item, "name", errors, request_id)
    if name:
        values["name"] = name
    elif create or "name" in item:
        errors.add(request_id, "name", "This value should not be blank.", "NotBlank")
    sort = int_field(item, "sort", errors, request_id, minimum=None)
    if sort is not None:
        values["sort"] = sort
    return values


@router.get(BASE)
async def list_reasons(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""))
    total = await ctx.session.scalar(select(func.count()).select_from(LossReason)) or 0
    rows = await ctx.session.scalars(select(LossReason).order_by(LossReason.sort, LossReason.id)
                                     .offset(query.offset).limit(query.limit))
    items = [render_loss_reason(ctx.request, r) for r in rows]
    return collection(ctx.request, "loss_reasons", items, query, has_next=query.offset + len(items) < total,
                      total=total)


@router.get(BASE + "/{reason_id:id}")
async def get_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    reason = await ctx.session.scalar(select(LossReason).where(LossReason.id == reason_id))
    return HalResponse(render_loss_reason(ctx.request, reason)) if reason else no_content()


@router.post(BASE)
async def add_reasons(ctx: Ctx = Depends(api_context)) -> Response:
    _admin(ctx)
    items = await read_batch(ctx.request)
    errors = Errors()
    parsed = [(rid, _parse(item, errors, rid, create=True)) for rid, item in items]
    errors.raise_if_any()
    stamp = now()
    rows = [(rid, LossReason(name=values["name"], sort=values.get("sort", 0), created_at=stamp, updated_at=stamp))
            for rid, values in parsed]
    ctx.session.add_all([row for _, row in rows])
    await ctx.session.flush()
    return created(ctx.request, "loss_reasons",
                   [{**render_loss_reason(ctx.request, row), "request_id": rid} for rid, row in rows])


@router.patch(BASE + "/{reason_id:id}")
async def update_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    _admin(ctx)
    data = await read_object(ctx.request)
    reason = await ctx.session.scalar(select(LossReason).where(LossReason.id == reason_id))
    if reason is None:
        raise NotFound(f"Loss reason {reason_id} not found")
    errors = Errors()
    values = _parse(data, errors, "0", create=False)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(reason, key, value)
    reason.updated_at = now()
    await ctx.session.flush()
    return HalResponse(render_loss_reason(ctx.request, reason))


@router.delete(BASE + "/{reason_id:id}")
async def delete_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    _admin(ctx)
    reason = await ctx.session.scalar(select(LossReason).where(LossReason.id == reason_id))
    if reason is None:
        raise NotFound(f"Loss reason {reason_id} not found")
    await ctx.session.execute(update(Lead).where(Lead.loss_reason_id == reason_id).values(loss_reason_id=None))
    await ctx.session.delete(reason)
    await ctx.session.flush()
    return no_content()
