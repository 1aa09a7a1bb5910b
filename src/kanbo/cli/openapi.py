"""``kanbo openapi``: the OpenAPI document the web UI's typed client is generated from."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from kanbo.cli.common import emit, fail

#: The source checkout holding ``src/kanbo`` (``web/`` sits beside ``src/``).
CHECKOUT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = CHECKOUT / "web" / "src" / "api" / "openapi.json"


def document_text() -> str:
    """The app's OpenAPI document as committed: sorted keys, two-space indent, one final newline."""
    from kanbo.app import create_app
    from kanbo.http.openapi import dumps

    return dumps(create_app().openapi())


def openapi(
    out: str = typer.Option(None, "--out", help="File to write (default: web/src/api/openapi.json of the "
                                                 "source checkout); '-' prints the document instead."),
) -> None:
    """Write the OpenAPI document (what `make api-client` turns into the web UI's TypeScript types)."""
    text = document_text()
    if out == "-":
        sys.stdout.write(text)
        return
    target = Path(out) if out else DEFAULT_OUT
    if not target.parent.is_dir():
        fail(f"No folder {target.parent}: kanbo openapi writes into the source checkout's web/src/api/ by "
             "default; pass --out PATH elsewhere")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"Cannot write {target}: {error.strerror or error}")
    emit({"written": str(target), "bytes": len(text.encode())})
