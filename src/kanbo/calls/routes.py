"""``POST /api/v4/calls`` (spec §13): a batch of calls; failed items are listed in ``errors``, the others
are saved (answer 200 either way)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.calls.service import add_calls
from kanbo.calls.wire import CallItem, CallsAdded, call_batch
from kanbo.entities.wire import entity_path
from kanbo.http.hal import href
from kanbo.http.responses import HalResponse
from kanbo.http.route import TxRoute
from kanbo.http.wire import responses

router = APIRouter(route_class=TxRoute)


@router.post("/api/v4/calls", name="add_calls", responses=responses(CallsAdded))
async def post_calls(ctx: Ctx = Depends(api_context), items: list[CallItem] = call_batch()) -> Response:
    placed, failures = await add_calls(ctx.session, ctx.principal, items)
    calls = [{
        "id": call.note_id,
        "entity_id": call.entity_id,
        "entity_type": call.entity_type,
        "account_id": ctx.principal.account_id,
        "request_id": call.request_id,
        "_embedded": {"entity": {"id": call.entity_id,
                                 "_links": {"self": href(ctx.request, entity_path(call.entity_type, call.entity_id))}}},
    } for call in placed]
    return HalResponse({"_total_items": len(calls), "errors": failures,
                        "_links": {"self": href(ctx.request, "/api/v4/calls")}, "_embedded": {"calls": calls}})
