"""Integrations and long-lived tokens on the wire (a Kanbo extension: Kommo manages them in its UI only).

Integrations (OAuth clients) are listed without their secret. A long-lived token's JWT is answered once,
by the request that creates it; it is never stored (only its grant is) and cannot be shown again.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from kanbo.accounts.account_wire import PageQuery
from kanbo.auth.service import MAX_LONG_LIVED_DAYS, MIN_LONG_LIVED_DAYS
from kanbo.core.time import now
from kanbo.http.wire import Id, OutModel, WireModel, hal_page
from kanbo.models.auth import Grant, Integration

TokenState = Literal["active", "expired", "revoked"]


# Requests ----------------------------------------------------------------------------------------

class TokenIn(WireModel):
    """``POST /api/v4/long_lived_tokens``: a token acting with the caller's rights."""

    days: int = Field(ge=MIN_LONG_LIVED_DAYS, le=MAX_LONG_LIVED_DAYS,
                      description="How long the token lives: 1 day to 5 years (1830 days)")
    integration_id: Id | None = Field(None, description="The integration the token belongs to (optional)")


#: An integration's name, and where its authorization answers go (an http(s) URL).
IntegrationName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
RedirectUri = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^https?://[^\s/]+\S*$")]


class IntegrationIn(WireModel):
    """``POST /api/v4/integrations``: a new OAuth integration (client) of the account."""

    name: IntegrationName
    redirect_uri: RedirectUri = Field(description="Where the consent page sends the authorization code")


class IntegrationPatch(WireModel):
    """``PATCH /api/v4/integrations/{id}``: what is given changes. A disabled integration's tokens stop working
    and it can neither be authorized nor exchange codes or refresh tokens; enabling it again restores them."""

    name: IntegrationName | None = None
    redirect_uri: RedirectUri | None = None
    is_active: bool | None = None


class TokenList(PageQuery):
    """``GET /api/v4/long_lived_tokens``: newest first, ``page`` and ``limit`` (≤ 250)."""


# Answers -----------------------------------------------------------------------------------------

class IntegrationOut(OutModel):
    id: int
    client_id: str
    name: str
    redirect_uri: str
    scopes: list[str]
    is_active: bool
    created_by: int
    created_at: int
    client_secret: str | SkipJsonSchema[None] = Field(
        None, description="Only in the answer of the request that created the integration")


class TokenOut(OutModel):
    id: int
    user_id: int
    integration_id: int | None
    created_at: int
    expires_at: int
    revoked_at: int | None
    state: TokenState
    access_token: str | SkipJsonSchema[None] = Field(
        None, description="The token itself: only in the answer of the request that created it")


IntegrationsList = hal_page("IntegrationsList", "integrations", IntegrationOut, total=True)
TokensPage = hal_page("TokensPage", "long_lived_tokens", TokenOut, total=True)


def render_integration(integration: Integration, *, with_secret: bool = False) -> dict[str, Any]:
    secret = {"client_secret": integration.client_secret} if with_secret else {}
    return {**secret,
        "id": integration.id, "client_id": integration.client_id, "name": integration.name,
        "redirect_uri": integration.redirect_uri, "scopes": list(integration.scopes or []),
        "is_active": bool(integration.is_active), "created_by": integration.created_by,
        "created_at": integration.created_at,
    }


def token_state(grant: Grant, at: int | None = None) -> str:
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expires_at is not None and grant.expires_at <= (now() if at is None else at):
        return "expired"
    return "active"


def render_token(grant: Grant, access_token: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": grant.id, "user_id": grant.user_id, "integration_id": grant.integration_id,
        "created_at": grant.created_at, "expires_at": grant.expires_at or 0, "revoked_at": grant.revoked_at,
        "state": token_state(grant),
    }
    if access_token is not None:
        body["access_token"] = access_token
    return body
