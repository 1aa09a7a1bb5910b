"""The OpenAPI document tells the truth (issue 10 §1): schemathesis against the app, on both databases.

Cases are generated from the app's own document (positive and negative) for every operation of the
typed domains, sent through the ASGI transport with an admin's token, and checked: no server error,
the status code is documented, the content type is the documented one and the body matches the
documented schema. Runs are reproducible (``derandomize``, no example database) and bounded by
``max_examples`` and a time budget per domain (``KANBO_SCHEMATHESIS_SECONDS``, default 60).
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Every domain of the API (operation ids ``<domain>.<route name>``); a new one fails
# test_every_domain_of_the_document_is_checked until it is listed here.
# KANBO_SCHEMATHESIS_DOMAINS=a,b runs only those.
DOMAINS = [
    "accounts", "auth", "calls", "custom_fields", "entities", "events", "leads", "links", "notes",
    "pipelines", "search", "tags", "tasks", "unsorted", "web", "webhooks",
]
TYPED = [d for d in os.environ.get("KANBO_SCHEMATHESIS_DOMAINS", "").split(",") if d] or DOMAINS

EXAMPLES = int(os.environ.get("KANBO_SCHEMATHESIS_EXAMPLES", "120"))
BUDGET = float(os.environ.get("KANBO_SCHEMATHESIS_SECONDS", "60"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest_asyncio.fixture
async def world(app, tenant, client):
    """An account with a little of everything, so generated ids sometimes hit real rows."""
    await client.post("/api/v4/leads", headers=tenant.headers, json=[{"name": "Deal"}, {"name": "Other"}])
    await client.post("/api/v4/contacts", headers=tenant.headers, json=[{"name": "Ann"}])
    await client.post("/api/v4/leads/tags", headers=tenant.headers, json=[{"name": "hot"}])
    schema = schemathesis.openapi.from_dict(app.openapi())
    return tenant, schema


def operations(schema: Any, domain: str) -> list[Any]:
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId", "").startswith(domain + "."):
            found.append(operation)
    return found


def _request(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    kwargs = case.as_transport_kwargs(base_url="http://127.0.0.1:8000", headers=headers)
    sent: dict[str, Any] = {"method": kwargs["method"], "url": kwargs["url"], "headers": kwargs.get("headers"),
                            "params": kwargs.get("params")}
    if "json" in kwargs:
        sent["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        sent["content" if isinstance(data, (bytes, str)) else "data"] = data
    return sent


@pytest.mark.parametrize("domain", TYPED)
def test_every_typed_domain_has_operations(app, domain):
    schema = schemathesis.openapi.from_dict(app.openapi())
    assert operations(schema, domain), domain


def test_every_domain_of_the_document_is_checked(app):
    found = {operation["operationId"].split(".")[0] for path, item in app.openapi()["paths"].items()
             if path.startswith(("/api/v4", "/oauth2", "/api/session")) for operation in item.values()}
    assert found == set(DOMAINS)


@pytest.mark.parametrize("domain", TYPED)
@SETTINGS
@given(data=st.data())
async def test_the_document_tells_the_truth(client: httpx.AsyncClient, world, domain, data):
    tenant, schema = world
    started = world_started.setdefault(domain, time.monotonic())
    if time.monotonic() - started > BUDGET:
        reject()  # the time budget is spent: the remaining examples are skipped (a failure found stands)
    operation = data.draw(st.sampled_from(operations(schema, domain)), label="operation")
    mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]), label="mode")
    case = data.draw(operation.as_strategy(generation_mode=mode), label="case")
    try:
        response = await client.request(**_request(case, dict(tenant.headers)))
    except httpx.InvalidURL:
        reject()  # a generated query longer than any URL httpx builds: no request to check

    case.validate_response(response, checks=CHECKS)


world_started: dict[str, float] = {}
