"""Content negotiation (issue 9): JSON clients get application/json, everyone else HAL, errors problem+json."""

from __future__ import annotations

import pytest

from kanbo.http.negotiation import prefers_plain_json


@pytest.mark.parametrize(("accept", "plain"), [
    (None, False),
    ("", False),
    ("application/json", True),
    ("application/json, text/plain, */*", True),  # axios's default
    ("Application/JSON; charset=utf-8", True),
    ("application/hal+json", False),
    ("*/*", False),
    ("*/*, application/json", False),
    ("application/hal+json, application/json", False),
    ("application/json, application/hal+json", True),
    ("application/hal+json;q=0.5, application/json", True),
    ("application/json;q=0.4, */*;q=0.8", False),
    ("application/json;q=0, */*", False),
    ("application/json;q=oops", True),
    ("text/html", False),
    ("application/*, application/json", False),
])
def test_the_rule(accept, plain):
    assert prefers_plain_json(accept) is plain


async def test_json_clients_get_application_json_with_the_same_body(client, tenant):
    hal = await client.get("/api/v4/leads/pipelines", headers=tenant.headers)
    plain = await client.get("/api/v4/leads/pipelines", headers={**tenant.headers, "Accept": "application/json"})
    assert hal.headers["content-type"] == "application/hal+json"
    assert plain.status_code == 200 and plain.headers["content-type"] == "application/json"
    assert plain.content == hal.content
    wildcard = await client.get("/api/v4/account", headers={**tenant.headers, "Accept": "*/*"})
    assert wildcard.headers["content-type"] == "application/hal+json"
    created = await client.post("/api/v4/leads", headers={**tenant.headers, "Accept": "application/json"},
                                json=[{"name": "Plain"}])
    assert created.status_code == 200 and created.headers["content-type"] == "application/json"


async def test_errors_and_empty_answers_keep_their_own_types(client, tenant):
    headers = {**tenant.headers, "Accept": "application/json"}
    error = await client.post("/api/v4/leads", headers=headers, json=[{"price": "many"}])
    assert error.status_code == 400 and error.headers["content-type"] == "application/problem+json"
    missing = await client.get("/api/v4/leads/999999999", headers=headers)
    assert missing.status_code == 204 and "content-type" not in missing.headers
    unauthorised = await client.get("/api/v4/leads", headers={"Accept": "application/json"})
    assert unauthorised.headers["content-type"] == "application/problem+json"
