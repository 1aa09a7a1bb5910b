"""The ``kanbo`` command. Every command prints one JSON object on stdout.

``server.py`` runs Kanbo (serve, migrate, worker, demo), ``accounts.py`` manages accounts, users and
credentials, ``openapi.py`` writes the API document for the web UI, ``common.py`` holds the output
rules and the database checks they share.
"""

from __future__ import annotations

import typer

from kanbo.cli import accounts, server
from kanbo.cli.openapi import openapi
from kanbo.wiring import wire

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Kanbo: a Kommo-compatible CRM server.")
app.command()(server.migrate)
app.command()(server.serve)
app.command()(server.worker)
app.command()(server.demo)
app.command()(openapi)
app.add_typer(accounts.account_app, name="account")
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.integration_app, name="integration")
app.add_typer(accounts.token_app, name="token")
app.add_typer(accounts.oauth_app, name="oauth")


def main() -> None:
    wire()  # commands that write events wake the webhook workers too
    app()
