"""Access tokens on the API: expiry, tampering, revocation, long-lived tokens, context user, Host."""

from __future__ import annotations

import base64

import orjson
import pytest
from sqlalchemy import update

from kanbo.auth.service import create_long_lived_token
from kanbo.auth.tokens import issue_access_token, signing_key
from kanbo.core.db import bind_account
from kanbo.core.time import now
from kanbo.models.auth import Grant
from tests.auth.conftest import bearer, claims_of, refresh, run_unscoped, tokens_for
from tests.support.factories import make_tenant


async def get_account(client, token: str, **headers: str):
    return await client.get("/api/v4/account", headers={**bearer(token), **headers})


def assert_unauthorized(response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized" and body["detail"]


async def reissue(db, token: str, *, lifetime: int, issued_at: int | None = None) -> str:
    """A token for the same grant, signed with the server's key, with another lifetime."""
    claims = claims_of(token)
    async with db.transaction() as session:
        key = await signing_key(session)
    return issue_access_token(key, account_id=claims["account_id"], user_id=int(claims["sub"]),
                              grant_id=claims["grant_id"], api_domain=claims["api_domain"], lifetime=lifetime,
                              client_id=None, scopes=["crm"], issued_at=issued_at).token


async def test_missing_or_malformed_authorization(client):
    assert_unauthorized(await client.get("/api/v4/account"))
    assert_unauthorized(await client.get("/api/v4/account", headers={"Authorization": "Bearer"}))
    assert_unauthorized(await client.get("/api/v4/account", headers={"Authorization": "Bearer a.b.c"}))


async def test_expired_access_token(client, db, tenant):
    assert (await get_account(client, await reissue(db, tenant.admin.token, lifetime=100))).status_code == 200
    assert_unauthorized(await get_account(client, await reissue(db, tenant.admin.token, lifetime=-100)))
    stale = await reissue(db, tenant.admin.token, lifetime=86400, issued_at=now() - 2 * 86400)
    assert_unauthorized(await get_account(client, stale))


def flip(char: str) -> str:
    return "A" if char != "A" else "B"


async def test_tampered_signature(client, tenant):
    header, payload, signature = tenant.admin.token.split(".")
    middle = len(signature) // 2
    forged = f"{header}.{payload}.{signature[:middle]}{flip(signature[middle])}{signature[middle + 1:]}"
    assert_unauthorized(await get_account(client, forged))


async def test_tampered_payload(client, db, tenant):
    other = await make_tenant(db)
    header, payload, signature = tenant.admin.token.split(".")
    claims = claims_of(tenant.admin.token)
    claims["account_id"] = other.id
    forged_payload = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    assert_unauthorized(await get_account(client, f"{header}.{forged_payload}.{signature}"))
    assert_unauthorized(await get_account(client, f"{header}.{payload[:-2]}{flip(payload[-2])}{payload[-1]}"
                                                  f".{signature}"))


async def test_token_signed_with_another_key(client, tenant):
    claims = claims_of(tenant.admin.token)
    forged = issue_access_token("not-the-server-key-" + "x" * 40, account_id=claims["account_id"],
                                user_id=int(claims["sub"]), grant_id=claims["grant_id"],
                                api_domain="127.0.0.1:8000", lifetime=3600, client_id=None, scopes=["crm"]).token
    assert_unauthorized(await get_account(client, forged))


@pytest.mark.parametrize("which", ["refresh_token", "access_token"])
async def test_revocation_endpoint(client, db, oauth_client, which):
    tokens = await tokens_for(client, db, oauth_client)
    wrong = await client.post("/oauth2/revoke", json={"client_id": oauth_client.client_id,
                                                      "client_secret": "wrong", "token": tokens[which]})
    assert wrong.status_code == 401
    assert (await get_account(client, tokens["access_token"])).status_code == 200

    done = await client.post("/oauth2/revoke", data={**oauth_client.credentials(), "token": tokens[which]})
    assert done.status_code == 200
    assert_unauthorized(await get_account(client, tokens["access_token"]))
    assert (await refresh(client, oauth_client, tokens["refresh_token"])).status_code == 400


async def test_revoking_an_unknown_token_is_not_an_error(client, oauth_client):
    response = await client.post("/oauth2/revoke", json={**oauth_client.credentials(), "token": "nothing"})
    assert response.status_code == 200


async def test_disabled_integration_tokens_are_refused(client, db, oauth_client):
    from kanbo.models.auth import Integration

    tokens = await tokens_for(client, db, oauth_client)
    await run_unscoped(db, update(Integration).where(Integration.id == oauth_client.integration.id)
                       .values(is_active=False))
    assert_unauthorized(await get_account(client, tokens["access_token"]))


async def test_long_lived_token_works_until_it_expires(client, db, tenant):
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        token, expires_at = await create_long_lived_token(session, user=tenant.admin.user, integration=None,
                                                          days=3, api_domain="127.0.0.1:8000")
    claims = claims_of(token)
    assert claims["exp"] == expires_at and abs(expires_at - (now() + 3 * 86400)) <= 5
    assert (await get_account(client, token)).status_code == 200
    await run_unscoped(db, update(Grant).where(Grant.id == claims["grant_id"]).values(expires_at=now() - 1))
    assert_unauthorized(await get_account(client, token))
    # and the JWT's own exp is enforced too, whatever the grant says
    await run_unscoped(db, update(Grant).where(Grant.id == claims["grant_id"]).values(expires_at=None))
    assert (await get_account(client, token)).status_code == 200
    assert_unauthorized(await get_account(client, await reissue(db, token, lifetime=-60)))


async def test_context_user_lets_an_admin_act_as_another_user(client, tenant):
    member = await tenant.add_user(name="Seller")
    acting = await get_account(client, tenant.admin.token, **{"X-Context-User-ID": str(member.id)})
    assert acting.status_code == 200
    assert acting.json()["current_user_id"] == member.id
    # a non-admin cannot act as someone else: the header is ignored
    own = await get_account(client, member.token, **{"X-Context-User-ID": str(tenant.admin.id)})
    assert own.json()["current_user_id"] == member.id


async def test_context_user_must_be_an_active_user_of_the_account(client, db, tenant):
    stranger = await make_tenant(db)
    assert_unauthorized(await get_account(client, tenant.admin.token, **{"X-Context-User-ID": str(stranger.admin.id)}))
    assert_unauthorized(await get_account(client, tenant.admin.token, **{"X-Context-User-ID": "abc"}))


async def test_token_on_another_accounts_host_is_refused(client, db, tenant):
    other = await make_tenant(db)
    assert_unauthorized(await get_account(client, tenant.admin.token, Host=f"{other.account.subdomain}.kanbo.example"))
    assert_unauthorized(await get_account(client, tenant.admin.token,
                                          Host=f"{other.account.subdomain}.kanbo.example:8443"))
    own = await get_account(client, tenant.admin.token, Host=f"{tenant.account.subdomain}.kanbo.example")
    assert own.status_code == 200
    assert own.json()["_links"]["self"]["href"].startswith(f"http://{tenant.account.subdomain}.kanbo.example/")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "localhost:8000", "crm-box",
                                  "crm.lan:8080", "192.168.1.20:8000", "[::1]:8000"])
async def test_token_works_on_hosts_that_name_no_other_account(client, tenant, host):
    response = await get_account(client, tenant.admin.token, Host=host)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == tenant.id


async def test_account_subdomain_by_bearer_token(client, tenant):
    response = await client.get("/oauth2/account/subdomain", headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == {"id": tenant.id, "subdomain": tenant.account.subdomain,
                               "domain": "127.0.0.1:8000", "top_level_domain": ""}
    named = await client.get("/oauth2/account/subdomain",
                             headers={**tenant.headers, "Host": f"{tenant.account.subdomain}.kanbo.com"})
    assert named.json() == {"id": tenant.id, "subdomain": tenant.account.subdomain,
                            "domain": f"{tenant.account.subdomain}.kanbo.com", "top_level_domain": "com"}
    assert_unauthorized(await client.get("/oauth2/account/subdomain"))


async def test_account_subdomain_by_refresh_token(client, db, tenant, oauth_client):
    tokens = await tokens_for(client, db, oauth_client)
    response = await client.get("/oauth2/account/current/subdomain",
                                headers={"X-Refresh-Token": tokens["refresh_token"]})
    assert response.status_code == 200
    assert response.json() == {"id": tenant.id, "subdomain": tenant.account.subdomain,
                               "domain": "127.0.0.1:8000", "top_level_domain": ""}
    assert_unauthorized(await client.get("/oauth2/account/current/subdomain"))
    assert_unauthorized(await client.get("/oauth2/account/current/subdomain",
                                         headers={"X-Refresh-Token": "unknown"}))
    await client.post("/oauth2/revoke", json={**oauth_client.credentials(), "token": tokens["refresh_token"]})
    assert_unauthorized(await client.get("/oauth2/account/current/subdomain",
                                         headers={"X-Refresh-Token": tokens["refresh_token"]}))
