"""The typed OAuth wire: the token request as a union by ``grant_type`` (JSON or form), OAuth problems
with a ``hint`` and ``validation-errors``, the client checked first, and the published document."""

from __future__ import annotations

from tests.auth.conftest import exchange, issue_code
from tests.auth.test_token_endpoint import assert_oauth_error, assert_token_answer


def fields(body: dict) -> list[tuple[str, str]]:
    (entry,) = body["validation-errors"]
    return [(e["path"], e["code"]) for e in entry["errors"]]


async def test_each_grant_names_its_missing_fields(client, oauth_client):
    body = assert_oauth_error(await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "refresh_token"}), 400, "Check that the refresh token is present")
    assert fields(body) == [("refresh_token", "NotBlank")]
    body = assert_oauth_error(await client.post("/oauth2/access_token", data={
        **oauth_client.credentials(), "grant_type": "authorization_code", "code": ""}), 400,
        "Check that the authorization code is present")
    assert fields(body) == [("code", "NotBlank")]
    body = assert_oauth_error(await client.post("/oauth2/access_token", json=oauth_client.credentials()), 400,
                              "The grant_type must be authorization_code or refresh_token")
    assert fields(body) == [("grant_type", "NotBlank")]
    body = assert_oauth_error(await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "password"}), 400)
    assert fields(body) == [("grant_type", "NotSupportedChoice")]
    body = assert_oauth_error(await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "authorization_code", "code": "x", "redirect_uri": 5}), 400,
        "Check the redirect_uri parameter")
    assert fields(body) == [("redirect_uri", "InvalidType")]


async def test_the_client_is_checked_before_the_body(client, oauth_client):
    response = await client.post("/oauth2/access_token", json={"client_id": oauth_client.client_id,
                                                               "client_secret": "wrong", "grant_type": "x"})
    assert_oauth_error(response, 401, "Client authentication failed")
    assert_oauth_error(await client.post("/oauth2/access_token", content=b"[1, 2]",
                                         headers={"Content-Type": "application/json"}), 400)


async def test_unknown_keys_are_ignored(client, db, oauth_client):
    code = await issue_code(db, oauth_client)
    assert_token_answer(await exchange(client, oauth_client, code, scope="crm", state={"x": 1}))


async def test_revocation_body(client, oauth_client):
    body = assert_oauth_error(await client.post("/oauth2/revoke", json={**oauth_client.credentials(), "token": 5}),
                              400)
    assert fields(body) == [("token", "InvalidType")]
    answer = await client.post("/oauth2/revoke", data=oauth_client.credentials())
    assert answer.status_code == 200 and answer.content == b""


async def test_the_document(app):
    document = app.openapi()
    token = document["paths"]["/oauth2/access_token"]["post"]
    assert token["operationId"] == "auth.access_token"
    assert token["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OAuthTokenRequest"}
    assert token["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/OAuthTokenAnswer"}}}
    union = document["components"]["schemas"]["OAuthTokenRequest"]
    assert union["discriminator"]["propertyName"] == "grant_type"
    assert set(union["discriminator"]["mapping"]) == {"authorization_code", "refresh_token"}
    revoke = document["paths"]["/oauth2/revoke"]["post"]
    assert "content" not in revoke["responses"]["200"]
    by_refresh_token = document["paths"]["/oauth2/account/current/subdomain"]["get"]
    assert [p["name"] for p in by_refresh_token["parameters"]] == ["X-Refresh-Token"]
