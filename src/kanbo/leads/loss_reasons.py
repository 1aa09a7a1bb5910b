"""``/api/v4/leads/loss_reasons`` (spec §5.5): HTTP only; the rules are in ``loss_reasons_service``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, created
from kanbo.http.query import parse_list_query
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.leads import loss_reasons_service as service
from kanbo.leads.loss_reasons_wire import BASE, render_loss_reason

router = APIRouter(route_class=TxRoute)


@router.get(BASE)
async def list_reasons(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""))
    rows, total = await service.list_reasons(ctx.session, query.offset, query.limit)
    items = [render_loss_reason(ctx.request, r) for r in rows]
    return collection(ctx.request, "loss_reasons", items, query, has_next=query.offset + len(items) < total,
                      total=total)


@router.get(BASE + "/{reason_id:id}")
async def get_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    reason = await service.get_reason(ctx.session, reason_id)
    return HalResponse(render_loss_reason(ctx.request, reason)) if reason else no_content()


@router.post(BASE)
async def add_reasons(ctx: Ctx = Depends(api_context)) -> Response:
    rows = await service.add_reasons(ctx.session, ctx.principal, await read_batch(ctx.request))
    return created(ctx.request, "loss_reasons",
                   [{**render_loss_reason(ctx.request, row), "request_id": rid} for rid, row in rows])


@router.patch(BASE + "/{reason_id:id}")
async def update_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    reason = await service.update_reason(ctx.session, ctx.principal, reason_id, await read_object(ctx.request))
    return HalResponse(render_loss_reason(ctx.request, reason))


@router.delete(BASE + "/{reason_id:id}")
async def delete_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_reason(ctx.session, ctx.principal, reason_id)
    return no_content()
