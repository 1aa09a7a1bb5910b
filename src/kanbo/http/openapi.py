"""The OpenAPI document tells the truth (issue 10 §1).

FastAPI writes what it sees in the signatures; Kanbo's bodies and queries are read by the
dependencies of :mod:`kanbo.http.wire` (JSON whatever the Content-Type, PHP-style brackets), so this
module completes the document from their marks:

- ``operationId`` is ``<domain>.<route name>`` (``pipelines.list_pipelines``): stable names for the
  web UI's generated client;
- the request body of :func:`wire.body` / :func:`wire.batch` (a batch also takes a single object);
- every field of a :func:`wire.query` model as a query parameter (objects such as ``filter`` as
  ``deepObject``);
- the problem+json answers every API operation can give (``Problem`` in components), in place of
  FastAPI's 422 ``HTTPValidationError`` that Kanbo never sends.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from kanbo.http.wire import WIRE_BODY, WIRE_QUERY

REF = "#/components/schemas/"
HAL = "application/hal+json"
PROBLEM = "application/problem+json"


class ValidationItem(BaseModel):
    code: str
    path: str
    detail: str


class ValidationEntry(BaseModel):
    request_id: str
    errors: list[ValidationItem]


class Problem(BaseModel):
    """Every error: Kommo's problem+json (spec §1.4)."""

    title: str
    type: str
    status: int
    detail: str
    validation_errors: list[ValidationEntry] | None = Field(default=None, alias="validation-errors")
    hint: str | None = None
    retry_after: int | None = None


#: What any API operation may answer besides its success (spec §1.4): bad input, authentication,
#: rights, unknown ids, conflicts, body size, batch limits, rate limiting.
PROBLEMS = {
    "400": "Bad request or validation failed",
    "401": "Not authorized",
    "403": "Forbidden",
    "404": "Not found",
    "405": "Method not allowed",
    "409": "Conflict with stored data",
    "413": "Request body too large",
    "422": "Unprocessable (limits)",
    "429": "Too many requests",
}

API_PREFIXES = ("/api/v4", "/oauth2", "/api/session")


def operation_id(route: APIRoute) -> str:
    """``<domain>.<route name>``: the package of the route's module and the route's name."""
    parts = route.endpoint.__module__.split(".")
    domain = parts[1] if len(parts) > 2 and parts[0] == "kanbo" else parts[-1]
    return f"{domain}.{route.name}"


def _marks(route: APIRoute, attr: str) -> list[Any]:
    found: list[Any] = []

    def walk(dependant: Any) -> None:
        mark = getattr(dependant.call, attr, None)
        if mark is not None:
            found.append(mark)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def _schema_of(models: list[type[BaseModel]], components: dict[str, Any]) -> None:
    if not models:
        return
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=REF + "{model}")
    components.update(top.get("$defs", {}))


def _query_parameters(model: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF + "{model}")
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if _is_object(prop, components):
            param.update(style="deepObject", explode=True)
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _is_object(prop: dict[str, Any], components: dict[str, Any]) -> bool:
    if prop.get("type") == "object":
        return True
    ref = prop.get("$ref")
    if ref:
        return _is_object(components.get(ref.removeprefix(REF), {}), components)
    return any(_is_object(p, components) for p in prop.get("anyOf", []) if p.get("type") != "null")


def build(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, routes=app.routes,
                           description=app.description)
    components: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    _schema_of([Problem], components)
    problem_ref = {"$ref": REF + "Problem"}
    for context in routing.iter_route_contexts(app.routes):
        route = getattr(context, "route", None)
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path_item = document["paths"].get(route.path_format, {})
        for method in route.methods or ():
            operation = path_item.get(method.lower())
            if operation is None:
                continue
            operation["operationId"] = operation_id(route)
            answers = operation.setdefault("responses", {})
            answers.pop("422", None)
            if route.responses and 200 not in route.responses and "200" not in route.responses \
                    and route.status_code is None:
                answers.pop("200", None)  # FastAPI's placeholder; the route documents what it answers
            _declared_content(route, answers)
            for mark in _marks(route, WIRE_BODY):
                _schema_of([mark.model], components)
                ref = {"$ref": REF + mark.model.__name__}
                schema = {"anyOf": [{"type": "array", "items": ref}, ref]} if mark.batch else ref
                operation["requestBody"] = {
                    "required": mark.required,
                    "content": {"application/json": {"schema": schema}},
                }
            for mark in _marks(route, WIRE_QUERY):
                operation.setdefault("parameters", []).extend(_query_parameters(mark.model, components))
            if route.path_format.startswith(API_PREFIXES):
                for code, description in PROBLEMS.items():
                    answers.setdefault(code, {"description": description,
                                              "content": {PROBLEM: {"schema": problem_ref}}})
    return document


def _declared_content(route: APIRoute, answers: dict[str, Any]) -> None:
    """A declared answer's body under exactly its media types: FastAPI files the model under
    ``application/json`` and adds an empty or ``{"type": "string"}`` schema (or that type beside
    the ``$ref``) for the route's own response class, which no body matches. A HAL answer is also
    served as plain JSON to clients that prefer it (:mod:`kanbo.http.negotiation`), so both carry
    the model. A declared answer without a model (204) has no body."""
    for status, spec in (route.responses or {}).items():
        answer = answers.get(str(status))
        if answer is None:
            continue
        if "model" not in spec:
            answer.pop("content", None)
            continue
        schemas = [entry.get("schema") for entry in answer.get("content", {}).values()]
        ref = next((schema["$ref"] for schema in schemas if schema and "$ref" in schema), None)
        if ref is None:
            continue
        model = {"$ref": ref}  # without the ``"type": "string"`` FastAPI may have put beside it
        media = list(spec.get("content") or {}) or ["application/json"]
        if HAL in media and "application/json" not in media:
            media.append("application/json")
        answer["content"] = {media_type: {"schema": model} for media_type in media}


def install(app: FastAPI) -> None:
    """``app.openapi()`` (and ``/openapi.json``) return :func:`build`'s document, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def dumps(document: dict[str, Any]) -> str:
    """The document as a stable text (the committed ``web/src/api/openapi.json``): sorted keys,
    two-space indent, UTF-8 as is, one final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
