"""Helpers for the OAuth, session and consent-page tests."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest_asyncio
from sqlalchemy import update

from kanbo.auth import service
from kanbo.auth.tokens import digest
from kanbo.core.db import Database, bind_account, unscoped
from kanbo.models.auth import AuthorizationCode, Integration
from kanbo.models.users import User
from tests.support.factories import Tenant

REDIRECT_URI = "https://app.example/kommo/callback?source=kanbo"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Client:
    """An integration with its credentials."""

    integration: Integration
    tenant: Tenant

    @property
    def client_id(self) -> str:
        return self.integration.client_id

    @property
    def secret(self) -> str:
        return self.integration.client_secret

    def credentials(self) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.secret}


async def make_integration(db: Database, tenant: Tenant, *, name: str = "Zap <Sync>",
                           redirect_uri: str = REDIRECT_URI, scopes: list[str] | None = None) -> Client:
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        integration = await service.create_integration(session, account_id=tenant.id, name=name,
                                                       redirect_uri=redirect_uri, scopes=scopes)
    return Client(integration, tenant)


@pytest_asyncio.fixture
async def oauth_client(db: Database, tenant: Tenant) -> Client:
    return await make_integration(db, tenant)


async def issue_code(db: Database, client: Client, user: User | None = None, **pkce: str) -> str:
    """A code as the consent page would issue it (without going through the browser)."""
    async with db.transaction() as session:
        bind_account(session, client.tenant.id)
        issued = await service.issue_code(session, client.integration, user or client.tenant.admin.user, **pkce)
    return issued.code


async def exchange(http: httpx.AsyncClient, client: Client, code: str, **extra: Any) -> httpx.Response:
    body = {**client.credentials(), "grant_type": "authorization_code", "code": code,
            "redirect_uri": client.integration.redirect_uri, **extra}
    return await http.post("/oauth2/access_token", json=body)


async def refresh(http: httpx.AsyncClient, client: Client, token: str) -> httpx.Response:
    body = {**client.credentials(), "grant_type": "refresh_token", "refresh_token": token,
            "redirect_uri": client.integration.redirect_uri}
    return await http.post("/oauth2/access_token", json=body)


async def tokens_for(http: httpx.AsyncClient, db: Database, client: Client) -> dict[str, Any]:
    response = await exchange(http, client, await issue_code(db, client))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims_of(token: str) -> dict[str, Any]:
    """The JWT payload, read without verifying the signature (as the PHP client does)."""
    parts = token.split(".")
    assert len(parts) == 3
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    claims: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(payload))
    return claims


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no csrf field in the page"
    return found.group(1)


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query, keep_blank_values=True).items()}


async def login(http: httpx.AsyncClient, email: str, password: str, *, subdomain: str = "",
                next_: str = "/") -> httpx.Response:
    page = await http.get("/login", params={"next": next_})
    assert page.status_code == 200, page.text
    form = {"csrf": csrf_of(page.text), "next": next_, "email": email, "password": password,
            "subdomain": subdomain}
    return await http.post("/login", data=form)


async def sign_in(http: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    """Sign the tenant's admin in; return ``/api/session``."""
    response = await login(http, tenant.admin.user.email, tenant.admin.password)
    assert response.status_code == 303, response.text
    info = await http.get("/api/session")
    assert info.status_code == 200, info.text
    body: dict[str, Any] = info.json()
    return body


async def run_unscoped(db: Database, statement: Any) -> None:
    """Run one UPDATE/DELETE across accounts (tests reach into the database this way)."""
    async with db.transaction() as session:
        with unscoped(session):
            await session.execute(statement)


async def set_user_active(db: Database, user_id: int, active: bool) -> None:
    await run_unscoped(db, update(User).where(User.id == user_id).values(is_active=active))


async def expire_code(db: Database, code: str, expires_at: int) -> None:
    await run_unscoped(db, update(AuthorizationCode).where(AuthorizationCode.code_hash == digest(code))
                       .values(expires_at=expires_at))
