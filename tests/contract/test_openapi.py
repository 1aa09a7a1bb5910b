"""The published OpenAPI document (issue 10 §1): named operations, problem answers, 405 with ``Allow``."""

from __future__ import annotations

import re
from collections import Counter

from tests.support.routes import app_routes

API = ("/api/v4", "/oauth2", "/api/session")
PROBLEM_CODES = {"400", "401", "403", "404", "405", "409", "413", "422", "429"}


def operations(app):
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_has_a_stable_id_named_by_its_domain(app):
    ids = [operation["operationId"] for _, _, operation in operations(app)]
    assert ids
    assert not [name for name, count in Counter(ids).items() if count > 1]
    assert all(re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", name) for name in ids), ids
    document = app.openapi()
    assert document["paths"]["/api/v4/leads"]["get"]["operationId"] == "entities.list_leads"


def test_every_api_operation_documents_the_problem_answers(app):
    schemas = app.openapi()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for path, method, operation in operations(app):
        if not path.startswith(API):
            continue
        answers = operation["responses"]
        assert answers.keys() >= PROBLEM_CODES, (method, path)
        assert answers["400"]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"}, (method, path)
        assert any(code.startswith("2") for code in answers), (method, path)


def test_the_problem_schema_holds_kommos_keys(app):
    problem = app.openapi()["components"]["schemas"]["Problem"]
    assert {"title", "type", "status", "detail"} <= set(problem["required"])
    assert "validation-errors" in problem["properties"]


async def test_the_document_is_served_as_built(client, app):
    served = await client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == app.openapi()


async def test_405_answers_carry_the_routes_real_methods(client, tenant, app):
    methods: dict[str, set[str]] = {}
    for route in app_routes(app):
        methods.setdefault(route.path, set()).add(route.method)
    for path, expected in [("/api/v4/leads", methods["/api/v4/leads"]),
                           ("/api/v4/leads/pipelines", methods["/api/v4/leads/pipelines"])]:
        response = await client.put(path, headers=tenant.headers, json={})
        assert response.status_code == 405
        assert set(response.headers["allow"].split(", ")) == expected, (path, response.headers["allow"])
    assert methods["/api/v4/leads"] >= {"GET", "POST", "PATCH"}


def test_every_success_answer_has_its_model_or_no_body(app):
    for path, method, operation in operations(app):
        if not path.startswith(API):
            continue
        successes = {code: answer for code, answer in operation["responses"].items() if code.startswith("2")}
        assert successes, (method, path)
        for code, answer in successes.items():
            content = answer.get("content")
            if code == "204" or content is None:
                assert content is None, (method, path, code)  # an empty body is documented as none
                continue
            for media_type, entry in content.items():
                assert "$ref" in entry.get("schema", {}), (method, path, code, media_type)
                assert entry["schema"].keys() == {"$ref"}, (method, path, code, media_type)


# Actions named by their path alone (``POST …/restore``, ``…/pin``, ``…/retry``) take no body.
BODILESS = re.compile(r".*/(restore|pin|unpin|retry)$")


def test_every_write_documents_its_body(app):
    for path, method, operation in operations(app):
        if path.startswith(API) and method in ("post", "patch", "put") and not BODILESS.match(path):
            assert "requestBody" in operation, (method, path)
            (media_type,) = operation["requestBody"]["content"]
            assert operation["requestBody"]["content"][media_type]["schema"], (method, path)
