"""Sign-in, sign-out, login CSRF and the browser session on the API."""

from __future__ import annotations

import pytest

from kanbo.accounts.service import create_user
from kanbo.core.db import bind_account
from tests.auth.conftest import csrf_of, login, set_user_active, sign_in
from tests.support.factories import make_tenant


def has_session_cookie(response) -> bool:
    return any(v.startswith("kanbo_session=") for v in response.headers.get_list("set-cookie"))


async def test_wrong_password_rerenders_the_form_with_401(client, tenant):
    response = await login(client, tenant.admin.user.email, "not-the-password", next_="/api/session")
    assert response.status_code == 401
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Wrong email or password" in response.text
    assert tenant.admin.user.email in response.text  # the email is kept in the form
    assert not has_session_cookie(response)
    assert (await client.get("/api/session")).status_code == 401


async def test_unknown_email_is_refused_like_a_wrong_password(client):
    response = await login(client, "nobody@nowhere.test", "whatever")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text


async def test_inactive_user_cannot_sign_in(client, db, tenant):
    member = await tenant.add_user(name="Gone")
    await set_user_active(db, member.id, False)
    response = await login(client, member.user.email, member.password)
    assert response.status_code == 403
    assert not has_session_cookie(response)


async def test_session_of_a_deactivated_user_stops_working(client, db, tenant):
    member = await tenant.add_user(name="Soon gone")
    assert (await login(client, member.user.email, member.password)).status_code == 303
    assert (await client.get("/api/session")).status_code == 200
    await set_user_active(db, member.id, False)
    assert (await client.get("/api/session")).status_code == 401
    assert (await client.get("/api/v4/account")).status_code == 401


@pytest.mark.parametrize("csrf", [None, "", "forged-value-that-is-long-enough-0123456789"])
async def test_login_without_the_csrf_cookie_value_is_refused(client, tenant, csrf):
    page = await client.get("/login")
    form = {"email": tenant.admin.user.email, "password": tenant.admin.password, "next": "/"}
    if csrf is not None:
        form["csrf"] = csrf
    response = await client.post("/login", data=form)
    assert response.status_code == 403
    assert not has_session_cookie(response)
    assert (await client.get("/api/session")).status_code == 401
    # the re-rendered form carries a fresh token that works
    assert csrf_of(response.text) != csrf_of(page.text)
    retry = await client.post("/login", data={**form, "csrf": csrf_of(response.text)})
    assert retry.status_code == 303


async def test_login_csrf_field_without_the_cookie_is_refused(client, tenant):
    page = await client.get("/login")
    client.cookies.delete("kanbo_csrf")
    response = await client.post("/login", data={"email": tenant.admin.user.email, "csrf": csrf_of(page.text),
                                                 "password": tenant.admin.password})
    assert response.status_code == 403
    assert not has_session_cookie(response)


@pytest.mark.parametrize(("next_", "expected"), [
    ("/oauth?client_id=1&state=2", "/oauth?client_id=1&state=2"),
    ("https://evil.example/", "/"),
    ("//evil.example/path", "/"),
    ("/\\evil.example", "/"),
    ("/\t/evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
async def test_next_only_allows_same_site_paths(client, tenant, next_, expected):
    response = await login(client, tenant.admin.user.email, tenant.admin.password, next_=next_)
    assert response.status_code == 303
    assert response.headers["location"] == expected


async def test_same_email_in_two_accounts_needs_the_subdomain(client, db, unique):
    email, password = f"shared-{unique}@example.com", "shared-password-1"
    first, second = await make_tenant(db), await make_tenant(db)
    for tenant in (first, second):
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            await create_user(session, email=email, name="Shared", password=password)
    ambiguous = await login(client, email, password)
    assert ambiguous.status_code == 400
    assert first.account.subdomain in ambiguous.text and second.account.subdomain in ambiguous.text
    assert not has_session_cookie(ambiguous)
    wrong_account = await login(client, email, password, subdomain="no-such-account")
    assert wrong_account.status_code == 401
    chosen = await login(client, email, password, subdomain=second.account.subdomain.upper())
    assert chosen.status_code == 303
    assert (await client.get("/api/session")).json()["account_id"] == second.id


async def test_same_email_with_a_different_password_is_not_ambiguous(client, db, unique):
    email = f"twice-{unique}@example.com"
    first, second = await make_tenant(db), await make_tenant(db)
    for tenant, password in ((first, "password-first"), (second, "password-second")):
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            await create_user(session, email=email, name="Twice", password=password)
    assert (await login(client, email, "password-second")).status_code == 303
    assert (await client.get("/api/session")).json()["account_id"] == second.id


async def test_api_session_reports_the_user_and_csrf_token(client, tenant):
    assert (await client.get("/api/session")).status_code == 401
    info = await sign_in(client, tenant)
    assert info["user_id"] == tenant.admin.id
    assert info["account_id"] == tenant.id
    assert isinstance(info["csrf_token"], str) and len(info["csrf_token"]) >= 32


async def test_signed_in_login_page_redirects_to_next(client, tenant):
    await sign_in(client, tenant)
    response = await client.get("/login", params={"next": "/api/session"})
    assert response.status_code == 303 and response.headers["location"] == "/api/session"


async def test_logout_needs_the_session_csrf_token(client, tenant):
    info = await sign_in(client, tenant)
    refused = await client.post("/logout", data={"csrf": "wrong"})
    assert refused.status_code == 403
    assert (await client.get("/api/session")).status_code == 200
    done = await client.post("/logout", data={"csrf": info["csrf_token"], "next": "/login?lang=es"})
    assert done.status_code == 303
    assert done.headers["location"] == "/login?lang=es"
    assert any(v.startswith("kanbo_session=") and "max-age=0" in v.lower()
               for v in done.headers.get_list("set-cookie"))
    assert (await client.get("/api/session")).status_code == 401


async def test_logged_out_cookie_is_dead_even_if_replayed(client, tenant):
    info = await sign_in(client, tenant)
    cookie = client.cookies.get("kanbo_session")
    await client.post("/logout", data={"csrf": info["csrf_token"]})
    client.cookies.set("kanbo_session", cookie)
    assert (await client.get("/api/session")).status_code == 401


async def test_session_cookie_authenticates_safe_api_calls(client, tenant):
    await sign_in(client, tenant)
    response = await client.get("/api/v4/account")
    assert response.status_code == 200
    assert response.json()["current_user_id"] == tenant.admin.id


async def test_unsafe_api_call_with_a_session_cookie_needs_x_csrf_token(client, tenant):
    # DELETE /api/session is an unsafe API route authenticated like every other one (api_context),
    # so it shows the rule: the cookie alone is not enough, the session's X-CSRF-Token is required.
    # (DELETE /api/v4/account would only show a 405: routing answers before authentication.)
    info = await sign_in(client, tenant)
    missing = await client.delete("/api/session")
    assert missing.status_code == 403
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await client.delete("/api/session", headers={"X-CSRF-Token": info["csrf_token"][:-1] + "x"})
    assert wrong.status_code == 403
    assert (await client.get("/api/session")).status_code == 200  # still signed in
    done = await client.delete("/api/session", headers={"X-CSRF-Token": info["csrf_token"]})
    assert done.status_code == 204
    assert (await client.get("/api/session")).status_code == 401


async def test_bearer_token_needs_no_csrf_token(client, tenant):
    response = await client.delete("/api/session", headers=tenant.headers)
    assert response.status_code == 400  # authenticated (no 403), but a token has no browser session


async def test_secure_cookies_setting(client, tenant, monkeypatch):
    from kanbo.config import reset_settings

    monkeypatch.setenv("KANBO_SECURE_COOKIES", "true")
    reset_settings()
    try:
        page = await client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()
        csrf = csrf_of(page.text)
        form = {"csrf": csrf, "email": tenant.admin.user.email, "password": tenant.admin.password}
        # httpx keeps Secure cookies for https only; send it by hand as a browser on https would
        response = await client.post("/login", data=form, headers={"Cookie": f"kanbo_csrf={csrf}"})
        assert response.status_code == 303
        session_cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("kanbo_session="))
        assert "; secure" in session_cookie.lower() and "httponly" in session_cookie.lower()
    finally:
        monkeypatch.delenv("KANBO_SECURE_COOKIES")
        reset_settings()


async def test_account_host_fills_in_the_subdomain_and_language(client, db):
    spanish = await make_tenant(db, language="es")
    page = await client.get("/login", headers={"Host": f"{spanish.account.subdomain}.kanbo.example"})
    assert f'name="subdomain" value="{spanish.account.subdomain}"' in page.text
    assert "Iniciar sesión" in page.text
