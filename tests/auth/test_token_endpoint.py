"""``POST /oauth2/access_token`` with the authorization_code grant, and its errors."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest

from kanbo.auth.tokens import pkce_s256
from kanbo.core.time import now
from tests.auth.conftest import (
    bearer,
    claims_of,
    exchange,
    expire_code,
    issue_code,
    make_integration,
    refresh,
)

B64URL = re.compile(r"^[A-Za-z0-9_-]+$")


def assert_token_answer(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 86400
    assert isinstance(body["refresh_token"], str) and len(body["refresh_token"]) >= 40
    parts = body["access_token"].split(".")
    assert len(parts) == 3 and all(B64URL.match(part) for part in parts)
    return body


def assert_oauth_error(response, status: int, hint: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"hint", "title", "type", "status", "detail"} <= set(body)
    assert body["status"] == status and body["type"] == f"https://httpstatus.es/{status}"
    if hint is not None:
        assert body["hint"] == hint
    return body


async def test_json_body_grant(client, db, tenant, oauth_client):
    body = assert_token_answer(await exchange(client, oauth_client, await issue_code(db, oauth_client)))
    claims = claims_of(body["access_token"])
    assert isinstance(claims["exp"], int) and claims["exp"] - claims["iat"] == 86400
    assert abs(claims["exp"] - (now() + 86400)) <= 5
    assert claims["account_id"] == tenant.id
    assert claims["api_domain"] == "127.0.0.1:8000"
    assert isinstance(claims["jti"], str) and claims["jti"]
    assert claims["aud"] == oauth_client.client_id
    account = await client.get("/api/v4/account", headers=bearer(body["access_token"]))
    assert account.status_code == 200


async def test_form_body_grant(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    response = await client.post("/oauth2/access_token", data={
        **oauth_client.credentials(), "grant_type": "authorization_code", "code": code,
        "redirect_uri": oauth_client.integration.redirect_uri,
    })
    assert_token_answer(response)


async def test_http_basic_client_authentication(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    raw = f"{quote(oauth_client.client_id)}:{quote(oauth_client.secret)}".encode()
    response = await client.post(
        "/oauth2/access_token", data={"grant_type": "authorization_code", "code": code},
        headers={"Authorization": "Basic " + base64.b64encode(raw).decode()},
    )
    assert_token_answer(response)


async def test_basic_authentication_with_a_wrong_secret_fails(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    raw = f"{oauth_client.client_id}:wrong".encode()
    response = await client.post(
        "/oauth2/access_token", json={"grant_type": "authorization_code", "code": code},
        headers={"Authorization": "Basic " + base64.b64encode(raw).decode()},
    )
    assert_oauth_error(response, 401)


async def test_token_answer_is_json_whatever_the_request_accepts(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    response = await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "authorization_code", "code": code,
    }, headers={"Accept": "text/html"})
    assert_token_answer(response)
    assert response.headers["cache-control"] == "no-store"


async def test_unsupported_grant_type(client, oauth_client):
    response = await client.post("/oauth2/access_token", json={**oauth_client.credentials(),
                                                                "grant_type": "password"})
    assert_oauth_error(response, 400)


async def test_wrong_redirect_uri_is_refused_and_keeps_the_code(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    refused = await exchange(client, oauth_client, code, redirect_uri="https://evil.example/cb")
    assert_oauth_error(refused, 400, "Redirect URI mismatch")
    assert_token_answer(await exchange(client, oauth_client, code))


async def test_wrong_secret(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    response = await exchange(client, oauth_client, code, client_secret="x" * 64)
    assert_oauth_error(response, 401, "Client authentication failed")
    assert_token_answer(await exchange(client, oauth_client, code))  # the code was not spent


@pytest.mark.parametrize("client_id", ["0b6c1c36-6f52-4c38-9b8e-1b8bd5f0c000", "nonsense", 42, None])
async def test_unknown_client(client, db, oauth_client, client_id):
    code = await issue_code(db, oauth_client)
    response = await exchange(client, oauth_client, code, client_id=client_id)
    assert_oauth_error(response, 401)


async def test_code_of_another_integration(client, db, tenant, oauth_client):
    other = await make_integration(db, tenant, name="Other")
    code = await issue_code(db, other)
    response = await exchange(client, oauth_client, code)
    assert_oauth_error(response, 400, "Cannot decrypt the authorization code")


async def test_unknown_or_missing_code(client, oauth_client):
    assert_oauth_error(await exchange(client, oauth_client, "no-such-code"), 400,
                       "Cannot decrypt the authorization code")
    assert_oauth_error(await exchange(client, oauth_client, ""), 400)


async def test_expired_code(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    await expire_code(db, code, now() - 1)
    assert_oauth_error(await exchange(client, oauth_client, code), 400, "Authorization code has expired")


async def test_code_lives_twenty_minutes(client, db, oauth_client, monkeypatch):
    code = await issue_code(db, oauth_client)
    import kanbo.auth.service as service

    monkeypatch.setattr(service, "now", lambda: now() + 20 * 60 + 1)
    assert_oauth_error(await exchange(client, oauth_client, code), 400, "Authorization code has expired")
    monkeypatch.setattr(service, "now", lambda: now() + 19 * 60)
    assert_token_answer(await exchange(client, oauth_client, code))


async def test_reused_code_fails_and_revokes_the_first_grant(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    first = assert_token_answer(await exchange(client, oauth_client, code))
    assert (await client.get("/api/v4/account", headers=bearer(first["access_token"]))).status_code == 200
    assert_oauth_error(await exchange(client, oauth_client, code), 400, "Authorization code has been revoked")
    revoked = await client.get("/api/v4/account", headers=bearer(first["access_token"]))
    assert revoked.status_code == 401
    assert revoked.headers["content-type"] == "application/problem+json"
    assert_oauth_error(await refresh(client, oauth_client, first["refresh_token"]), 400)


async def test_pkce_s256(client, db, oauth_client):
    verifier = "k" * 43 + "~._-"
    challenge = {"code_challenge": pkce_s256(verifier), "code_challenge_method": "S256"}
    code = await issue_code(db, oauth_client, **challenge)
    assert_oauth_error(await exchange(client, oauth_client, code), 400, "Failed to verify code_verifier")
    assert_oauth_error(await exchange(client, oauth_client, code, code_verifier="k" * 47), 400,
                       "Failed to verify code_verifier")
    assert_token_answer(await exchange(client, oauth_client, code, code_verifier=verifier))


async def test_token_of_an_inactive_user_is_not_issued(client, db, tenant, oauth_client):
    from tests.auth.conftest import set_user_active

    member = await tenant.add_user(name="Leaving")
    code = await issue_code(db, oauth_client, member.user)
    await set_user_active(db, member.id, False)
    assert_oauth_error(await exchange(client, oauth_client, code), 400)
