"""Kanbo's extension for administrators: the account's integrations (``GET /api/v4/integrations``) and its
long-lived tokens (``GET/POST /api/v4/long_lived_tokens``, ``DELETE /api/v4/long_lived_tokens/{id}``)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from kanbo.accounts import tokens_service as service
from kanbo.accounts.context import admin_context
from kanbo.accounts.tokens_wire import (
    IntegrationIn,
    IntegrationOut,
    IntegrationPatch,
    IntegrationsList,
    TokenIn,
    TokenList,
    TokenOut,
    TokensPage,
    render_integration,
    render_token,
)
from kanbo.auth.context import Ctx
from kanbo.http.hal import api_host, collection, item
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import body, query, responses

router = APIRouter(route_class=TxRoute)
TOKENS = "/api/v4/long_lived_tokens"


@router.get("/api/v4/integrations", name="list_integrations", responses=responses(IntegrationsList, empty=True))
async def list_integrations(ctx: Ctx = admin_context("see integrations")) -> Response:
    integrations = await service.list_integrations(ctx.session, ctx.principal)
    items = [render_integration(i) for i in integrations]
    return collection(ctx.request, "integrations", items, extra={"_total_items": len(items)})


@router.post("/api/v4/integrations", name="add_integration", responses=responses(IntegrationOut))
async def add_integration(ctx: Ctx = admin_context("add integrations"), data: IntegrationIn = body(IntegrationIn)
                          ) -> Response:
    """Kanbo extension: register an OAuth integration; its ``client_secret`` is in this answer only."""
    integration = await service.add_integration(ctx.session, ctx.principal, data)
    return item(ctx.request, render_integration(integration, with_secret=True))


@router.patch("/api/v4/integrations/{integration_id:int}", name="update_integration",
              responses=responses(IntegrationOut))
async def update_integration(integration_id: int, ctx: Ctx = admin_context("change integrations"),
                             data: IntegrationPatch = body(IntegrationPatch)) -> Response:
    """Kanbo extension: rename an integration, change its redirect URI, disable or enable it."""
    integration = await service.update_integration(ctx.session, ctx.principal, integration_id, data)
    return item(ctx.request, render_integration(integration))


@router.get(TOKENS, name="list_tokens", responses=responses(TokensPage, empty=True))
async def list_tokens(ctx: Ctx = admin_context("see long-lived tokens"), params: TokenList = query(TokenList)
                      ) -> Response:
    q = params.list_query()
    grants, total = await service.list_tokens(ctx.session, ctx.principal, offset=q.offset, limit=q.limit)
    return collection(ctx.request, "long_lived_tokens", [render_token(g) for g in grants], q,
                      has_next=q.offset + len(grants) < total, total=total)


@router.post(TOKENS, name="create_token", responses=responses(TokenOut))
async def create_token(ctx: Ctx = admin_context("create long-lived tokens"), data: TokenIn = body(TokenIn)
                       ) -> Response:
    grant, token = await service.create_token(ctx.session, ctx.principal, data, api_host(ctx.request))
    return item(ctx.request, render_token(grant, token))


@router.delete(TOKENS + "/{token_id:int}", name="revoke_token", responses=responses())
async def revoke_token(token_id: int, ctx: Ctx = admin_context("revoke long-lived tokens")) -> Response:
    await service.revoke_token(ctx.session, ctx.principal, token_id)
    return no_content()
