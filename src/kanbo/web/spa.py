"""The web UI: the single-page app built by ``make setup`` (``web/`` → ``web/static/app/``).

- ``/assets/<file>``: Vite's content-hashed files, cached for a year as immutable; a missing one is a 404.
- A GET of ``/`` or of a path in one of the app's sections (``APP_SECTIONS``: the first segment of every
  screen in ``web/src/App.tsx``; a test keeps the two equal) is a client-side route: it answers
  ``index.html``, revalidated on every load (``no-cache``), and the app shows the screen or its own "page
  not found" (``/leads/1/nothing``). Signed-out visitors get it too; the app sends them to ``/login?next=…``.
  Any other path (``/no/such/thing``) stays the server's problem+json 404, as for an API client.
- Top-level files of the build (``favicon.svg``) are served as they are.
- Without a build, those routes answer a page saying how to build the UI (the API works all the same).

The routes match nothing but GET and HEAD of such paths, so every other request meets the same 404 and 405
answers as before.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from kanbo.core.errors import NotFound
from kanbo.web.render import page, render

#: Where ``vite build`` writes the app (package data of the installed ``kanbo``).
APP_FOLDER = Path(__file__).parent / "static" / "app"
ASSETS_PREFIX = "/assets/"
#: Paths served by other parts of the server; never answered with the app.
SERVER_PREFIXES = ("/api", "/oauth2", "/oauth", "/login", "/logout", "/docs", "/openapi.json", "/assets")
#: The first path segment of every screen of the app (web/src/App.tsx).
APP_SECTIONS = frozenset({"board", "leads", "contacts", "companies", "tasks", "incoming", "settings"})
INDEX_HEADERS = {
    "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # The app loads only its own files and talks only to this server; the one exception is media: call
    # recordings in the feed are links to the telephony's servers, played by an <audio> element.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self' https: http:; "
                               "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
}
ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}
FILE_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def app_folder(request: Request) -> Path:
    """The built app (``app.state.web_app_folder`` overrides it, for tests)."""
    return Path(getattr(request.app.state, "web_app_folder", None) or APP_FOLDER)


def is_built(folder: Path) -> bool:
    return (folder / "index.html").is_file()


def _server_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in SERVER_PREFIXES)


def _app_path(path: str) -> bool:
    """``/``, a top-level file of the build (``/favicon.svg``) or a path in one of the app's sections."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return path == "/" or first in APP_SECTIONS or ("/" not in path[1:] and "." in first)


def _file_in(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` when it is a regular file inside ``folder`` (no ``..``, no hidden names)."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("..", ".") or part.startswith(".") or "\\" in part for part in parts):
        return None
    candidate = folder.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
        resolved.relative_to(folder.resolve(strict=True))
    except (OSError, ValueError):
        return None
    return resolved if resolved.is_file() else None


def not_built_page() -> Response:
    return page("en", "The web UI is not built", render("not_built.html"))


async def asset(request: Request) -> Response:
    folder = app_folder(request)
    found = _file_in(folder / "assets", request.url.path.removeprefix(ASSETS_PREFIX))
    if found is None:
        raise NotFound(f"No such asset: {request.url.path}")
    return FileResponse(found, headers=ASSET_HEADERS)


async def app_page(request: Request) -> Response:
    """A client-side route (``index.html``) or a top-level file of the build."""
    folder = app_folder(request)
    if not is_built(folder):
        return not_built_page()
    segments = request.url.path.split("/")
    if any(segment in (".", "..") for segment in segments):
        raise NotFound(f"No such page: {request.url.path}")
    if "." in segments[-1]:  # a file name, never a screen: served when the build has it
        found = _file_in(folder, request.url.path.lstrip("/"))
        if found is None or found.name == "index.html":
            raise NotFound(f"No such file: {request.url.path}")
        return FileResponse(found, headers=FILE_HEADERS)
    return FileResponse(folder / "index.html", headers=INDEX_HEADERS, media_type="text/html")


class SpaRoute(BaseRoute):
    """Matches GET and HEAD of the app's paths only (no partial matches: no 405s of its own)."""

    def __init__(self, *, assets: bool) -> None:
        self.assets = assets

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return Match.NONE, {}
        path: str = scope["path"]
        if self.assets:
            return (Match.FULL, {}) if path.startswith(ASSETS_PREFIX) else (Match.NONE, {})
        return (Match.FULL, {}) if _app_path(path) and not _server_path(path) else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)  # a NotFound raised here is answered by the app's problem handler
        response = await (asset(request) if self.assets else app_page(request))
        await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Serve the app; added after every other route, so none of them is shadowed."""
    app.router.routes.append(SpaRoute(assets=True))
    app.router.routes.append(SpaRoute(assets=False))
