"""``/api/v4/leads/loss_reasons`` (spec §5.5): HTTP only; the rules are in ``loss_reasons_service``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts.context import admin_context
from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import collection, created
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.leads import loss_reasons_service as service
from kanbo.leads.loss_reasons_wire import (
    BASE,
    LossReasonIn,
    LossReasonList,
    LossReasonOut,
    LossReasonPatch,
    LossReasonsAdded,
    LossReasonsPage,
    render_loss_reason,
)

router = APIRouter(route_class=TxRoute)


@router.get(BASE, name="list_reasons", responses=responses(LossReasonsPage, empty=True))
async def list_reasons(ctx: Ctx = Depends(api_context), params: LossReasonList = query(LossReasonList)) -> Response:
    q = params.list_query()
    rows, total = await service.list_reasons(ctx.session, q.offset, q.limit)
    items = [render_loss_reason(ctx.request, r) for r in rows]
    return collection(ctx.request, "loss_reasons", items, q, has_next=q.offset + len(items) < total, total=total)


@router.get(BASE + "/{reason_id:id}", name="get_reason", responses=responses(LossReasonOut, empty=True))
async def get_reason(reason_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    reason = await service.get_reason(ctx.session, reason_id)
    return HalResponse(render_loss_reason(ctx.request, reason)) if reason else no_content()


@router.post(BASE, name="add_reasons", responses=responses(LossReasonsAdded))
async def add_reasons(ctx: Ctx = admin_context(service.ADMIN_ONLY),
                      items: list[LossReasonIn] = batch(LossReasonIn)) -> Response:
    rows = await service.add_reasons(ctx.session, ctx.principal, items)
    return created(ctx.request, "loss_reasons",
                   [{**render_loss_reason(ctx.request, row), "request_id": rid} for rid, row in rows])


@router.patch(BASE + "/{reason_id:id}", name="update_reason", responses=responses(LossReasonOut))
async def update_reason(reason_id: int, ctx: Ctx = admin_context(service.ADMIN_ONLY),
                        data: LossReasonPatch = body(LossReasonPatch)) -> Response:
    reason = await service.update_reason(ctx.session, ctx.principal, reason_id, data)
    return HalResponse(render_loss_reason(ctx.request, reason))


@router.delete(BASE + "/{reason_id:id}", name="delete_reason", responses=responses())
async def delete_reason(reason_id: int, ctx: Ctx = admin_context(service.ADMIN_ONLY)) -> Response:
    await service.delete_reason(ctx.session, ctx.principal, reason_id)
    return no_content()
