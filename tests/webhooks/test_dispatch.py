"""The dispatcher and the sender against a real HTTP sink on 127.0.0.1 (spec §14.3-14.4, §24)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from kanbo.config import reset_settings
from kanbo.core.db import Database, bind_account
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.webhooks.dispatcher import fan_out
from kanbo.webhooks.sender import send_due
from kanbo.webhooks.transport import make_client
from tests.support.factories import Tenant
from tests.webhooks.sink import Sink

SCHEDULE = [60, 300, 900, 3600, 10800, 21600, 43200, 86400]


@pytest.fixture(autouse=True)
def webhook_settings(private_destinations: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KANBO_WEBHOOKS_TIMEOUT", "0.5")
    reset_settings()


@pytest_asyncio.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(connections=10) as client:
        yield client


async def add_webhook(db: Database, account_id: int, destination: str, settings: list[str], *,
                      format: str = "kommo", secret: str | None = None) -> int:
    stamp = int(time.time())
    async with db.transaction() as session:
        bind_account(session, account_id)
        hook = Webhook(destination=destination, settings=settings, format=format, secret=secret, sort=0,
                       disabled=False, created_by=0, created_at=stamp, updated_at=stamp)
        session.add(hook)
        await session.flush()
        return hook.id


async def deliveries(db: Database, account_id: int) -> list[WebhookDelivery]:
    async with db.transaction(write=False) as session:
        bind_account(session, account_id)
        return list((await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))).all())


async def attempts(db: Database, account_id: int) -> list[WebhookAttempt]:
    async with db.transaction(write=False) as session:
        bind_account(session, account_id)
        return list((await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))).all())


async def add_leads(client: httpx.AsyncClient, tenant: Tenant, *names: str) -> list[int]:
    response = await client.post("/api/v4/leads", json=[{"name": name} for name in names], headers=tenant.headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["_embedded"]["leads"]]


async def drain_outbox(db: Database) -> None:
    while await fan_out(db):
        pass


async def test_api_change_reaches_the_sink_in_kommo_format(db: Database, client: httpx.AsyncClient,
                                                           tenant: Tenant, sink: Sink,
                                                           http: httpx.AsyncClient) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead", "update_lead"])
    ids = await add_leads(client, tenant, "First deal", "Second deal")
    await drain_outbox(db)
    rows = await deliveries(db, tenant.id)
    assert len(rows) == 1  # leads added together travel in one request
    assert rows[0].state == "pending" and rows[0].content_type == "application/x-www-form-urlencoded"
    assert await send_due(db, http, account_id=tenant.id) == 1
    assert len(sink.requests) == 1
    request = sink.requests[0]
    assert request.method == "POST" and request.path == "/hook"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["user-agent"] == "amoCRM-WebHook-client/1.0"
    assert request.delivery_id == rows[0].uid
    form = request.form
    assert {form["leads[add][0][id]"], form["leads[add][1][id]"]} == {str(i) for i in ids}
    assert form["account[id]"] == str(tenant.id)
    assert form["account[subdomain]"] == tenant.account.subdomain
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "succeeded" and row.attempts == 1 and row.delivered_at is not None
    (attempt,) = await attempts(db, tenant.id)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.response_excerpt == "ok"
    # Nothing is due any more; nothing is sent twice.
    assert await send_due(db, http, account_id=tenant.id) == 0


async def test_unsubscribed_codes_make_no_delivery(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                                   sink: Sink) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["delete_lead"])
    await add_leads(client, tenant, "Quiet")
    await drain_outbox(db)
    assert await deliveries(db, tenant.id) == []


async def test_retries_after_500_and_timeout_keep_the_delivery_id_and_follow_the_schedule(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink, http: httpx.AsyncClient) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Flaky")
    await drain_outbox(db)
    (row,) = await deliveries(db, tenant.id)
    now = row.next_attempt_at
    assert now is not None
    sink.status = 500
    assert await send_due(db, http, now=now, account_id=tenant.id) == 1
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "pending" and row.attempts == 1 and row.last_status_code == 500
    assert row.next_attempt_at is not None
    delay = row.next_attempt_at - now
    assert 0.9 * SCHEDULE[0] - 1 <= delay <= 1.1 * SCHEDULE[0] + 1
    # Not due before its time.
    assert await send_due(db, http, now=row.next_attempt_at - 1, account_id=tenant.id) == 0
    # Second try: the sink is too slow (timeout 0.5 s).
    sink.status, sink.delay = 200, 1.5
    now = row.next_attempt_at
    assert await send_due(db, http, now=now, account_id=tenant.id) == 1
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "pending" and row.attempts == 2 and row.last_status_code is None
    assert row.last_error and "timeout" in row.last_error
    assert row.next_attempt_at is not None
    delay = row.next_attempt_at - now
    assert 0.9 * SCHEDULE[1] - 1 <= delay <= 1.1 * SCHEDULE[1] + 1
    # Third try succeeds.
    sink.delay = 0
    assert await send_due(db, http, now=row.next_attempt_at, account_id=tenant.id) == 1
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "succeeded" and row.attempts == 3
    assert len(sink.requests) == 3
    assert {r.delivery_id for r in sink.requests} == {row.uid}
    assert [a.succeeded for a in await attempts(db, tenant.id)] == [False, False, True]
    assert [a.attempt for a in await attempts(db, tenant.id)] == [1, 2, 3]


async def test_failing_delivery_gives_up_after_max_age(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                                       sink: Sink, http: httpx.AsyncClient) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Hopeless")
    await drain_outbox(db)
    sink.status = 503
    (row,) = await deliveries(db, tenant.id)
    created = row.created_at
    tries = 0
    while row.state == "pending":
        assert row.next_attempt_at is not None
        assert await send_due(db, http, now=row.next_attempt_at, account_id=tenant.id) == 1
        tries += 1
        (row,) = await deliveries(db, tenant.id)
        assert tries < 20
    assert row.state == "failed" and row.next_attempt_at is None
    # 8 scheduled retries span about 1.9 days, then daily retries until 3 days have passed.
    assert 9 <= tries <= 11
    assert {r.delivery_id for r in sink.requests} == {row.uid}
    last = (await attempts(db, tenant.id))[-1]
    assert last.created_at - created <= 259200


async def test_redirects_are_not_followed(db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink,
                                          http: httpx.AsyncClient) -> None:
    await add_webhook(db, tenant.id, sink.url("/moved"), ["add_lead"])
    await add_leads(client, tenant, "Redirected")
    await drain_outbox(db)
    sink.status = 302
    sink.headers = {"Location": sink.url("/elsewhere")}
    assert await send_due(db, http, account_id=tenant.id) == 1
    assert [r.path for r in sink.requests] == ["/moved"]
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "pending" and row.last_status_code == 302 and row.attempts == 1


async def test_refused_destination_is_a_failed_attempt(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                                       http: httpx.AsyncClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    await add_webhook(db, tenant.id, "http://169.254.169.254/latest/meta-data", ["add_lead"])
    await add_leads(client, tenant, "Metadata")
    await drain_outbox(db)
    assert await send_due(db, http, account_id=tenant.id) == 1
    (row,) = await deliveries(db, tenant.id)
    assert row.state == "pending" and row.last_status_code is None
    assert row.last_error and row.last_error.startswith("refused")


async def test_disable_rule(db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink,
                            http: httpx.AsyncClient) -> None:
    hook_id = await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Seed")
    await drain_outbox(db)
    (seed,) = await deliveries(db, tenant.id)
    now = int(time.time())
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        for i in range(101):
            session.add(WebhookAttempt(delivery_id=seed.id, webhook_id=hook_id, attempt=1, succeeded=False,
                                       status_code=500, latency_ms=1, created_at=now - 7000 + i))
        # Old failures do not count.
        session.add(WebhookAttempt(delivery_id=seed.id, webhook_id=hook_id, attempt=1, succeeded=False,
                                   status_code=500, latency_ms=1, created_at=now - 8000))
    sink.status = 500
    assert await send_due(db, http, now=now, account_id=tenant.id) == 1
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        hook = await session.get(Webhook, hook_id)
        assert hook is not None and hook.disabled and hook.disabled_at == now
    # A disabled subscription gets nothing more.
    (row,) = await deliveries(db, tenant.id)
    assert await send_due(db, http, now=(row.next_attempt_at or now) + 1, account_id=tenant.id) == 0


async def test_disable_rule_needs_the_latest_to_fail(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                                     sink: Sink, http: httpx.AsyncClient) -> None:
    hook_id = await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Seed")
    await drain_outbox(db)
    (seed,) = await deliveries(db, tenant.id)
    now = int(time.time())
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        for i in range(150):
            session.add(WebhookAttempt(delivery_id=seed.id, webhook_id=hook_id, attempt=1, succeeded=False,
                                       status_code=500, latency_ms=1, created_at=now - 3600 + i))
    assert await send_due(db, http, now=now, account_id=tenant.id) == 1  # the sink answers 200
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        hook = await session.get(Webhook, hook_id)
        assert hook is not None and not hook.disabled


async def test_standard_format_is_signed_json(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                              sink: Sink, http: httpx.AsyncClient) -> None:
    key = os.urandom(32)
    secret = "whsec_" + base64.b64encode(key).decode()
    await add_webhook(db, tenant.id, sink.url("/std"), ["add_lead"], format="standard", secret=secret)
    (lead_id,) = await add_leads(client, tenant, "Signed")
    await drain_outbox(db)
    assert await send_due(db, http, account_id=tenant.id) == 1
    (request,) = sink.requests
    assert request.headers["content-type"] == "application/json"
    msg_id = request.headers["webhook-id"]
    timestamp = request.headers["webhook-timestamp"]
    assert msg_id == request.delivery_id
    assert abs(int(timestamp) - time.time()) < 30
    expected = base64.b64encode(
        hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + request.body, hashlib.sha256).digest()
    ).decode()
    signatures = request.headers["webhook-signature"].split(" ")
    assert f"v1,{expected}" in signatures
    document: Any = json.loads(request.body)
    assert str(lead_id) in json.dumps(document)


async def test_events_of_other_accounts_are_kept_apart(db: Database, client: httpx.AsyncClient, tenant: Tenant,
                                                       sink: Sink, http: httpx.AsyncClient) -> None:
    from tests.support.factories import make_tenant

    other = await make_tenant(db)
    await add_webhook(db, tenant.id, sink.url("/one"), ["add_lead"])
    await add_webhook(db, other.id, sink.url("/two"), ["add_lead"])
    (mine,) = await add_leads(client, tenant, "Mine")
    (theirs,) = await add_leads(client, other, "Theirs")
    await drain_outbox(db)
    assert await send_due(db, http, account_id=tenant.id) == 1
    assert await send_due(db, http, account_id=other.id) == 1
    by_path = {r.path: r.form for r in sink.requests}
    assert by_path["/one"]["leads[add][0][id]"] == str(mine)
    assert by_path["/one"]["account[id]"] == str(tenant.id)
    assert by_path["/two"]["leads[add][0][id]"] == str(theirs)
    assert by_path["/two"]["account[id]"] == str(other.id)


async def test_an_event_that_cannot_be_rendered_does_not_block_the_outbox(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink, http: httpx.AsyncClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from kanbo.webhooks import payload

    await add_webhook(db, tenant.id, sink.url("/bad"), ["add_lead"])
    await add_webhook(db, tenant.id, sink.url("/good"), ["add_lead"], format="standard",
                      secret="whsec_" + base64.b64encode(os.urandom(32)).decode())
    original = payload.render_kommo

    async def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("cannot render")

    monkeypatch.setattr(payload, "render_kommo", broken)
    await add_leads(client, tenant, "Poison")
    await drain_outbox(db)
    monkeypatch.setattr(payload, "render_kommo", original)
    rows = await deliveries(db, tenant.id)
    assert sorted(row.state for row in rows) == ["failed", "pending"]
    failed = next(row for row in rows if row.state == "failed")
    assert failed.last_error and "cannot render" in failed.last_error and failed.event_seqs
    assert await send_due(db, http, account_id=tenant.id) == 1
    assert [r.path for r in sink.requests] == ["/good"]
