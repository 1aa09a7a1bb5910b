"""Every error leaves the server as ``application/problem+json`` in Kommo's shape."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request, routing
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from kanbo.core.errors import FieldError, ItemErrors, KanboError, ValidationFailed
from kanbo.http.responses import ProblemResponse

log = logging.getLogger("kanbo.http")


def problem(error: KanboError) -> ProblemResponse:
    return ProblemResponse(error.body(), status_code=error.status, headers=error.headers or None)


async def _kanbo_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KanboError)
    return problem(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        detail = f"Cannot {request.method} {request.url}"
    elif status == 405:
        detail = f"Method {request.method} is not allowed for {request.url.path}"
    else:
        detail = str(exc.detail)
    error = KanboError(detail, status=status)
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    response = problem(error)
    response.headers.update(headers)
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers on this path (Starlette names only the first
    route's methods when several routes share a path)."""
    methods: set[str] = set()
    probe = {**request.scope, "method": "GET", "type": "http"}
    for context in routing.iter_route_contexts(request.app.router.routes):
        route = getattr(context, "route", None)
        if route is not None and route.matches(probe)[0] != Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


def _loc_to_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


async def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(str(err.get("type", "InvalidValue")), _loc_to_path(tuple(err.get("loc", ()))),
                   str(err.get("msg", "Invalid value")))
        for err in exc.errors()
    ]
    return problem(ValidationFailed([ItemErrors("0", errors)]))


async def _integrity(request: Request, exc: Exception) -> Response:
    """A constraint the service did not check first: the client's data conflicts with what is stored."""
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return problem(KanboError("The request conflicts with existing data", status=409))


async def _data_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold (out of range, too long) that validation let through."""
    log.warning("data error on %s %s: %s", request.method, request.url.path, exc)
    return problem(KanboError("A value in the request is out of range for its field", status=400))


async def _unexpected(request: Request, exc: Exception) -> Response:
    trace_id = uuid.uuid4().hex
    log.exception("unhandled error %s on %s %s", trace_id, request.method, request.url.path)
    body = {
        "title": "ErrInternalServer",
        "type": "https://httpstatus.es/500",
        "status": 500,
        "detail": "Internal server error",
        "trace_id": trace_id,
    }
    return ProblemResponse(body, status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(KanboError, _kanbo_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(Exception, _unexpected)
