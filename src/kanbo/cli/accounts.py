"""Accounts, users and credentials: ``account``, ``user``, ``integration``, ``token`` and ``oauth``."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.cli.common import account_in, api_domain, emit, run_in_transaction, user_in
from kanbo.core.errors import KanboError

account_app = typer.Typer(no_args_is_help=True, help="Accounts.")
user_app = typer.Typer(no_args_is_help=True, help="Users.")
integration_app = typer.Typer(no_args_is_help=True, help="OAuth integrations.")
token_app = typer.Typer(no_args_is_help=True, help="Long-lived access tokens.")
oauth_app = typer.Typer(no_args_is_help=True, help="OAuth helpers for headless set-ups and CI.")


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
        account = await account_in(session, subdomain)
        secret = password or generate_password()
        user = await create_user(session, email=email, name=name, password=secret, is_admin=admin,
                                 lang=lang or account.language)
        return {"user_id": user.id, "account_id": account.id, "email": user.email, "password": secret,
                "is_admin": user.is_admin}

    emit(run_in_transaction(work))


@user_app.command("set-password")
def user_set_password(
    subdomain: str = typer.Option(...), email: str = typer.Option(...),
    password: str | None = typer.Option(None, help="The new password; without it one is generated and printed."),
) -> None:
    """Give a user a new password (the way back to lost credentials); signs them out of every browser."""
    from kanbo.accounts.service import generate_password
    from kanbo.accounts.users_service import set_password

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await account_in(session, subdomain)
        user = await user_in(session, email)
        secret = generate_password() if password is None else password
        ended = await set_password(session, user, secret)
        return {"user_id": user.id, "account_id": account.id, "email": user.email, "password": secret,
                "is_active": user.is_active, "sessions_ended": ended}

    emit(run_in_transaction(work))


@integration_app.command("create")
def integration_create(
    subdomain: str = typer.Option(...), name: str = typer.Option(...), redirect_uri: str = typer.Option(...),
    scope: list[str] = typer.Option(["crm", "notifications"], "--scope"),
) -> None:
    """Register an OAuth integration (client) for an account."""
    from kanbo.auth.service import create_integration

    async def work(session: AsyncSession) -> dict[str, Any]:
        account = await account_in(session, subdomain)
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
        await account_in(session, subdomain)
        owner = await user_in(session, user)
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
        account = await account_in(session, subdomain)
        owner = await user_in(session, user)
        integration = await find_integration(session, client_id)
        if integration is None or integration.account_id != account.id:
            raise KanboError(f"No integration with client_id '{client_id}' in this account", status=404)
        issued = await issue_code(session, integration, owner)
        return {"code": issued.code, "expires_at": issued.expires_at, "client_id": client_id,
                "redirect_uri": integration.redirect_uri}

    emit(run_in_transaction(work))
