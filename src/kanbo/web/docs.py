"""The API documentation: Swagger UI at ``/api/docs``, the OpenAPI document at ``/openapi.json``.

Swagger UI's script, stylesheet and icon are served from the installed ``fastapi-offline`` package
(Swagger UI 5, which renders OpenAPI 3.1 as FastAPI writes it), so the page works without internet.
``/`` belongs to the web UI (:mod:`kanbo.web.spa`); ``/docs`` redirects here.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

DOCS_URL = "/api/docs"
OPENAPI_URL = "/openapi.json"
ASSETS_URL = "/api/docs/assets"
# Where these pages were before; they keep answering.
OLD_OPENAPI_URL = "/api/openapi.json"

router = APIRouter(include_in_schema=False)


def assets_folder() -> Path:
    return Path(str(files("fastapi_offline").joinpath("static")))


@router.get("/docs")
async def docs_elsewhere() -> Response:
    return RedirectResponse(DOCS_URL, status_code=307)


@router.get(DOCS_URL)
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{OPENAPI_URL}",
        title=f"{request.app.title} API",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        # No badge from the online validator: the page must not call out.
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get(OLD_OPENAPI_URL)
async def openapi_old_path(request: Request) -> Response:
    return JSONResponse(request.app.openapi())


def install(app: FastAPI) -> None:
    """Serve the docs pages and their assets. ``app`` is built with ``openapi_url=OPENAPI_URL``."""
    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=assets_folder()), name="api-docs-assets")
