"""``/api/v4/webhooks`` (spec §14.1, admin only) and the delivery log extensions:
``GET /api/v4/webhooks/{id}/deliveries`` and ``POST /api/v4/webhooks/deliveries/{id}/retry``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_object
from kanbo.http.hal import collection
from kanbo.http.query import as_list, parse_list_query
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.webhooks import service
from kanbo.webhooks.wire import render_delivery, render_webhook

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/webhooks"


@router.get(BASE)
async def list_webhooks(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""))
    destinations = as_list(query.filter.get("destination"), split_commas=False, path="filter[destination]")
    webhooks = await service.list_webhooks(ctx.session, ctx.principal, destinations)
    items = [render_webhook(w) for w in webhooks]
    return collection(ctx.request, "webhooks", items, extra={"_total_items": len(items)})


@router.post(BASE)
async def save_webhook(ctx: Ctx = Depends(api_context)) -> Response:
    webhook, secret = await service.save_webhook(ctx.session, ctx.principal, await read_object(ctx.request))
    return HalResponse(render_webhook(webhook, secret=secret))


@router.delete(BASE)
async def delete_webhook(ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_webhook(ctx.session, ctx.principal, await read_object(ctx.request))
    return no_content()


@router.get(BASE + "/{webhook_id:id}/deliveries")
async def list_deliveries(webhook_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""))
    states = as_list(query.filter.get("state"), path="filter[state]")
    rows, attempts, has_next = await service.list_deliveries(ctx.session, ctx.principal, webhook_id,
                                                             offset=query.offset,
                                                             limit=query.limit, states=states)
    items = [render_delivery(row, attempts.get(row.id, [])) for row in rows]
    return collection(ctx.request, "deliveries", items, query, has_next=has_next)


@router.post(BASE + "/deliveries/{delivery_id:id}/retry")
async def retry_delivery(delivery_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    delivery, attempts = await service.retry_delivery(ctx.session, ctx.principal, delivery_id)
    return HalResponse(render_delivery(delivery, attempts))
