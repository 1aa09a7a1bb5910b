"""OAuth 2.0 endpoints on the account host: token, revocation, account-by-token look-ups."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from kanbo.auth import service
from kanbo.auth.context import Ctx, api_context
from kanbo.auth.tokens import decode_access_token, digest, signing_key
from kanbo.core.db import unscoped
from kanbo.core.errors import OAuthError, Unauthorized
from kanbo.core.time import now
from kanbo.http.body import read_form_or_json
from kanbo.http.hal import api_host
from kanbo.http.responses import JsonResponse
from kanbo.http.route import TxRoute, db_session
from kanbo.models.accounts import Account
from kanbo.models.auth import Grant, RefreshToken

router = APIRouter(route_class=TxRoute, default_response_class=JsonResponse)


def _client_credentials(request: Request, body: dict[str, Any]) -> tuple[Any, Any]:
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
    return body.get("client_id"), body.get("client_secret")


@router.post("/oauth2/access_token")
async def access_token(request: Request, session: AsyncSession = Depends(db_session)) -> JsonResponse:
    body = await read_form_or_json(request)
    grant_type = body.get("grant_type")
    if grant_type not in ("authorization_code", "refresh_token"):
        raise OAuthError("The grant_type must be authorization_code or refresh_token")
    client_id, client_secret = _client_credentials(request, body)
    integration = await service.authenticate_client(session, client_id, client_secret)
    try:
        if grant_type == "authorization_code":
            tokens = await service.exchange_code(
                session, integration, code=body.get("code"), redirect_uri=body.get("redirect_uri"),
                code_verifier=body.get("code_verifier"), api_domain=api_host(request),
            )
        else:
            tokens = await service.refresh_tokens(
                session, integration, refresh_token=body.get("refresh_token"),
                redirect_uri=body.get("redirect_uri"), api_domain=api_host(request),
            )
    except service.GrantRevoked:
        # The request fails, but the revocation of the replayed grant must stay (the route's
        # transaction would otherwise roll it back with the error).
        await session.commit()
        raise
    return JsonResponse(tokens, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post("/oauth2/revoke")
async def revoke(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    """RFC 7009 revocation (a Kanbo extension): revokes the grant of a refresh or access token."""
    body = await read_form_or_json(request)
    client_id, client_secret = _client_credentials(request, body)
    integration = await service.authenticate_client(session, client_id, client_secret)
    token = body.get("token")
    if isinstance(token, str) and token and not await service.revoke_by_refresh_token(session, integration, token):
        await _revoke_access_token(session, integration.id, token)
    return Response(status_code=200)


async def _revoke_access_token(session: AsyncSession, integration_id: int, token: str) -> None:
    try:
        claims = decode_access_token(await signing_key(session), token)
    except Unauthorized:
        return  # RFC 7009: an invalid token is not an error
    with unscoped(session):
        grant = await session.get(Grant, claims["grant_id"])
    if grant is not None and grant.integration_id == integration_id:
        await service.revoke_grant(session, grant.id, "revoked")


def _subdomain_body(request: Request, account: Account) -> dict[str, Any]:
    host = api_host(request)
    hostname = host.split(":")[0]
    tld = hostname.rsplit(".", 1)[-1] if "." in hostname and not hostname.replace(".", "").isdigit() else ""
    return {"id": account.id, "subdomain": account.subdomain, "domain": host, "top_level_domain": tld}


@router.get("/oauth2/account/subdomain")
async def account_subdomain(ctx: Ctx = Depends(api_context)) -> JsonResponse:
    account = await ctx.session.get(Account, ctx.principal.account_id)
    assert account is not None
    return JsonResponse(_subdomain_body(ctx.request, account))


@router.get("/oauth2/account/current/subdomain")
async def account_by_refresh_token(request: Request, session: AsyncSession = Depends(db_session)) -> JsonResponse:
    token = request.headers.get("x-refresh-token", "")
    if not token:
        raise Unauthorized("X-Refresh-Token header is required")
    with unscoped(session):
        row = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(token)))
        grant = await session.get(Grant, row.grant_id) if row is not None else None
        account = await session.get(Account, row.account_id) if row is not None else None
    # Only a live refresh token names its account (a revoked or expired one tells nothing).
    if row is None or grant is None or grant.revoked_at is not None or row.expires_at <= now() or account is None:
        raise Unauthorized("Invalid refresh token")
    return JsonResponse(_subdomain_body(request, account))
