"""The real ``kanbo`` command, run as subprocesses against fresh databases."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.support import databases

pytestmark = pytest.mark.slow



def cli_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANBO_")}
    env["KANBO_DATABASE_URL"] = url
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Run:
    code: int
    out: dict[str, Any]
    stderr: str


def kanbo(url: str, *args: str) -> Run:
    done = subprocess.run([sys.executable, "-m", "kanbo", *args], env=cli_env(url), capture_output=True,
                          text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert len(lines) == 1, f"expected one line on stdout, got {done.stdout!r} (stderr: {done.stderr})"
    out = json.loads(lines[0])
    assert isinstance(out, dict)
    return Run(done.returncode, out, done.stderr)


def ok(url: str, *args: str) -> dict[str, Any]:
    run = kanbo(url, *args)
    assert run.code == 0, (run.out, run.stderr)
    assert "error" not in run.out
    return run.out


def failed(url: str, *args: str) -> str:
    run = kanbo(url, *args)
    assert run.code != 0
    assert set(run.out) == {"error"} and isinstance(run.out["error"], str) and run.out["error"]
    return run.out["error"]


def jwt_claims(token: str) -> dict[str, Any]:
    parts = token.split(".")
    assert len(parts) == 3
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


@dataclass
class Installation:
    url: str
    subdomain: str
    admin_email: str
    account: dict[str, Any]


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cli') / 'kanbo.db'}"
    migrated = ok(url, "migrate")
    assert migrated["migrated"] is True
    subdomain = f"cli{uuid.uuid4().hex[:8]}"
    account = ok(url, "account", "create", "--subdomain", subdomain, "--name", "CLI Inc",
                 "--admin-email", f"boss@{subdomain}.test")
    return Installation(url, subdomain, f"boss@{subdomain}.test", account)


# migrate / account create ----------------------------------------------------------------------

def test_account_create_prints_exactly_its_keys(sqlite: Installation):
    assert set(sqlite.account) == {"account_id", "subdomain", "admin_user_id", "admin_password"}
    assert isinstance(sqlite.account["account_id"], int) and isinstance(sqlite.account["admin_user_id"], int)
    assert sqlite.account["subdomain"] == sqlite.subdomain
    assert len(sqlite.account["admin_password"]) >= 12


def test_account_create_with_password_and_duplicate(sqlite: Installation):
    subdomain = f"pw{uuid.uuid4().hex[:8]}"
    out = ok(sqlite.url, "account", "create", "--subdomain", subdomain, "--name", "PW", "--admin-email",
             "a@pw.test", "--admin-password", "s3cret-Passw0rd")
    assert out["admin_password"] == "s3cret-Passw0rd"
    assert out["account_id"] != sqlite.account["account_id"]
    error = failed(sqlite.url, "account", "create", "--subdomain", sqlite.subdomain, "--name", "Again",
                   "--admin-email", "x@y.test")
    assert sqlite.subdomain in error


# users / integrations / tokens -----------------------------------------------------------------

def test_user_create(sqlite: Installation):
    plain = ok(sqlite.url, "user", "create", "--subdomain", sqlite.subdomain, "--email", "Worker@CLI.test",
               "--name", "Worker", "--password", "worker-password")
    assert plain["email"] == "worker@cli.test" and plain["is_admin"] is False
    assert plain["password"] == "worker-password"
    assert plain["account_id"] == sqlite.account["account_id"]
    admin = ok(sqlite.url, "user", "create", "--subdomain", sqlite.subdomain, "--email", "second@cli.test",
               "--name", "Second", "--admin")
    assert admin["is_admin"] is True and admin["password"] and admin["user_id"] != plain["user_id"]


async def test_user_set_password_is_the_way_back_to_lost_credentials(sqlite: Installation,
                                                                     cli_app_client: httpx.AsyncClient):
    from tests.auth.conftest import login

    email = f"lost@{sqlite.subdomain}.test"
    created = await asyncio.to_thread(ok, sqlite.url, "user", "create", "--subdomain", sqlite.subdomain,
                                      "--email", email, "--name", "Lost")
    assert (await login(cli_app_client, email, created["password"])).status_code == 303
    generated = await asyncio.to_thread(ok, sqlite.url, "user", "set-password", "--subdomain", sqlite.subdomain,
                                        "--email", email.upper())
    assert set(generated) == {"user_id", "account_id", "email", "password", "is_active", "sessions_ended"}
    assert generated["user_id"] == created["user_id"] and generated["email"] == email
    assert len(generated["password"]) >= 12 and generated["password"] != created["password"]
    assert generated["sessions_ended"] == 1
    assert (await cli_app_client.get("/api/session")).status_code == 401
    assert (await login(cli_app_client, email, created["password"])).status_code == 401
    assert (await login(cli_app_client, email, generated["password"])).status_code == 303
    chosen = await asyncio.to_thread(ok, sqlite.url, "user", "set-password", "--subdomain", sqlite.subdomain,
                                     "--email", email, "--password", "chosen-password")
    assert chosen["password"] == "chosen-password" and chosen["sessions_ended"] == 1
    assert (await login(cli_app_client, email, "chosen-password")).status_code == 303


def test_user_set_password_errors(sqlite: Installation):
    assert "6 to 256" in failed(sqlite.url, "user", "set-password", "--subdomain", sqlite.subdomain, "--email",
                                sqlite.admin_email, "--password", "short")
    assert "nobody@x.test" in failed(sqlite.url, "user", "set-password", "--subdomain", sqlite.subdomain,
                                     "--email", "nobody@x.test")
    assert "nosuchaccount" in failed(sqlite.url, "user", "set-password", "--subdomain", "nosuchaccount",
                                     "--email", sqlite.admin_email)


def test_errors_print_one_json_object_and_fail(sqlite: Installation):
    assert "nosuchaccount" in failed(sqlite.url, "token", "create", "--subdomain", "nosuchaccount", "--user",
                                     "boss@x.test")
    failed(sqlite.url, "token", "create", "--subdomain", sqlite.subdomain, "--user", sqlite.admin_email,
           "--days", "0")


@pytest.fixture(scope="module")
def integration(sqlite: Installation) -> dict[str, Any]:
    return ok(sqlite.url, "integration", "create", "--subdomain", sqlite.subdomain, "--name", "Zap",
              "--redirect-uri", "https://example.com/callback")


def test_integration_and_long_lived_token(sqlite: Installation, integration: dict[str, Any]):
    assert str(uuid.UUID(integration["client_id"])) == integration["client_id"]
    assert len(integration["client_secret"]) >= 32
    assert integration["redirect_uri"] == "https://example.com/callback"
    assert integration["account_id"] == sqlite.account["account_id"]
    assert integration["name"] == "Zap"
    token = ok(sqlite.url, "token", "create", "--subdomain", sqlite.subdomain, "--user", sqlite.admin_email,
               "--client-id", integration["client_id"], "--days", "3")
    claims = jwt_claims(token["access_token"])
    assert abs(token["expires_at"] - (time.time() + 3 * 86400)) < 120
    assert claims["exp"] == token["expires_at"]
    assert claims["account_id"] == sqlite.account["account_id"]
    assert str(claims["sub"]) == str(sqlite.account["admin_user_id"])


# oauth code → /oauth2/access_token --------------------------------------------------------------

@pytest_asyncio.fixture(loop_scope="session")
async def cli_app_client(sqlite: Installation) -> AsyncIterator[httpx.AsyncClient]:
    from kanbo.app import create_app

    application = create_app(sqlite.url)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            yield client


async def test_oauth_code_exchanges_and_refreshes(sqlite: Installation, integration: dict[str, Any],
                                                  cli_app_client: httpx.AsyncClient):
    issued = await asyncio.to_thread(ok, sqlite.url, "oauth", "code", "--subdomain", sqlite.subdomain,
                                     "--user", sqlite.admin_email, "--client-id", integration["client_id"])
    assert isinstance(issued["code"], str) and len(issued["code"]) >= 32
    assert abs(issued["expires_at"] - (time.time() + 20 * 60)) < 120
    credentials = {"client_id": integration["client_id"], "client_secret": integration["client_secret"],
                   "redirect_uri": "https://example.com/callback"}

    async def token(**grant: str) -> httpx.Response:
        return await cli_app_client.post("/oauth2/access_token", json={**credentials, **grant})

    async def account_status(access_token: str) -> int:
        headers = {"Authorization": f"Bearer {access_token}"}
        return (await cli_app_client.get("/api/v4/account", headers=headers)).status_code

    exchanged = await token(grant_type="authorization_code", code=issued["code"])
    assert exchanged.status_code == 200, exchanged.text
    tokens = exchanged.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] > 0
    assert jwt_claims(tokens["access_token"])["account_id"] == sqlite.account["account_id"]
    assert await account_status(tokens["access_token"]) == 200
    refreshed = await token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] != tokens["refresh_token"]
    assert await account_status(refreshed.json()["access_token"]) == 200
    # Codes are single-use: a second exchange fails and revokes what the code granted.
    assert (await token(grant_type="authorization_code", code=issued["code"])).status_code == 400
    assert await account_status(refreshed.json()["access_token"]) == 401


# PostgreSQL ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with databases.fresh_pg_database() as url:
        yield url


def test_postgresql_migrate_and_account_create(postgres: str):
    assert ok(postgres, "migrate")["migrated"] is True
    out = ok(postgres, "account", "create", "--subdomain", "pgcli", "--name", "PG", "--admin-email", "a@pg.test")
    assert set(out) == {"account_id", "subdomain", "admin_user_id", "admin_password"}
    assert out["subdomain"] == "pgcli" and isinstance(out["account_id"], int)


def test_unreachable_database_is_a_json_error():
    failed("postgresql+asyncpg://nobody@127.0.0.1:1/nothing", "migrate")


# serve -----------------------------------------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(url: str, port: int, *extra: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    process = subprocess.Popen([sys.executable, "-m", "kanbo", "serve", "--port", str(port), *extra], env=cli_env(url),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        return process, json.loads(first)
    except BaseException:
        _stop(process)
        raise


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_serve_creates_a_demo_account_once_and_answers_over_http(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    port = _free_port()
    process, first = _serve(url, port)
    try:
        demo = first["demo"]
        assert first["listening"] == f"http://127.0.0.1:{port}"
        assert first["database"] == str(tmp_path / "serve.db") and first["new_database"] is True
        assert demo["login"] and demo["password"] and demo["subdomain"] == "demo"
        headers = {"Authorization": f"Bearer {demo['access_token']}"}
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v4/account", headers=headers, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "kanbo serve exited"
                assert time.monotonic() < deadline, "kanbo serve did not start listening"
                time.sleep(0.1)
        assert response.status_code == 200, response.text
        assert response.json()["subdomain"] == "demo"
        assert response.json()["_links"]["self"]["href"] == f"http://127.0.0.1:{port}/api/v4/account"
    finally:
        _stop(process)
    process, first = _serve(url, _free_port())
    _stop(process)
    assert "demo" in first and first["demo"] is None
    assert first["new_database"] is False


# demo data -------------------------------------------------------------------------------------

async def _check_demo_data(url: str, subdomain: str, leads: int) -> None:
    """The filled account answers through the API, finds a seeded phone, and takes new rows."""
    from kanbo.app import create_app

    token = ok(url, "token", "create", "--subdomain", subdomain, "--user", f"admin@{subdomain}.local",
               "--days", "1")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            listed = (await client.get("/api/v4/leads?limit=250&with=contacts", headers=headers)).json()
            assert len(listed["_embedded"]["leads"]) == leads
            assert all(lead["_embedded"]["contacts"] for lead in listed["_embedded"]["leads"])
            for lead in listed["_embedded"]["leads"][:5]:  # each lead is linked to its own person, in its company
                contact_id = lead["_embedded"]["contacts"][0]["id"]
                contact = (await client.get(f"/api/v4/contacts/{contact_id}", headers=headers)).json()
                assert lead["name"].endswith(f" for {contact['name']}")
                assert lead["_embedded"]["companies"][0]["id"] == contact["_embedded"]["companies"][0]["id"]
            found = await client.get("/api/v4/contacts?query=%2B15550000007", headers=headers)
            assert [c["name"] for c in found.json()["_embedded"]["contacts"]] != []
            added = await client.post("/api/v4/leads", headers=headers, json=[{"name": "After the demo"}])
            assert added.status_code == 200, added.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_demo_fills_an_account(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}" if backend == "sqlite" else request.getfixturevalue(
        "postgres")
    ok(url, "migrate")
    out = ok(url, "demo", "--subdomain", "filled", "--leads", "40")
    assert out["leads"] == 40 and out["contacts"] == 40 and out["companies"] == 4
    databases.in_thread(lambda: asyncio.run(_check_demo_data(url, "filled", 40)))


def test_serve_makes_no_demo_account_on_postgresql_unless_asked():
    with databases.fresh_pg_database() as url:
        process, first = _serve(url, _free_port())
        _stop(process)
        assert first["demo"] is None
        process, first = _serve(url, _free_port(), "--demo")
        _stop(process)
        assert first["demo"]["subdomain"] == "demo"


def test_the_demo_rule():
    from kanbo.cli.server import demo_wanted

    assert demo_wanted(None, "sqlite+aiosqlite:///x.db") is True
    assert demo_wanted(None, "postgresql+asyncpg://u@h/db") is False
    assert demo_wanted(True, "postgresql+asyncpg://u@h/db") is True
    assert demo_wanted(False, "sqlite+aiosqlite:///x.db") is False
