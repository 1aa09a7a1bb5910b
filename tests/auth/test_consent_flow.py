"""The authorization-code flow through the real login and consent pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from kanbo.auth.tokens import pkce_s256
from tests.auth.conftest import (
    REDIRECT_URI,
    bearer,
    csrf_of,
    make_integration,
    query_of,
    sign_in,
)
from tests.support.factories import make_tenant


def assert_page_headers(response) -> None:
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def cookie_header(response, name: str) -> str:
    for value in response.headers.get_list("set-cookie"):
        if value.startswith(name + "="):
            return value
    raise AssertionError(f"no {name} cookie set")


async def consent_form(client, oauth_client, **params) -> tuple[str, dict]:
    """Open the consent page (already signed in); return its HTML and the form to post back."""
    query = {"client_id": oauth_client.client_id, "state": "st-1", "mode": "post_message", **params}
    page = await client.get("/oauth", params=query)
    assert page.status_code == 200, page.text
    form = {**query, "csrf": csrf_of(page.text)}
    return page.text, form


async def test_full_authorization_code_flow(client, tenant, oauth_client):
    query = {"client_id": oauth_client.client_id, "state": "xyz 1/2", "mode": "popup"}
    first = await client.get("/oauth", params=query)
    assert first.status_code == 303
    assert first.headers["cache-control"] == "no-store"
    login_url = first.headers["location"]
    assert urlsplit(login_url).path == "/login"
    next_ = query_of(login_url)["next"]
    assert next_.startswith("/oauth?") and query_of(next_)["client_id"] == oauth_client.client_id

    page = await client.get(login_url)
    assert page.status_code == 200
    assert_page_headers(page)
    csrf_cookie = cookie_header(page, "kanbo_csrf")
    assert "httponly" in csrf_cookie.lower() and "samesite=lax" in csrf_cookie.lower()
    form = {"csrf": csrf_of(page.text), "next": next_, "email": tenant.admin.user.email.upper(),
            "password": tenant.admin.password, "subdomain": ""}
    signed_in = await client.post("/login", data=form)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == next_
    session_cookie = cookie_header(signed_in, "kanbo_session").lower()
    assert "httponly" in session_cookie and "samesite=lax" in session_cookie and "path=/" in session_cookie
    assert "secure" not in session_cookie  # KANBO_SECURE_COOKIES is off in tests

    consent = await client.get(next_)
    assert consent.status_code == 200
    assert_page_headers(consent)
    assert "Zap &lt;Sync&gt;" in consent.text and "<Sync>" not in consent.text  # escaped
    assert tenant.account.subdomain in consent.text
    assert "Read and change the CRM data" in consent.text  # the scopes
    answer = {**query, "csrf": csrf_of(consent.text), "decision": "allow"}
    allowed = await client.post("/oauth", data=answer)
    assert allowed.status_code == 303
    location = allowed.headers["location"]
    assert location.startswith("https://app.example/kommo/callback?")
    params = query_of(location)
    assert params["source"] == "kanbo"  # the registered URI's own query is kept
    assert params["state"] == "xyz 1/2"
    assert params["referer"] == "127.0.0.1:8000"
    assert params["client_id"] == oauth_client.client_id
    assert params["code"]

    client.cookies.clear()  # the integration's back end has no browser session
    tokens = await client.post("/oauth2/access_token", json={
        **oauth_client.credentials(), "grant_type": "authorization_code", "code": params["code"],
        "redirect_uri": REDIRECT_URI,
    })
    assert tokens.status_code == 200, tokens.text
    account = await client.get("/api/v4/account", headers=bearer(tokens.json()["access_token"]))
    assert account.status_code == 200
    assert account.json()["id"] == tenant.id
    assert account.json()["current_user_id"] == tenant.admin.id


async def test_deny_redirects_with_access_denied(client, tenant, oauth_client):
    await sign_in(client, tenant)
    _, form = await consent_form(client, oauth_client)
    denied = await client.post("/oauth", data={**form, "decision": "deny"})
    assert denied.status_code == 303
    params = query_of(denied.headers["location"])
    assert params == {"source": "kanbo", "error": "access_denied", "client_id": oauth_client.client_id,
                      "state": "st-1"}


async def test_consent_answer_needs_the_session_csrf_token(client, tenant, oauth_client):
    await sign_in(client, tenant)
    _, form = await consent_form(client, oauth_client)
    for csrf in ("", "wrong-" + form["csrf"]):
        refused = await client.post("/oauth", data={**form, "csrf": csrf, "decision": "allow"})
        assert refused.status_code == 403
        assert "location" not in refused.headers
        assert_page_headers(refused)


async def test_unknown_client_is_an_error_page(client, tenant, oauth_client):
    await sign_in(client, tenant)
    for client_id in ("8d1e6a43-0000-4000-8000-000000000000", "not-a-uuid", ""):
        page = await client.get("/oauth", params={"client_id": client_id, "state": "s"})
        assert page.status_code == 400
        assert_page_headers(page)
        assert "Unknown integration" in page.text


async def test_unknown_client_is_reported_before_signing_in(client):
    page = await client.get("/oauth", params={"client_id": "8d1e6a43-0000-4000-8000-000000000000"})
    assert page.status_code == 400


async def test_integration_of_another_account_is_forbidden(client, db, tenant):
    other = await make_tenant(db)
    foreign = await make_integration(db, other)
    await sign_in(client, tenant)
    page = await client.get("/oauth", params={"client_id": foreign.client_id, "state": "s"})
    assert page.status_code == 403
    assert_page_headers(page)
    assert "another account" in page.text
    forged = await client.post("/oauth", data={"client_id": foreign.client_id, "decision": "allow",
                                               "csrf": (await client.get("/api/session")).json()["csrf_token"]})
    assert forged.status_code == 403
    assert "location" not in forged.headers


async def test_unregistered_redirect_uri_is_never_followed(client, tenant, oauth_client):
    await sign_in(client, tenant)
    page = await client.get("/oauth", params={"client_id": oauth_client.client_id,
                                              "redirect_uri": "https://evil.example/cb"})
    assert page.status_code == 400
    assert "redirect_uri" in page.text
    _, form = await consent_form(client, oauth_client, redirect_uri=REDIRECT_URI)
    for decision in ("allow", "deny"):
        tampered = await client.post("/oauth", data={**form, "redirect_uri": "https://evil.example/cb",
                                                     "decision": decision})
        assert tampered.status_code == 400
        assert "location" not in tampered.headers


async def test_pkce_through_the_consent_page(client, tenant, oauth_client):
    verifier = "v" * 20 + "-._~" + "0123456789abcdefghijklmnopqrstuvwxyz"
    await sign_in(client, tenant)
    _, form = await consent_form(client, oauth_client, code_challenge=pkce_s256(verifier),
                                 code_challenge_method="S256")
    allowed = await client.post("/oauth", data={**form, "decision": "allow"})
    code = query_of(allowed.headers["location"])["code"]
    body = {**oauth_client.credentials(), "grant_type": "authorization_code", "code": code}
    without = await client.post("/oauth2/access_token", json=body)
    assert without.status_code == 400
    good = await client.post("/oauth2/access_token", json={**body, "code_verifier": verifier})
    assert good.status_code == 200, good.text


async def test_plain_pkce_is_refused_on_the_page(client, tenant, oauth_client):
    await sign_in(client, tenant)
    page = await client.get("/oauth", params={"client_id": oauth_client.client_id, "code_challenge": "a" * 43,
                                              "code_challenge_method": "plain"})
    assert page.status_code == 400


async def test_expired_session_sends_back_to_login(client, tenant, oauth_client):
    await sign_in(client, tenant)
    _, form = await consent_form(client, oauth_client)
    client.cookies.delete("kanbo_session")
    answer = await client.post("/oauth", data={**form, "decision": "allow"})
    assert answer.status_code == 303
    assert urlsplit(answer.headers["location"]).path == "/login"


async def test_pages_speak_spanish_and_english(client, db, tenant, oauth_client):
    assert "Sign in" in (await client.get("/login")).text
    assert "Iniciar sesión" in (await client.get("/login", params={"lang": "es"})).text
    spanish = await client.get("/login", headers={"Accept-Language": "de-DE,es;q=0.8,en;q=0.5"})
    assert "Iniciar sesión" in spanish.text and '<html lang="es">' in spanish.text
    english = await client.get("/login", params={"lang": "en"}, headers={"Accept-Language": "es"})
    assert "Sign in" in english.text

    hispanic = await make_tenant(db, language="es")
    their_client = await make_integration(db, hispanic)
    await sign_in(client, hispanic)
    consent = await client.get("/oauth", params={"client_id": their_client.client_id})
    assert "Permitir" in consent.text and "Denegar" in consent.text  # the account's language
    english = await client.get("/oauth", params={"client_id": their_client.client_id},
                               headers={"Accept-Language": "en-GB"})
    assert "Allow" in english.text
