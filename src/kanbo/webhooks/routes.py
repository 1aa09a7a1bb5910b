"""``/api/v4/webhooks`` (spec §14.1, admin only) and the delivery log extensions:
``GET /api/v4/webhooks/{id}/deliveries`` and ``POST /api/v4/webhooks/deliveries/{id}/retry``.

Every route authenticates, then refuses non-admins (403 whatever the body), then reads its typed
query or body."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from kanbo.accounts.context import admin_context
from kanbo.auth.context import Ctx
from kanbo.http.hal import collection
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import body, query, responses
from kanbo.webhooks import service
from kanbo.webhooks.wire import (
    WebhookDeliveriesPage,
    WebhookDeliveryList,
    WebhookDeliveryOut,
    WebhookDestinationIn,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhooksPage,
    render_delivery,
    render_webhook,
    webhook_body,
)

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/webhooks"
#: Every route: authenticated, then refused to non-admins (403 whatever the body holds).
ADMIN = admin_context(service.ADMIN_ONLY)


@router.get(BASE, name="list_webhooks", responses=responses(WebhooksPage, empty=True))
async def list_webhooks(ctx: Ctx = ADMIN, params: WebhookList = query(WebhookList)) -> Response:
    webhooks = await service.list_webhooks(ctx.session, ctx.principal, params.filter.destination)
    items = [render_webhook(w) for w in webhooks]
    return collection(ctx.request, "webhooks", items, extra={"_total_items": len(items)})


@router.post(BASE, name="save_webhook", responses=responses(WebhookOut))
async def save_webhook(ctx: Ctx = ADMIN, data: WebhookIn = webhook_body()) -> Response:
    webhook, secret = await service.save_webhook(ctx.session, ctx.principal, data)
    return HalResponse(render_webhook(webhook, secret=secret))


@router.delete(BASE, name="delete_webhook", responses=responses())
async def delete_webhook(ctx: Ctx = ADMIN, data: WebhookDestinationIn = body(WebhookDestinationIn)) -> Response:
    await service.delete_webhook(ctx.session, ctx.principal, data)
    return no_content()


@router.get(BASE + "/{webhook_id:id}/deliveries", name="list_deliveries",
            responses=responses(WebhookDeliveriesPage, empty=True))
async def list_deliveries(webhook_id: int, ctx: Ctx = ADMIN,
                          params: WebhookDeliveryList = query(WebhookDeliveryList)) -> Response:
    q = params.list_query()
    rows, attempts, has_next = await service.list_deliveries(ctx.session, ctx.principal, webhook_id,
                                                             offset=q.offset, limit=q.limit,
                                                             states=params.filter.state)
    items = [render_delivery(row, attempts.get(row.id, [])) for row in rows]
    return collection(ctx.request, "deliveries", items, q, has_next=has_next)


@router.post(BASE + "/deliveries/{delivery_id:id}/retry", name="retry_delivery",
             responses=responses(WebhookDeliveryOut))
async def retry_delivery(delivery_id: int, ctx: Ctx = ADMIN) -> Response:
    delivery, attempts = await service.retry_delivery(ctx.session, ctx.principal, delivery_id)
    return HalResponse(render_delivery(delivery, attempts))
