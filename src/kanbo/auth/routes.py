"""OAuth 2.0 endpoints on the account host: token, revocation, account-by-token look-ups."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from kanbo.auth import service
from kanbo.auth.context import Ctx, api_context
from kanbo.auth.tokens import decode_access_token, digest, signing_key
from kanbo.auth.wire import (
    JSON,
    AuthorizationCodeGrant,
    Grant,
    OAuthRevokeIn,
    OAuthSubdomainOut,
    OAuthTokenAnswer,
    read_fields,
    revoke_request,
    token_request,
)
from kanbo.core.db import unscoped
from kanbo.core.errors import OAuthError, Unauthorized
from kanbo.core.time import now
from kanbo.http.hal import api_host
from kanbo.http.responses import JsonResponse
from kanbo.http.route import TxRoute, db_session
from kanbo.http.wire import responses
from kanbo.models.accounts import Account
from kanbo.models.auth import Grant as GrantRow
from kanbo.models.auth import Integration, RefreshToken

router = APIRouter(route_class=TxRoute, default_response_class=JsonResponse)


def _client_credentials(request: Request, fields: dict[str, Any]) -> tuple[Any, Any]:
    """``client_id``/``client_secret`` from the body, or HTTP Basic client authentication."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("Client authentication failed", status=401) from None
        client_id, _, secret = decoded.partition(":")
        # RFC 6749 §2.3.1: both parts are form-urlencoded before being joined and base64-encoded.
        return unquote_plus(client_id), unquote_plus(secret)
    return fields.get("client_id"), fields.get("client_secret")


async def oauth_client(request: Request, session: AsyncSession = Depends(db_session)) -> Integration:
    """The integration calling, authenticated first (401 before any 400 about the rest of the body)."""
    client_id, client_secret = _client_credentials(request, await read_fields(request))
    return await service.authenticate_client(session, client_id, client_secret)


@router.post("/oauth2/access_token", name="access_token", responses=responses(OAuthTokenAnswer, media_type=JSON))
async def access_token(request: Request, session: AsyncSession = Depends(db_session),
                       integration: Integration = Depends(oauth_client), grant: Grant = token_request(),
                       ) -> JsonResponse:
    """Exchange an authorization code or a refresh token for a token pair. The body may also be
    ``application/x-www-form-urlencoded``; the client may authenticate with HTTP Basic instead."""
    try:
        if isinstance(grant, AuthorizationCodeGrant):
            tokens = await service.exchange_code(
                session, integration, code=grant.code, redirect_uri=grant.redirect_uri,
                code_verifier=grant.code_verifier, api_domain=api_host(request),
            )
        else:
            tokens = await service.refresh_tokens(
                session, integration, refresh_token=grant.refresh_token,
                redirect_uri=grant.redirect_uri, api_domain=api_host(request),
            )
    except service.GrantRevoked:
        # The request fails, but the revocation of the replayed grant must stay (the route's
        # transaction would otherwise roll it back with the error).
        await session.commit()
        raise
    return JsonResponse(tokens, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post("/oauth2/revoke", name="revoke", response_class=Response,
             responses={200: {"description": "Revoked, or the token was unknown (RFC 7009): an empty body"}})
async def revoke(session: AsyncSession = Depends(db_session), integration: Integration = Depends(oauth_client),
                 data: OAuthRevokeIn = revoke_request()) -> Response:
    """RFC 7009 revocation (a Kanbo extension): revokes the grant of a refresh or access token."""
    token = data.token
    if token and not await service.revoke_by_refresh_token(session, integration, token):
        await _revoke_access_token(session, integration.id, token)
    return Response(status_code=200)


async def _revoke_access_token(session: AsyncSession, integration_id: int, token: str) -> None:
    try:
        claims = decode_access_token(await signing_key(session), token)
    except Unauthorized:
        return  # RFC 7009: an invalid token is not an error
    with unscoped(session):
        grant = await session.get(GrantRow, claims["grant_id"])
    if grant is not None and grant.integration_id == integration_id:
        await service.revoke_grant(session, grant.id, "revoked")


def _subdomain_body(request: Request, account: Account) -> dict[str, Any]:
    host = api_host(request)
    hostname = host.split(":")[0]
    tld = hostname.rsplit(".", 1)[-1] if "." in hostname and not hostname.replace(".", "").isdigit() else ""
    return {"id": account.id, "subdomain": account.subdomain, "domain": host, "top_level_domain": tld}


@router.get("/oauth2/account/subdomain", name="account_subdomain",
            responses=responses(OAuthSubdomainOut, media_type=JSON))
async def account_subdomain(ctx: Ctx = Depends(api_context)) -> JsonResponse:
    account = await ctx.session.get(Account, ctx.principal.account_id)
    assert account is not None
    return JsonResponse(_subdomain_body(ctx.request, account))


@router.get("/oauth2/account/current/subdomain", name="account_by_refresh_token",
            responses=responses(OAuthSubdomainOut, media_type=JSON))
async def account_by_refresh_token(
    request: Request, session: AsyncSession = Depends(db_session),
    token: str | None = Header(None, alias="X-Refresh-Token", description="A live refresh token of the account"),
) -> JsonResponse:
    if not token:
        raise Unauthorized("X-Refresh-Token header is required")
    with unscoped(session):
        row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(token)))
        grant = await session.get(GrantRow, row.grant_id) if row is not None else None
        account = await session.get(Account, row.account_id) if row is not None else None
    # Only a live refresh token names its account (a revoked or expired one tells nothing).
    if row is None or grant is None or grant.revoked_at is not None or row.expires_at <= now() or account is None:
        raise Unauthorized("Invalid refresh token")
    return JsonResponse(_subdomain_body(request, account))
