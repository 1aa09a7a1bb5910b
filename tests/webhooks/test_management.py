"""``/api/v4/webhooks`` (spec §14.1) and the delivery log extensions. No request leaves the test process:
names are "resolved" by a stand-in and nothing is ever sent."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from kanbo.config import reset_settings
from kanbo.core.db import bind_account
from kanbo.core.time import now
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.webhooks import safety
from tests.support.factories import make_tenant
from tests.support.sql import count_statements

URL = "/api/v4/webhooks"
WEBHOOK_KEYS = {"id", "destination", "created_by", "created_at", "updated_at", "sort", "disabled", "settings",
                "account_id"}
PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every name resolves to a public address unless a test says otherwise; no real look-up is made."""
    answers: dict[str, list[str]] = {}

    async def fake(host: str, port: int) -> list[str]:
        return answers.get(host, [PUBLIC_ADDRESS])

    monkeypatch.setattr(safety, "_resolve", fake)
    return answers


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set ``KANBO_*`` variables for one test; settings are reloaded and restored afterwards."""

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"KANBO_{name}", value)
        reset_settings()

    monkeypatch.delenv("KANBO_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    monkeypatch.delenv("KANBO_WEBHOOKS_MAX", raising=False)
    reset_settings()
    yield set_env
    monkeypatch.undo()
    reset_settings()


def dest(name: str = "hook") -> str:
    return f"https://hooks.example.com/{name}/{uuid.uuid4().hex[:8]}"


async def subscribe(client: Any, tenant: Any, destination: str, settings: list[str] | None = None,
                    **extra: Any) -> Any:
    return await client.post(URL, headers=tenant.headers,
                             json={"destination": destination, "settings": settings or ["add_lead"], **extra})


async def test_subscribe_answers_the_bare_webhook_object(client, tenant, env):
    destination = dest()
    before = int(time.time())
    response = await subscribe(client, tenant, destination, ["add_lead", "status_lead", "add_lead"], sort=3)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == WEBHOOK_KEYS
    assert body["destination"] == destination
    assert body["settings"] == ["add_lead", "status_lead"]
    assert body["sort"] == 3
    assert body["disabled"] is False
    assert body["account_id"] == tenant.id
    assert body["created_by"] == tenant.admin.id
    assert body["created_at"] >= before and body["updated_at"] >= body["created_at"]
    assert isinstance(body["id"], int)

    listed = await client.get(URL, headers=tenant.headers)
    assert listed.status_code == 200
    page = listed.json()
    assert page["_total_items"] == 1
    assert page["_links"]["self"]["href"].endswith(URL)
    assert page["_embedded"]["webhooks"] == [body]


async def test_saving_again_updates_by_destination(client, tenant, env):
    destination = dest()
    first = (await subscribe(client, tenant, destination, ["add_lead"], sort=5)).json()
    second = await subscribe(client, tenant, destination, ["update_contact", "delete_task"])
    assert second.status_code == 200
    body = second.json()
    assert body["id"] == first["id"]
    assert body["settings"] == ["update_contact", "delete_task"]
    assert body["sort"] == 5  # kept when not given
    assert body["created_at"] == first["created_at"]
    listed = (await client.get(URL, headers=tenant.headers)).json()
    assert [w["id"] for w in listed["_embedded"]["webhooks"]] == [first["id"]]


async def test_filter_by_destination_and_204_when_none(client, env, db):
    tenant = await make_tenant(db)
    assert (await client.get(URL, headers=tenant.headers)).status_code == 204
    one, two = dest("one"), dest("two")
    await subscribe(client, tenant, one)
    await subscribe(client, tenant, two, ["add_contact"])
    response = await client.get(URL, headers=tenant.headers, params={"filter[destination]": two})
    assert response.status_code == 200
    body = response.json()
    assert body["_total_items"] == 1
    assert [w["destination"] for w in body["_embedded"]["webhooks"]] == [two]
    # exact match only
    assert (await client.get(URL, headers=tenant.headers,
                             params={"filter[destination]": two + "/more"})).status_code == 204
    assert (await client.get(URL, headers=tenant.headers,
                             params={"filter[destination]": "https://hooks.example.com/"})).status_code == 204
    everything = (await client.get(URL, headers=tenant.headers)).json()
    assert everything["_total_items"] == 2
    # another account sees none of them
    other = await make_tenant(db)
    assert (await client.get(URL, headers=other.headers)).status_code == 204


async def test_delete_by_destination(client, tenant, env):
    destination = dest()
    await subscribe(client, tenant, destination)
    response = await client.request("DELETE", URL, headers=tenant.headers, json={"destination": destination})
    assert response.status_code == 204
    assert response.content == b""
    again = await client.request("DELETE", URL, headers=tenant.headers, json={"destination": destination})
    assert again.status_code == 404
    assert (await client.get(URL, headers=tenant.headers,
                             params={"filter[destination]": destination})).status_code == 204
    missing = await client.request("DELETE", URL, headers=tenant.headers, json={})
    assert missing.status_code == 400


async def test_delete_is_per_account(client, tenant, env, db):
    destination = dest()
    await subscribe(client, tenant, destination)
    other = await make_tenant(db)
    response = await client.request("DELETE", URL, headers=other.headers, json={"destination": destination})
    assert response.status_code == 404
    still = await client.get(URL, headers=tenant.headers, params={"filter[destination]": destination})
    assert still.status_code == 200


async def test_admin_only(client, tenant, env):
    destination = dest()
    created = (await subscribe(client, tenant, destination)).json()
    member = await tenant.add_user(name="Manager")
    headers = member.headers
    assert (await client.get(URL, headers=headers)).status_code == 403
    refused = await client.post(URL, headers=headers, json={"destination": dest(), "settings": ["add_lead"]})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    deleted = await client.request("DELETE", URL, headers=headers, json={"destination": destination})
    assert deleted.status_code == 403
    assert (await client.get(f"{URL}/{created['id']}/deliveries", headers=headers)).status_code == 403
    assert (await client.post(f"{URL}/deliveries/1/retry", headers=headers)).status_code == 403
    # nothing changed
    listed = (await client.get(URL, headers=tenant.headers)).json()
    assert [w["destination"] for w in listed["_embedded"]["webhooks"]] == [destination]


async def test_unknown_event_code_is_named(client, tenant, env):
    response = await subscribe(client, tenant, dest(), ["add_lead", "add_unicorn"])
    assert response.status_code == 400
    body = response.json()
    assert "add_unicorn" in body["detail"]
    errors = body["validation-errors"][0]["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [("settings.1", "NotSupportedChoice")]
    assert "add_unicorn" in errors[0]["detail"]
    assert (await client.get(URL, headers=tenant.headers)).status_code == 204


async def test_codes_kanbo_does_not_send_yet_are_accepted(client, tenant, env):
    response = await subscribe(client, tenant, dest(), ["add_customer", "add_talk", "add_message", "add_unsorted"])
    assert response.status_code == 200
    assert response.json()["settings"] == ["add_customer", "add_talk", "add_message", "add_unsorted"]


@pytest.mark.parametrize(("body", "path"), [
    ({"destination": "https://hooks.example.com/x", "settings": []}, "settings"),
    ({"destination": "https://hooks.example.com/x"}, "settings"),
    ({"destination": "https://hooks.example.com/x", "settings": "add_lead"}, "settings"),
    ({"destination": "https://hooks.example.com/x", "settings": ["add_lead", 5]}, "settings.1"),
    ({"settings": ["add_lead"]}, "destination"),
    ({"destination": 12, "settings": ["add_lead"]}, "destination"),
    ({"destination": "https://hooks.example.com/x", "settings": ["add_lead"], "sort": "first"}, "sort"),
    ({"destination": "https://hooks.example.com/x", "settings": ["add_lead"], "sort": 2**40}, "sort"),
    ({"destination": "https://hooks.example.com/x", "settings": ["add_lead"], "format": "xml"}, "format"),
])
async def test_invalid_bodies(client, tenant, env, body, path):
    response = await client.post(URL, headers=tenant.headers, json=body)
    assert response.status_code == 400, response.text
    paths = [e["path"] for e in response.json()["validation-errors"][0]["errors"]]
    assert path in paths


@pytest.mark.parametrize("destination", [
    "http://169.254.169.254/", "http://127.0.0.1/", "http://10.0.0.1/", "ftp://x", "http://[::1]/",
    "http://localhost/hook", "http://metadata.google.internal/", "hooks.example.com/no-scheme",
])
async def test_refused_destinations(client, tenant, env, destination):
    response = await subscribe(client, tenant, destination)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


async def test_a_name_resolving_to_loopback_is_refused(client, tenant, env, no_dns):
    no_dns["sneaky.example.com"] = ["127.0.0.1"]
    no_dns["cloud.example.com"] = ["169.254.169.254"]
    response = await subscribe(client, tenant, "https://sneaky.example.com/hook")
    assert response.status_code == 400
    assert "127.0.0.1" in response.json()["detail"]
    env(WEBHOOKS_ALLOW_PRIVATE="true")
    assert (await subscribe(client, tenant, "https://sneaky.example.com/hook")).status_code == 200
    assert (await subscribe(client, tenant, "https://cloud.example.com/hook")).status_code == 400


async def test_private_destinations_with_the_setting(client, tenant, env):
    env(WEBHOOKS_ALLOW_PRIVATE="true")
    for destination in ("http://127.0.0.1:5678/webhook", "http://10.0.0.1/", "http://[::1]:8080/",
                        "http://localhost/hook"):
        response = await subscribe(client, tenant, destination)
        assert response.status_code == 200, (destination, response.text)
    for destination in ("http://169.254.169.254/", "http://[fe80::1]/", "http://[fd00:ec2::254]/",
                        "http://metadata.google.internal/", "ftp://x"):
        response = await subscribe(client, tenant, destination)
        assert response.status_code == 400, (destination, response.text)


async def test_limit_per_account(client, env, db):
    env(WEBHOOKS_MAX="2")
    tenant = await make_tenant(db)
    first, second = dest("a"), dest("b")
    assert (await subscribe(client, tenant, first)).status_code == 200
    assert (await subscribe(client, tenant, second)).status_code == 200
    over = await subscribe(client, tenant, dest("c"))
    assert over.status_code == 400
    assert "2" in over.json()["detail"]
    # saving an existing subscription is not a new one
    assert (await subscribe(client, tenant, second, ["update_lead"])).status_code == 200
    # another account has its own allowance
    other = await make_tenant(db)
    assert (await subscribe(client, other, dest("c"))).status_code == 200
    await client.request("DELETE", URL, headers=tenant.headers, json={"destination": first})
    assert (await subscribe(client, tenant, dest("c"))).status_code == 200


async def test_saving_again_re_enables_a_disabled_webhook(client, tenant, env, db):
    destination = dest()
    created = (await subscribe(client, tenant, destination)).json()
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        webhook = await session.get(Webhook, created["id"])
        webhook.disabled = True
        webhook.disabled_at = now()
    listed = (await client.get(URL, headers=tenant.headers)).json()
    assert listed["_embedded"]["webhooks"][0]["disabled"] is True
    saved = (await subscribe(client, tenant, destination, ["add_lead"])).json()
    assert saved["disabled"] is False
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        webhook = await session.get(Webhook, created["id"])
        assert (webhook.disabled, webhook.disabled_at) == (False, None)


async def test_standard_format_secret_is_shown_once(client, tenant, env, db):
    destination = dest()
    created = await subscribe(client, tenant, destination, format="standard")
    assert created.status_code == 200
    body = created.json()
    assert set(body) == WEBHOOK_KEYS | {"format", "secret"}
    assert body["format"] == "standard"
    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        stored = await session.get(Webhook, body["id"])
        assert (stored.secret, stored.format) == (secret, "standard")
    again = (await subscribe(client, tenant, destination, ["update_lead"])).json()
    assert again["format"] == "standard"
    assert "secret" not in again
    listed = (await client.get(URL, headers=tenant.headers)).json()["_embedded"]["webhooks"][0]
    assert listed["format"] == "standard" and "secret" not in listed
    # a different subscription gets a different secret
    other = (await subscribe(client, tenant, dest(), format="standard")).json()
    assert other["secret"] != secret
    # Kommo format: exactly Kommo's keys
    kommo = (await subscribe(client, tenant, dest(), format="kommo")).json()
    assert set(kommo) == WEBHOOK_KEYS


async def test_switching_to_standard_shows_the_new_secret(client, tenant, env):
    destination = dest()
    await subscribe(client, tenant, destination)
    switched = (await subscribe(client, tenant, destination, format="standard")).json()
    assert switched["secret"].startswith("whsec_")


# Delivery log ----------------------------------------------------------------------------------

async def add_deliveries(db: Any, tenant: Any, webhook_id: int, count: int, *, attempts: int = 2,
                         state: str = "failed") -> list[int]:
    """Delivery rows as the dispatcher and sender leave them, oldest first."""
    ids = []
    base = now() - 1000
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        for index in range(count):
            stamp = base + index * 10
            delivery = WebhookDelivery(
                uid=uuid.uuid4().hex, webhook_id=webhook_id, event_seqs=[index + 1], codes=["add_lead"],
                content_type="application/x-www-form-urlencoded", body="leads[add][0][id]=1", state=state,
                attempts=attempts, next_attempt_at=stamp + 300 if state == "pending" else None,
                lease_until=stamp + 60, last_status_code=500 if attempts else None,
                last_error="HTTP 500" if attempts else None, created_at=stamp, updated_at=stamp + 5,
                delivered_at=None)
            session.add(delivery)
            await session.flush()
            ids.append(delivery.id)
            for number in range(attempts, 0, -1):  # inserted out of order on purpose
                session.add(WebhookAttempt(
                    delivery_id=delivery.id, webhook_id=webhook_id, attempt=number, succeeded=False,
                    status_code=500, latency_ms=12 * number, response_excerpt=f"oops {number}",
                    error=None, created_at=stamp + number))
    return ids


async def test_deliveries_newest_first_with_their_attempts(client, tenant, env, db):
    webhook = (await subscribe(client, tenant, dest())).json()
    ids = await add_deliveries(db, tenant, webhook["id"], 3)
    response = await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers)
    assert response.status_code == 200, response.text
    items = response.json()["_embedded"]["deliveries"]
    assert [d["id"] for d in items] == list(reversed(ids))
    first = items[0]
    assert {"id", "uid", "state", "attempts", "codes", "created_at", "updated_at", "delivered_at",
            "next_attempt_at", "last_status_code", "last_error", "_embedded"} <= set(first)
    assert (first["state"], first["attempts"], first["codes"]) == ("failed", 2, ["add_lead"])
    assert (first["last_status_code"], first["last_error"], first["delivered_at"]) == (500, "HTTP 500", None)
    assert first["_embedded"]["attempts"] == [
        {"attempt": 1, "succeeded": False, "status_code": 500, "latency_ms": 12, "response_excerpt": "oops 1",
         "error": None, "created_at": first["created_at"] + 1},
        {"attempt": 2, "succeeded": False, "status_code": 500, "latency_ms": 24, "response_excerpt": "oops 2",
         "error": None, "created_at": first["created_at"] + 2},
    ]

    paged = (await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers,
                              params={"limit": 2})).json()
    assert [d["id"] for d in paged["_embedded"]["deliveries"]] == [ids[2], ids[1]]
    assert "next" in paged["_links"]
    last = (await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers,
                             params={"limit": 2, "page": 2})).json()
    assert [d["id"] for d in last["_embedded"]["deliveries"]] == [ids[0]]
    assert "next" not in last["_links"]
    past = await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers, params={"page": 5})
    assert past.status_code == 204


async def test_deliveries_of_an_unknown_or_foreign_webhook(client, tenant, env, db):
    webhook = (await subscribe(client, tenant, dest())).json()
    await add_deliveries(db, tenant, webhook["id"], 1)
    other = await make_tenant(db)
    assert (await client.get(f"{URL}/{webhook['id']}/deliveries", headers=other.headers)).status_code == 404
    assert (await client.get(f"{URL}/999999999/deliveries", headers=tenant.headers)).status_code == 404
    fresh = (await subscribe(client, tenant, dest())).json()
    assert (await client.get(f"{URL}/{fresh['id']}/deliveries", headers=tenant.headers)).status_code == 204


async def test_deliveries_page_runs_a_fixed_number_of_statements(client, tenant, env, db):
    small = (await subscribe(client, tenant, dest())).json()
    large = (await subscribe(client, tenant, dest())).json()
    await add_deliveries(db, tenant, small["id"], 1)
    await add_deliveries(db, tenant, large["id"], 6, attempts=3)
    counts = []
    for webhook in (small, large):
        with count_statements(db) as statements:
            response = await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_retry_makes_a_delivery_due_now(client, tenant, env, db):
    webhook = (await subscribe(client, tenant, dest())).json()
    [delivery_id] = await add_deliveries(db, tenant, webhook["id"], 1, attempts=3)
    before = now()
    response = await client.post(f"{URL}/deliveries/{delivery_id}/retry", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == delivery_id
    assert body["state"] == "pending"
    assert body["attempts"] == 3
    assert before <= body["next_attempt_at"] <= now()
    assert [a["attempt"] for a in body["_embedded"]["attempts"]] == [1, 2, 3]
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        row = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
        assert (row.state, row.lease_until, row.attempts) == ("pending", None, 3)
        assert row.next_attempt_at is not None and row.next_attempt_at <= now()
    listed = (await client.get(f"{URL}/{webhook['id']}/deliveries", headers=tenant.headers)).json()
    assert listed["_embedded"]["deliveries"][0]["state"] == "pending"


async def test_retry_of_a_foreign_or_missing_delivery(client, tenant, env, db):
    webhook = (await subscribe(client, tenant, dest())).json()
    [delivery_id] = await add_deliveries(db, tenant, webhook["id"], 1)
    other = await make_tenant(db)
    assert (await client.post(f"{URL}/deliveries/{delivery_id}/retry", headers=other.headers)).status_code == 404
    assert (await client.post(f"{URL}/deliveries/999999999/retry", headers=tenant.headers)).status_code == 404
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        row = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
        assert row.state == "failed"


async def test_deleting_a_webhook_removes_its_deliveries(client, tenant, env, db):
    destination = dest()
    webhook = (await subscribe(client, tenant, destination)).json()
    await add_deliveries(db, tenant, webhook["id"], 2)
    response = await client.request("DELETE", URL, headers=tenant.headers, json={"destination": destination})
    assert response.status_code == 204
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        left = list(await session.scalars(select(WebhookDelivery.id).where(
            WebhookDelivery.webhook_id == webhook["id"])))
        attempts = list(await session.scalars(select(WebhookAttempt.id).where(
            WebhookAttempt.webhook_id == webhook["id"])))
    assert left == [] and attempts == []
