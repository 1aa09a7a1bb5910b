"""The OAuth endpoints on the wire (spec §2.2, §2.3): token and revocation requests, their answers.

The token endpoint takes JSON or ``application/x-www-form-urlencoded`` (client-tolerance §7), client
credentials in the body or by HTTP Basic, and answers plain ``application/json``. Its errors are
Kommo's OAuth problems: a 400 (401 for the client) with a ``hint``; a malformed request also names
its fields in ``validation-errors``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import Field, RootModel, ValidationError
from pydantic_core import ErrorDetails

from kanbo.core.errors import BadRequest, OAuthError
from kanbo.http.body import read_form_or_json
from kanbo.http.wire import OutModel, WireModel, documented_body, field_errors

JSON = "application/json"


# Requests ---------------------------------------------------------------------------------------------

class OAuthClientAuth(WireModel):
    client_id: str | None = Field(None, description="The integration's id (or HTTP Basic client authentication)")
    client_secret: str | None = Field(None, description="The integration's secret (or HTTP Basic)")


class AuthorizationCodeGrant(OAuthClientAuth):
    grant_type: Literal["authorization_code"]
    code: str = Field(min_length=1, description="The authorization code (single use, 20 minutes)")
    redirect_uri: str | None = Field(None, description="Checked against the integration's when given")
    code_verifier: str | None = Field(None, description="PKCE (S256), when the code was issued with a challenge")


class RefreshTokenGrant(OAuthClientAuth):
    grant_type: Literal["refresh_token"]
    refresh_token: str = Field(min_length=1)
    redirect_uri: str | None = Field(None, description="Checked against the integration's when given")


Grant = AuthorizationCodeGrant | RefreshTokenGrant


class OAuthTokenRequest(RootModel[Annotated[Grant, Field(discriminator="grant_type")]]):
    """``POST /oauth2/access_token`` (JSON or a form body)."""


class OAuthRevokeIn(OAuthClientAuth):
    """``POST /oauth2/revoke`` (RFC 7009; JSON or a form body)."""

    token: str | None = Field(None, description="A refresh or access token; an unknown one is not an error")
    token_type_hint: str | None = None


_HINTS = {
    "grant_type": "The grant_type must be authorization_code or refresh_token",
    "code": "Check that the authorization code is present",
    "refresh_token": "Check that the refresh token is present",
}


def _untagged(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Error locations without the union's tag (``authorization_code.code`` → ``code``); a missing or
    unknown ``grant_type`` is the ``grant_type``'s error."""
    out: list[ErrorDetails] = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"].startswith("union_tag"):
            kind = "missing" if error["type"] == "union_tag_not_found" else "literal_error"
            out.append({**error, "type": kind, "loc": ("grant_type",)})
        else:
            out.append({**error, "loc": loc[1:] if loc and loc[0] in _TAGS else loc})
    return out


_TAGS = frozenset({"authorization_code", "refresh_token"})


def oauth_failure(exc: ValidationError) -> OAuthError:
    """A malformed OAuth request: the hint of its first field, every field in ``validation-errors``."""
    errors = field_errors(_untagged(exc.errors(include_url=False)))
    first = errors[0].path.split(".")[0] if errors else ""
    failure = OAuthError(_HINTS.get(first, f"Check the {first} parameter" if first else "Invalid request"))
    failure.extra["validation-errors"] = [{"request_id": "0", "errors": [e.as_dict() for e in errors]}]
    return failure


async def read_fields(request: Request) -> dict[str, Any]:
    """The body as fields, JSON or form; anything but an object is refused."""
    try:
        return await read_form_or_json(request)
    except BadRequest as error:
        raise OAuthError(error.detail, detail=error.detail) from None


def token_request() -> Any:
    """``grant: Grant = token_request()``: the grant the body asks for."""

    async def read(request: Request) -> Grant:
        try:
            return OAuthTokenRequest.model_validate(await read_fields(request)).root
        except ValidationError as exc:
            raise oauth_failure(exc) from None

    return documented_body(read, OAuthTokenRequest)


def revoke_request() -> Any:
    """``data: OAuthRevokeIn = revoke_request()``."""

    async def read(request: Request) -> OAuthRevokeIn:
        try:
            return OAuthRevokeIn.model_validate(await read_fields(request))
        except ValidationError as exc:
            raise oauth_failure(exc) from None

    return documented_body(read, OAuthRevokeIn)


# Answers ----------------------------------------------------------------------------------------------

class OAuthTokenAnswer(OutModel):
    token_type: Literal["Bearer"]
    expires_in: int
    server_time: int
    access_token: str = Field(description="A JWT (HS256) with exp, account_id, api_domain and jti claims")
    refresh_token: str


class OAuthSubdomainOut(OutModel):
    id: int
    subdomain: str
    domain: str
    top_level_domain: str
