"""Signing in and out in a real browser: the server-rendered /login page and the session the web UI uses."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from kanbo.auth.sessions import SESSION_COOKIE
from kanbo.web.i18n import text
from tests.browser.artifacts import snap
from tests.browser.server import KanboServer


def session_of(page: Page) -> tuple[int, dict[str, Any]]:
    """GET /api/session with the page's cookies (``page.request`` shares its context's cookie jar; the
    sign-in page's Content-Security-Policy forbids its own scripts to fetch anything)."""
    answer = page.request.get("/api/session")
    return answer.status, answer.json()


def sign_out(page: Page) -> int:
    """What the web UI does: DELETE /api/session with the session's CSRF token."""
    _, session = session_of(page)
    return page.request.delete("/api/session", headers={"X-CSRF-Token": session["csrf_token"]}).status


def session_cookies(page: Page) -> list[Any]:
    return [cookie for cookie in page.context.cookies() if cookie["name"] == SESSION_COOKIE]


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("es-ES", "es")])
def test_the_sign_in_page_renders_in_the_browsers_language(page: Page, lang: str):
    page.goto("/login")
    expect(page).to_have_title(f"{text(lang, 'login_title')} · Kanbo")
    expect(page.get_by_role("heading", name=text(lang, "login_title"))).to_be_visible()
    expect(page.get_by_label(text(lang, "email"))).to_be_focused()  # autofocus
    expect(page.get_by_label(text(lang, "password"))).to_be_empty()
    expect(page.get_by_label(text(lang, "subdomain"))).to_be_visible()
    expect(page.get_by_role("button", name=text(lang, "submit"))).to_be_enabled()
    snap(page, f"sign-in-{lang}")


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("es-ES", "es")])
def test_a_wrong_password_shows_the_error_and_keeps_the_email(page: Page, kanbo_server: KanboServer, lang: str):
    page.goto("/login")
    page.get_by_label(text(lang, "email")).fill(kanbo_server.email)
    page.get_by_label(text(lang, "password")).fill("not the password")
    page.get_by_role("button", name=text(lang, "submit")).click()
    expect(page.get_by_role("alert")).to_have_text(text(lang, "err_invalid"))
    expect(page.get_by_label(text(lang, "email"))).to_have_value(kanbo_server.email)
    expect(page.get_by_label(text(lang, "password"))).to_be_empty()
    assert session_cookies(page) == []
    assert session_of(page)[0] == 401
    snap(page, f"sign-in-error-{lang}")


def test_signing_in_with_the_demo_login_starts_a_session(signed_in_page: Page, kanbo_server: KanboServer):
    page = signed_in_page
    status, session = session_of(page)
    assert status == 200, session
    assert session["user_id"] == kanbo_server.user_id
    assert session["account_id"] == kanbo_server.account_id
    assert session["csrf_token"]
    (cookie,) = session_cookies(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    again = page.request.get("/login?next=/somewhere", max_redirects=0)  # signed in: no form, on to `next`
    assert (again.status, again.headers["location"]) == (303, "/somewhere")


def test_the_session_reads_what_the_api_wrote(signed_in_page: Page, api: httpx.Client):
    name = f"Made elsewhere {uuid.uuid4().hex[:8]}"
    added = api.post("/api/v4/leads", json=[{"name": name}])
    assert added.status_code == 200, added.text
    found = signed_in_page.request.get("/api/v4/leads", params={"query": name})  # the session cookie, no token
    assert found.status == 200, found.text()
    assert [lead["name"] for lead in found.json()["_embedded"]["leads"]] == [name]


def test_signing_out_ends_the_session(signed_in_page: Page, kanbo_server: KanboServer):
    page = signed_in_page
    assert page.request.delete("/api/session").status == 403  # not without the CSRF token
    assert sign_out(page) == 204
    assert session_cookies(page) == []
    assert session_of(page)[0] == 401
    page.goto("/login")
    expect(page).to_have_url(f"{kanbo_server.base_url}/login")
    expect(page.get_by_role("button", name=text("en", "submit"))).to_be_visible()
