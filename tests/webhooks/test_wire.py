"""The typed wire of ``/api/v4/webhooks``: lax numbers, Kommo's 400 paths, queries, the admin check
before the body, and the published document."""

from __future__ import annotations

import uuid

import pytest

from kanbo.webhooks import safety

URL = "/api/v4/webhooks"


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    async def public(host: str, port: int) -> list[str]:
        return ["93.184.215.14"]

    monkeypatch.setattr(safety, "_resolve", public)


def dest() -> str:
    return f"https://hooks.example.com/{uuid.uuid4().hex[:8]}"


def errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    (entry,) = response.json()["validation-errors"]
    assert entry["request_id"] == "0"
    return [(e["path"], e["code"]) for e in entry["errors"]]


async def test_numbers_as_text_unknown_keys_and_blank_text(client, tenant):
    destination = dest()
    response = await client.post(URL, headers=tenant.headers, json={
        "destination": f"  {destination} ", "settings": ["add_lead"], "sort": "7", "unknown": {"x": 1}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["destination"], body["sort"]) == (destination, 7)
    again = await client.post(URL, headers=tenant.headers, json={
        "destination": destination, "settings": ["add_lead"], "sort": 8.0})
    assert again.json()["sort"] == 8


async def test_wrong_types_name_their_path(client, tenant):
    assert errors(await client.post(URL, headers=tenant.headers, json={
        "destination": "   ", "settings": "add_lead", "sort": 1.5, "format": "xml"})) == [
        ("destination", "NotBlank"), ("settings", "InvalidType"), ("sort", "InvalidType"),
        ("format", "NotSupportedChoice")]
    assert errors(await client.post(URL, headers=tenant.headers, json={
        "destination": dest(), "settings": [], "sort": 2**31})) == [("settings", "NotBlank"), ("sort", "OutOfRange")]
    refused = await client.post(URL, headers=tenant.headers, json={
        "destination": dest(), "settings": ["add_lead", "nope", 3, "add_lead"]})
    assert errors(refused) == [("settings.1", "NotSupportedChoice"), ("settings.2", "InvalidType")]
    assert refused.json()["detail"] == "Unknown event code: 'nope'"
    assert errors(await client.request("DELETE", URL, headers=tenant.headers, json={"destination": 5})) == [
        ("destination", "InvalidType")]
    assert (await client.request("DELETE", URL, headers=tenant.headers)).status_code == 400
    assert (await client.get(URL, headers=tenant.headers)).status_code == 204


async def test_queries(client, tenant):
    one, two = dest(), dest()
    for destination in (one, two):
        await client.post(URL, headers=tenant.headers, json={"destination": destination, "settings": ["add_lead"]})
    both = await client.get(URL, headers=tenant.headers, params=[("filter[destination][]", one),
                                                                 ("filter[destination][]", two),
                                                                 ("limit", "1000"), ("page", "x")])
    assert both.status_code == 200, both.text  # no pages here: page and limit are ignored
    assert {w["destination"] for w in both.json()["_embedded"]["webhooks"]} == {one, two}
    webhook_id = both.json()["_embedded"]["webhooks"][0]["id"]
    deliveries = f"{URL}/{webhook_id}/deliveries"
    assert (await client.get(f"{deliveries}?limit=251", headers=tenant.headers)).status_code == 422
    assert (await client.get(f"{deliveries}?limit=&filter[state]=failed,pending", headers=tenant.headers)
            ).status_code == 204
    assert errors(await client.get(f"{deliveries}?filter[state]=lost", headers=tenant.headers)) == [
        ("filter.state.0", "NotSupportedChoice")]
    # A regression: a nested value where a state is expected was a 500.
    assert errors(await client.get(f"{deliveries}?filter[state][0][x]=1", headers=tenant.headers)) == [
        ("filter.state.0", "NotSupportedChoice")]


async def test_the_admin_check_comes_before_the_body(client, tenant):
    member = await tenant.add_user(name="Member")
    assert (await client.post(URL, headers=member.headers, json={"settings": 5})).status_code == 403
    assert (await client.request("DELETE", URL, headers=member.headers, json=[])).status_code == 403
    assert (await client.get(f"{URL}?filter=x", headers=member.headers)).status_code == 403


async def test_the_document(app):
    document = app.openapi()
    save = document["paths"][URL]["post"]
    assert save["operationId"] == "webhooks.save_webhook"
    assert save["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/WebhookIn"}
    assert save["responses"]["200"]["content"]["application/hal+json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookOut"}
    schemas = document["components"]["schemas"]
    assert "add_lead" in schemas["WebhookIn"]["properties"]["settings"]["items"]["enum"]
    remove = document["paths"][URL]["delete"]
    assert remove["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookDestinationIn"}
    assert "204" in remove["responses"] and "200" not in remove["responses"]
    assert set(schemas["WebhookOut"]["required"]) == {"id", "destination", "created_by", "created_at", "updated_at",
                                                       "sort", "disabled", "settings", "account_id"}
