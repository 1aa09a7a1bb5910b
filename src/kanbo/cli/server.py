"""Running Kanbo: ``serve``, ``migrate``, ``worker`` and ``demo``."""

from __future__ import annotations

import asyncio
import errno
import os
import signal
import socket
from typing import Any

import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.cli.common import (
    database_url,
    emit,
    fail,
    fail_unexpected,
    prepare_database,
    require_database,
    run_in_transaction,
)
from kanbo.config import get_settings
from kanbo.core.db import Database, describe_database


def migrate() -> None:
    """Upgrade the database schema to the newest version (creating the database when it is missing)."""
    new = prepare_database()
    emit({"migrated": True, "database": describe_database(database_url()), "new_database": new})


def listen(host: str, port: int) -> socket.socket:
    """Bind the server's socket now, so a taken port is one clear error before anything else happens."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart over TIME_WAIT
    try:
        sock.bind((host, port))
    except OverflowError:
        sock.close()
        fail(f"{port} is not a port number (0 to 65535)")
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            fail(f"port {port} on {host} is already in use (another kanbo serve?); stop that program or choose "
                 f"another port: kanbo serve --port {port + 1}, make run PORT={port + 1}")
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    sock.set_inheritable(True)  # worker processes serve the same socket
    return sock


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on (0: any free port)."),
    workers: int = typer.Option(1, help="Number of API processes."),
    demo: bool | None = typer.Option(None, "--demo/--no-demo",
                                     help="Create the demo account on an empty database (default: on SQLite only)."),
) -> None:
    """Upgrade the schema, create the demo account on an empty SQLite database, and serve the API."""
    import uvicorn

    sock = listen(host, port)
    port = int(sock.getsockname()[1])
    new = prepare_database()
    created = None
    if demo_wanted(demo, database_url()):
        created = run_in_transaction(lambda s: _ensure_demo(s, f"{host}:{port}"))
    emit({"listening": _url(host, port), "database": describe_database(database_url()), "new_database": new,
          "demo": created})
    config = uvicorn.Config("kanbo.app:create_app", factory=True, host=host, port=port, workers=workers,
                            log_level="info", proxy_headers=True)
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    if config.workers == 1 and not server.started:
        raise typer.Exit(3)  # uvicorn's code for a failed start (it logged why)


def demo_wanted(flag: bool | None, url: str) -> bool:
    """The demo account is made on the embedded SQLite default, or when asked for with ``--demo``;
    never silently on PostgreSQL, where an operator's real accounts live."""
    return flag if flag is not None else url.startswith("sqlite")


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


def worker(
    poll_interval: float | None = typer.Option(None, help="Seconds to sleep when there is nothing to do."),
) -> None:
    """Run the webhook worker (fan out events, send deliveries) until SIGTERM or SIGINT."""
    from kanbo.webhooks.worker import run_worker

    require_database()
    interval = poll_interval if poll_interval is not None else get_settings().worker.poll_interval

    async def runner() -> None:
        database = Database()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        emit({"worker": "started", "pid": os.getpid(), "database": describe_database(database_url()),
              "poll_interval": interval})
        try:
            await run_worker(database, stop=stop, poll_interval=interval)
        finally:
            await database.dispose()

    try:
        asyncio.run(runner())
    except Exception as error:
        fail_unexpected("The worker stopped", error)


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
