"""Browser pages: sign-in, sign-out and the OAuth consent page (``/oauth``), plus ``/api/session`` (in the
OpenAPI document: the web UI's client is generated from it).

CSRF: before a session exists (the login form) a double-submit cookie ``kanbo_csrf`` must equal the
form's hidden ``csrf`` field; once signed in, forms carry the session's own CSRF token.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from kanbo.accounts.service import account_by_subdomain
from kanbo.accounts.users_service import set_own_language
from kanbo.accounts.users_wire import Language
from kanbo.auth import service
from kanbo.auth.context import Ctx, api_context
from kanbo.auth.sessions import (
    SESSION_COOKIE,
    ActiveSession,
    LoginFailed,
    check_credentials,
    create_session,
    delete_session,
    delete_session_by_id,
    find_session,
    purge_expired,
)
from kanbo.auth.throttle import LoginThrottle, address_key, email_key
from kanbo.config import get_settings
from kanbo.core.errors import BadRequest, Unauthorized
from kanbo.http.hal import api_host
from kanbo.http.negotiation import JSON
from kanbo.http.query import MAX_QUERY_PAIRS
from kanbo.http.responses import JsonResponse
from kanbo.http.route import TxRoute, db_session
from kanbo.http.wire import OutModel, WireModel, body, responses
from kanbo.models.accounts import Account
from kanbo.models.auth import Integration
from kanbo.web.i18n import pick_language, scope_label, text
from kanbo.web.render import Markup, escape, hidden_fields, language_links, page, redirect, render

router = APIRouter(route_class=TxRoute, include_in_schema=False)

CSRF_COOKIE = "kanbo_csrf"
CSRF_FIELD = "csrf"
OAUTH_PARAMS = ("client_id", "state", "mode", "redirect_uri", "response_type", "scope", "code_challenge",
                "code_challenge_method", "lang")
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_PKCE_CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


# Helpers -----------------------------------------------------------------------------------------
async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (first value of each field)."""
    try:
        raw = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        return {}
    fields: dict[str, str] = {}
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, max_num_fields=MAX_QUERY_PAIRS)
    except ValueError:
        raise BadRequest(f"Too many parameters: at most {MAX_QUERY_PAIRS} are accepted") from None
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


def safe_next(value: str | None) -> str:
    """A same-site relative path to go to after signing in; anything else becomes ``/``.

    It must start with one ``/`` (``//host`` and ``/\\host`` name other sites to browsers) and hold no
    control characters (browsers drop tabs and newlines, which could turn it into ``//host``).
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "/"
    return value


def _same(sent: str | None, expected: str | None) -> bool:
    return bool(sent) and bool(expected) and hmac.compare_digest(str(sent), str(expected))


def _set_cookie(response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=get_settings().auth.secure_cookies,
                        httponly=True, samesite="lax")


def _clear_cookie(response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=get_settings().auth.secure_cookies, httponly=True,
                           samesite="lax")


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query; its own parameters are kept (ours win on a clash)."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept + list(params.items())),
                       parts.fragment))


async def _host_account(session: AsyncSession, request: Request) -> Account | None:
    """The account named by the first label of the Host (``acme.crm.example`` → ``acme``), if any."""
    host = (request.headers.get("host") or "").split(":")[0].lower()
    label = host.split(".")[0]
    if "." not in host or not label or label.isdigit():
        return None
    return await account_by_subdomain(session, label)


def _error_page(lang: str, key: str, status: int, extra: Markup | None = None) -> Response:
    content = render("error.html", heading=text(lang, "error_title"), message=text(lang, key),
                     extra=extra or Markup(""))
    return page(lang, text(lang, "error_title"), content, status_code=status)


def _switch_user_form(lang: str, csrf: str, login_url: str) -> Markup:
    fields = hidden_fields({CSRF_FIELD: csrf, "next": login_url})
    return Markup(f'<form method="post" action="/logout">{fields}'
                  f'<button type="submit" class="link">{escape(text(lang, "switch_user"))}</button></form>')


# Sign-in and sign-out --------------------------------------------------------------------------------
def _login_page(request: Request, lang: str, *, next_: str, email: str = "", subdomain: str = "",
                error: str | None = None, status: int = 200, fresh_csrf: bool = False) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE, "")
    if fresh_csrf or not _TOKEN_SHAPE.match(csrf):
        csrf = secrets.token_urlsafe(32)
    content = render(
        "login.html", heading=text(lang, "login_title"),
        error=Markup(f'<p class="error" role="alert">{escape(error)}</p>') if error else Markup(""),
        csrf=csrf, next=next_, lang=lang, email=email, subdomain=subdomain,
        email_label=text(lang, "email"), password_label=text(lang, "password"),
        subdomain_label=text(lang, "subdomain"), submit=text(lang, "submit"),
        languages=language_links("/login", {"next": next_}, lang),
    )
    response = page(lang, text(lang, "login_title"), content, status_code=status)
    _set_cookie(response, CSRF_COOKIE, csrf)  # a browser-session cookie, gone when the browser closes
    return response


@router.get("/login")
async def login_form(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    next_ = safe_next(request.query_params.get("next"))
    if await find_session(session, request.cookies.get(SESSION_COOKIE)) is not None:
        return redirect(next_)
    account = await _host_account(session, request)
    lang = pick_language(request, account_language=account.language if account else None)
    return _login_page(request, lang, next_=next_, subdomain=account.subdomain if account else "")


def _login_throttle(request: Request) -> LoginThrottle:
    """The process's failed sign-in throttle (made with the app; made here for an app without one)."""
    throttle = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = request.app.state.login_throttle = LoginThrottle()
    return throttle


# A refused login answers 401 with the form again (not 200): scripts and tests can tell a failed
# sign-in from a page to fill in, and browsers show the page all the same.
LOGIN_FAILURE_STATUS = {"invalid": 401, "inactive": 403, "ambiguous": 400}


@router.post("/login")
async def login(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    form = await _form(request)
    lang = pick_language(request, form.get("lang"))
    next_ = safe_next(form.get("next"))
    email = form.get("email", "").strip()
    subdomain = form.get("subdomain", "").strip().lower()
    if not _same(form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)):
        return _login_page(request, lang, next_=next_, email=email, subdomain=subdomain,
                           error=text(lang, "err_csrf"), status=403, fresh_csrf=True)
    throttle = _login_throttle(request)
    keys = (email_key(subdomain, email), address_key(request.client.host if request.client else None))
    wait = throttle.retry_after(keys)
    if wait is not None:
        response = _login_page(request, lang, next_=next_, email=email, subdomain=subdomain,
                               error=text(lang, "err_throttled", seconds=str(wait)), status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        user = await check_credentials(session, email, form.get("password", ""), subdomain or None)
    except LoginFailed as failure:
        if failure.reason == "invalid":
            throttle.failed(keys)
        message = text(lang, "err_" + failure.reason, accounts=", ".join(failure.accounts))
        return _login_page(request, lang, next_=next_, email=email, subdomain=subdomain, error=message,
                           status=LOGIN_FAILURE_STATUS[failure.reason])
    throttle.succeeded(keys[0])
    await delete_session(session, request.cookies.get(SESSION_COOKIE))  # never keep a pre-login session
    await purge_expired(session)
    created = await create_session(session, user)
    response = redirect(next_)
    _set_cookie(response, SESSION_COOKIE, created.token, max_age=get_settings().auth.session_ttl)
    return response


@router.post("/logout")
async def logout(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    form = await _form(request)
    token = request.cookies.get(SESSION_COOKIE)
    current = await find_session(session, token)
    if current is not None:
        sent = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token")
        if not _same(sent, current.csrf_token):
            lang = pick_language(request, form.get("lang"), current.account.language)
            return _error_page(lang, "err_session_csrf", 403)
    await delete_session(session, token)
    response = redirect(safe_next(form.get("next") or "/login"))
    _clear_cookie(response, SESSION_COOKIE)
    return response


# OAuth consent -----------------------------------------------------------------------------------
async def _check_oauth_request(session: AsyncSession, params: dict[str, str]) -> tuple[Integration | None, str]:
    """The integration asked for, or the text key of what is wrong with the request."""
    integration = await service.find_integration(session, params.get("client_id", ""))
    if integration is None:
        return None, "err_client"
    if not integration.is_active:
        return None, "err_disabled"
    # Never redirect to a URI that was not registered: a mismatch is shown, not followed.
    if params.get("redirect_uri") and not service.same_redirect_uri(params["redirect_uri"], integration.redirect_uri):
        return None, "err_redirect"
    if params.get("response_type", "code") not in ("", "code"):
        return None, "err_response_type"
    challenge = params.get("code_challenge", "")
    if challenge and (
        params.get("code_challenge_method", "").upper() != "S256" or not _PKCE_CHALLENGE.match(challenge)
    ):
        return None, "err_pkce"
    return integration, ""


def _oauth_params(source: dict[str, str]) -> dict[str, str]:
    return {key: source[key] for key in OAUTH_PARAMS if source.get(key) is not None}


def _oauth_url(params: dict[str, str]) -> str:
    return "/oauth?" + urlencode(params)


def _login_url(params: dict[str, str]) -> str:
    """The sign-in page that comes back to this consent request (in the language asked for)."""
    query = {"next": _oauth_url(params)}
    if params.get("lang"):
        query["lang"] = params["lang"]
    return "/login?" + urlencode(query)


def _consent_page(request: Request, lang: str, current: ActiveSession, integration: Integration,
                  params: dict[str, str]) -> Response:
    account = current.account
    scopes = Markup("\n".join(f"<li>{escape(scope_label(lang, scope))}</li>" for scope in integration.scopes))
    hidden = {**{k: v for k, v in params.items() if k != "lang"}, "client_id": integration.client_id,
              "lang": lang, CSRF_FIELD: current.csrf_token}
    content = render(
        "consent.html", heading=text(lang, "consent_title"),
        intro=text(lang, "consent_intro", integration=f"«{integration.name}»",
                   account=f"«{account.name}» ({account.subdomain})"),
        scopes_heading=text(lang, "consent_scopes"), scopes=scopes,
        signed_in_as=text(lang, "consent_user", user=current.user.name, email=current.user.email),
        hidden=hidden_fields(hidden), allow=text(lang, "allow"), deny=text(lang, "deny"),
        csrf=current.csrf_token, login_again=_login_url(params),
        switch_user=text(lang, "switch_user"), languages=language_links("/oauth", params, lang),
    )
    return page(lang, text(lang, "consent_title"), content)


@router.get("/oauth")
async def consent(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    params = _oauth_params(dict(request.query_params))
    integration, problem = await _check_oauth_request(session, params)
    current = await find_session(session, request.cookies.get(SESSION_COOKIE))
    lang = pick_language(request, account_language=current.account.language if current else None)
    if integration is None:
        return _error_page(lang, problem, 400)
    if current is None:
        return redirect(_login_url(params))
    if integration.account_id != current.user.account_id:
        return _error_page(lang, "err_other_account", 403,
                           _switch_user_form(lang, current.csrf_token, _login_url(params)))
    return _consent_page(request, lang, current, integration, params)


@router.post("/oauth")
async def consent_answer(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    form = await _form(request)
    params = _oauth_params(form)
    current = await find_session(session, request.cookies.get(SESSION_COOKIE))
    if current is None:  # the session ended while the page was open: sign in again, then ask again
        return redirect(_login_url(params))
    lang = pick_language(request, form.get("lang"), current.account.language)
    if not _same(form.get(CSRF_FIELD), current.csrf_token):
        return _error_page(lang, "err_session_csrf", 403)
    integration, problem = await _check_oauth_request(session, params)
    if integration is None:
        return _error_page(lang, problem, 400)
    if integration.account_id != current.user.account_id:
        return _error_page(lang, "err_other_account", 403)
    state = params.get("state")
    # Both modes answer with a redirect: with mode=popup Kommo's button script in the opener
    # follows the popup's location, with post_message the redirect page itself posts to the opener.
    if form.get("decision") != "allow":
        answer = {"error": "access_denied", "client_id": integration.client_id}
        if state:
            answer["state"] = state
        return redirect(with_query(integration.redirect_uri, answer))
    try:
        issued = await service.issue_code(
            session, integration, current.user, code_challenge=params.get("code_challenge") or None,
            code_challenge_method=params.get("code_challenge_method") or None,
        )
    except BadRequest:
        return _error_page(lang, "err_pkce", 400)
    answer = {"code": issued.code}
    if state:
        answer["state"] = state
    answer["referer"] = api_host(request)
    answer["client_id"] = integration.client_id
    return redirect(with_query(integration.redirect_uri, answer))


# The web UI's view of its session (documented: the UI's generated client is typed from it) -----------
session_router = APIRouter(route_class=TxRoute, default_response_class=JsonResponse)


class SessionUser(OutModel):
    id: int
    name: str
    email: str
    lang: str
    is_admin: bool


class SessionAccount(OutModel):
    id: int
    name: str
    subdomain: str
    language: str
    currency: str
    timezone: str


class SessionInfo(OutModel):
    """Who the browser session is. ``user_id`` and ``account_id`` repeat ``user.id`` and ``account.id``."""

    user_id: int
    account_id: int
    user: SessionUser
    account: SessionAccount
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header on POST, PATCH, PUT and DELETE")


class SessionPatch(WireModel):
    """What the signed-in user changes of their own session: their language (kept on the user)."""

    lang: Language


def session_answer(current: ActiveSession) -> dict[str, Any]:
    user, account = current.user, current.account
    return {
        "user_id": user.id, "account_id": account.id,
        "user": {"id": user.id, "name": user.name, "email": user.email, "lang": user.lang,
                 "is_admin": user.is_admin},
        "account": {"id": account.id, "name": account.name, "subdomain": account.subdomain,
                    "language": account.language, "currency": account.currency, "timezone": account.timezone},
        "csrf_token": current.csrf_token,
    }


@session_router.get("/api/session", name="get_session", responses=responses(SessionInfo, media_type=JSON))
async def session_info(request: Request, session: AsyncSession = Depends(db_session)) -> Response:
    """Who the browser session is, and the CSRF token to send as ``X-CSRF-Token`` on unsafe calls.
    Only a browser session (the ``kanbo_session`` cookie) answers: 401 without one."""
    current = await find_session(session, request.cookies.get(SESSION_COOKIE))
    if current is None:
        raise Unauthorized("Sign in first: no valid browser session")
    return JsonResponse(session_answer(current), headers={"Cache-Control": "no-store"})


@session_router.patch("/api/session", name="update_session", responses=responses(SessionInfo, media_type=JSON))
async def update_session(request: Request, ctx: Ctx = Depends(api_context),
                         data: SessionPatch = body(SessionPatch)) -> Response:
    """Kanbo extension: the signed-in user's own language (the web UI's switch; every user may change it,
    no admin right needed). Answers the session as ``GET /api/session`` does."""
    if ctx.principal.via != "session":
        raise BadRequest("Only a browser session can be changed here")
    await set_own_language(ctx.session, ctx.principal, data.lang)
    current = await find_session(ctx.session, request.cookies.get(SESSION_COOKIE))
    if current is None:
        raise Unauthorized("Sign in first: no valid browser session")
    return JsonResponse(session_answer(current), headers={"Cache-Control": "no-store"})


@session_router.delete("/api/session", name="end_session", responses=responses())
async def end_session(ctx: Ctx = Depends(api_context)) -> Response:
    """Sign out from the web UI (an unsafe call: the session's ``X-CSRF-Token`` is required)."""
    if ctx.principal.via != "session":
        raise BadRequest("Only a browser session can be ended here")
    await delete_session_by_id(ctx.session, int(ctx.principal.credential.split(":", 1)[1]))
    response = Response(status_code=204)
    _clear_cookie(response, SESSION_COOKIE)
    return response
