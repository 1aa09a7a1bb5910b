"""The ``kanbo`` command. Every command prints one JSON object on stdout."""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import orjson
import typer
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.config import get_settings
from kanbo.core.db import Database, bind_account
from kanbo.core.errors import KanboError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Kanbo: a Kommo-compatible CRM server.")
account_app = typer.Typer(no_args_is_help=True, help="Accounts.")
user_app = typer.Typer(no_args_is_help=True, help="Users.")
integration_app = typer.Typer(no_args_is_help=True, help="OAuth integrations.")
token_app = typer.Typer(no_args_is_help=True, help="Long-lived access tokens.")
oauth_app = typer.Typer(no_args_is_help=True, help="OAuth helpers for headless set-ups and CI.")
app.add_typer(account_app, name="account")
app.add_typer(user_app, name="user")
app.add_typer(integration_app, name="integration")
app.add_typer(token_app, name="token")
app.add_typer(oauth_app, name="oauth")

T = TypeVar("T")


def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(obj).decode() + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> None:
    sys.stdout.write(orjson.dumps({"error": message}).decode() + "\n")
    raise typer.Exit(code)


def run_in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def runner() -> T:
        database = Database()
        try:
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(runner())
    except KanboError as error:
        fail(error.detail)
        raise  # unreachable
    except Exception as error:
        fail_unexpected("The command failed", error)
        raise  # unreachable


def fail_unexpected(context: str, error: Exception) -> None:
    """Database and other unexpected errors: still one JSON object, the traceback on stderr."""
    if not isinstance(error, (SQLAlchemyError, OSError)):
        traceback.print_exception(error, file=sys.stderr)
    fail(f"{context}: {type(error).__name__}: {error}".strip())


def upgrade_schema() -> None:
    from kanbo.core import migrate as migrations

    try:
        migrations.upgrade()
    except Exception as error:
        fail_unexpected("Could not upgrade the database schema", error)


def api_domain() -> str:
    return get_settings().http.public_host or "127.0.0.1:8000"


async def _account_session(session: AsyncSession, subdomain: str) -> Any:
    from kanbo.accounts.service import account_by_subdomain

    account = await account_by_subdomain(session, subdomain)
    if account is None:
        raise KanboError(f"No account with the subdomain '{subdomain}'", status=404)
    bind_account(session, account.id)
    return account


async def _user(session: AsyncSession, email: str) -> Any:
    from kanbo.accounts.service import user_by_email

    user = await user_by_email(session, email)
    if user is None:
        raise KanboError(f"No user with the email '{email}' in this account", status=404)
    return user


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest version."""
    upgrade_schema()
    emit({"migrated": True, "database": _safe_url()})


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().db.url).render_as_string(hide_password=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Number of API processes."),
) -> None:
    """Upgrade the schema, create the demo account on an empty database, and serve the API."""
    import uvicorn

    upgrade_schema()
    demo = run_in_transaction(lambda s: _ensure_demo(s, f"{host}:{port}"))
    emit({"listening": f"http://{host}:{port}", "database": _safe_url(), "demo": demo})
    uvicorn.run("kanbo.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=True)


@app.command()
def worker(
    poll_interval: float | None = typer.Option(None, help="Seconds to sleep when there is nothing to do."),
) -> None:
    """Run the webhook worker (fan out events, send deliveries) until SIGTERM or SIGINT."""
    import os
    import signal

    from kanbo.webhooks.worker import run_worker

    interval = poll_interval if poll_interval is not None else get_settings().worker.poll_interval

    async def runner() -> None:
        database = Database()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        emit({"worker": "started", "pid": os.getpid(), "database": _safe_url(), "poll_interval": interval})
        try:
            await run_worker(database, stop=stop, poll_interval=interval)
        finally:
            await database.dispose()

    try:
        asyncio.run(runner())
    except Exception as error:
        fail_unexpected("The worker stopped", error)


async def _ensure_demo(session: AsyncSession, domain: str) -> dict[str, Any] | None:
    from kanbo.accounts.service import create_account
    from kanbo.auth.service import create_long_lived_token
    from kanbo.core.db import unscoped
    from kanbo.models.accounts import Account

    with unscoped(session):
        existing = await session.scalar(select(func.count()).select_from(Account))
    if existing:
        return None
    created = await create_account(session, subdomain="demo", name="Demo", admin_email="admin@demo.local",
                                   admin_name="Admin")
    token, expires_at = await create_long_lived_token(session, user=created.admin, integration=None,
                                                      days=365, api_domain=domain)
    return {"account_id": created.account.id, "subdomain": "demo", "login": created.admin.email,
            "password": created.admin_password, "access_token": token, "expires_at": expires_at}


@account_app.command("create")
def account_create(
    subdomain: str = typer.Option(...), name: str = typer.Option(...), admin_email: str = typer.Option(...),
    admin_password: str | None = typer.Option(None), language: str = typer.Option("en"),
    country: str = typer.Option("US"), currency: str = typer.Option("USD"), timezone: str = typer.Option("UTC"),
) -> None:
    """Create an account with its admin user."""
    from kanbo.accounts.service import create_account

    async def work(session: AsyncSession) -> dict[str, Any]:
        created = await create_account(session, subdomain=subdomain, name=name, admin_email=admin_email,
                                       admin_password=admin_password, language=language, country=country,
                                       currency=currency, timezone=timezone)
        return {"account_id": created.account.id, "subdomain": created.account.subdomain,
                "admin_user_id": created.admin.id, "admin_password": created.admin_password}

    emit(run_in_transaction(work))


@user_app.command("create")
def user_create(
    subdomain: str = typer.Option(...), email: str = typer.Option(...), name: str = typer.Option(...),
    password: str | None = typer.Option(None), admin: bool = typer.Option(False, "--admin"),
    lang: str | None = typer.Option(None),
) -> None:
    """Add a user to an account."""
    from kanbo.accounts.service import create_user, generate_password

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await _account_session(session, subdomain)
        secret = password or generate_password()
        user = await create_user(session, email=email, name=name, password=secret, is_admin=admin,
                                 lang=lang or account.language)
        return {"user_id": user.id, "account_id": account.id, "email": user.email, "password": secret,
                "is_admin": user.is_admin}

    emit(run_in_transaction(work))


@integration_app.command("create")
def integration_create(
    subdomain: str = typer.Option(...), name: str = typer.Option(...), redirect_uri: str = typer.Option(...),
    scope: list[str] = typer.Option(["crm", "notifications"], "--scope"),
) -> None:
    """Register an OAuth integration (client) for an account."""
    from kanbo.auth.service import create_integration

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await _account_session(session, subdomain)
        integration = await create_integration(session, account_id=account.id, name=name,
                                               redirect_uri=redirect_uri, scopes=scope)
        return {"id": integration.id, "client_id": integration.client_id,
                "client_secret": integration.client_secret, "name": integration.name,
                "redirect_uri": integration.redirect_uri, "scopes": integration.scopes,
                "account_id": account.id}

    emit(run_in_transaction(work))


@token_app.command("create")
def token_create(
    subdomain: str = typer.Option(...), user: str = typer.Option(..., help="The user's email."),
    client_id: str | None = typer.Option(None), days: int = typer.Option(365),
) -> None:
    """Create a long-lived access token (1 day to 5 years) acting with the user's rights."""
    from kanbo.auth.service import create_long_lived_token, find_integration

    async def work(session: AsyncSession) -> dict[str, Any]:
        await _account_session(session, subdomain)
        owner = await _user(session, user)
        integration = None
        if client_id:
            integration = await find_integration(session, client_id)
            if integration is None:
                raise KanboError(f"No integration with client_id '{client_id}'", status=404)
        token, expires_at = await create_long_lived_token(session, user=owner, integration=integration,
                                                          days=days, api_domain=api_domain())
        return {"access_token": token, "expires_at": expires_at, "token_type": "Bearer"}

    emit(run_in_transaction(work))


@oauth_app.command("code")
def oauth_code(
    subdomain: str = typer.Option(...), user: str = typer.Option(..., help="The user's email."),
    client_id: str = typer.Option(...),
) -> None:
    """Issue a one-time authorization code, as if the user had pressed Allow on the consent page."""
    from kanbo.auth.service import find_integration, issue_code

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await _account_session(session, subdomain)
        owner = await _user(session, user)
        integration = await find_integration(session, client_id)
        if integration is None or integration.account_id != account.id:
            raise KanboError(f"No integration with client_id '{client_id}' in this account", status=404)
        issued = await issue_code(session, integration, owner)
        return {"code": issued.code, "expires_at": issued.expires_at, "client_id": client_id,
                "redirect_uri": integration.redirect_uri}

    emit(run_in_transaction(work))


@app.command()
def demo(
    subdomain: str = typer.Option("demo", help="The account to fill (created when missing)."),
    leads: int = typer.Option(100_000, help="How many leads (each with a contact) to add."),
) -> None:
    """Fill an account with demo leads, contacts and companies (bulk inserts)."""
    from kanbo import seed
    from kanbo.accounts.service import account_by_subdomain, create_account

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await account_by_subdomain(session, subdomain)
        if account is None:
            account = (await create_account(session, subdomain=subdomain, name=subdomain.capitalize(),
                                            admin_email=f"admin@{subdomain}.local")).account
        return await seed.fill(session, account, leads)

    emit(run_in_transaction(work))


def main() -> None:
    app()
