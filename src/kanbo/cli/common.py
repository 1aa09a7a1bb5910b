"""What every command shares: one JSON object on stdout, errors as ``{"error": …}``, the database."""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import orjson
import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.config import get_settings
from kanbo.core.db import Database, bind_account, describe_database, sqlite_file
from kanbo.core.errors import KanboError

T = TypeVar("T")



def emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(obj).decode() + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = 1) -> NoReturn:
    sys.stdout.write(orjson.dumps({"error": message}).decode() + "\n")
    sys.stdout.flush()
    raise typer.Exit(code)


def say(message: str) -> None:
    """A line for the person at the terminal (stderr, so stdout stays one JSON object)."""
    sys.stderr.write(f"kanbo: {message}\n")
    sys.stderr.flush()


def fail_unexpected(context: str, error: Exception) -> NoReturn:
    """Database and other unexpected errors: still one JSON object, the traceback on stderr."""
    if not isinstance(error, (SQLAlchemyError, OSError)):
        traceback.print_exception(error, file=sys.stderr)
    fail(f"{context}: {type(error).__name__}: {error}".strip())


def database_url() -> str:
    return get_settings().db.url


def require_database() -> None:
    """Commands other than ``migrate`` and ``serve`` never create a database: a missing SQLite file
    (``kanbo`` run from another folder, a wrong ``KANBO_HOME``) is an error naming the path."""
    path = sqlite_file(database_url())
    if path is not None and not os.path.exists(path):
        fail(f"No database at {path}: run `kanbo migrate` or `kanbo serve` first, or set KANBO_HOME "
             "(the data folder) or KANBO_DATABASE_URL to where your database is")


async def _check_schema(database: Database) -> None:
    from alembic.migration import MigrationContext

    async with database.engine.connect() as connection:
        revision = await connection.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())
    if revision is None:
        raise KanboError(f"The database {describe_database(database_url())} is empty: run `kanbo migrate` "
                         "or `kanbo serve` first")


def run_in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on an existing, migrated database; errors become JSON."""
    require_database()

    async def runner() -> T:
        database = Database()
        try:
            await _check_schema(database)
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(runner())
    except KanboError as error:
        fail(error.detail)
    except Exception as error:
        fail_unexpected("The command failed", error)


def prepare_database() -> bool:
    """Upgrade the schema (creating the database when it is missing). True when it was new and empty,
    which is said plainly on stderr: a new empty database is often a sign of the wrong folder."""
    from kanbo.core import migrate as migrations

    url = database_url()
    path = sqlite_file(url)
    try:
        new = (path is not None and not os.path.exists(path)) or migrations.current_revision(url) is None
    except Exception as error:
        fail_unexpected(f"Could not open the database {describe_database(url)}", error)
    if new and path is not None:
        say(f"creating a new empty database at {path} (KANBO_HOME or KANBO_DATABASE_URL choose another)")
    elif new:
        say(f"the database {describe_database(url)} is empty: creating Kanbo's tables in it")
    try:
        migrations.upgrade(url)
    except Exception as error:
        fail_unexpected("Could not upgrade the database schema", error)
    return new


def api_domain() -> str:
    return get_settings().http.public_host or "127.0.0.1:8000"


async def account_in(session: AsyncSession, subdomain: str) -> Any:
    """The account of ``subdomain``; the session is bound to it from here on."""
    from kanbo.accounts.service import account_by_subdomain

    account = await account_by_subdomain(session, subdomain)
    if account is None:
        raise KanboError(f"No account with the subdomain '{subdomain}'", status=404)
    bind_account(session, account.id)
    return account


async def user_in(session: AsyncSession, email: str) -> Any:
    """The user of the bound account with this email."""
    from kanbo.accounts.service import user_by_email

    user = await user_by_email(session, email)
    if user is None:
        raise KanboError(f"No user with the email '{email}' in this account", status=404)
    return user
