"""The worker loop: woken by commits (in process and by NOTIFY), requests in flight side by side, outbox
rows gone once dispatched, the delivery log pruned, connections pinned to the checked address."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select, text, update

from kanbo.core.db import Database, bind_account, unscoped
from kanbo.core.wakeups import PgListener
from kanbo.events import commits
from kanbo.models.webhooks import EventOutbox, WebhookDelivery
from kanbo.webhooks import safety
from kanbo.webhooks.sender import Outcome, claim_due, record_outcomes, send_due
from kanbo.webhooks.transport import make_client, pinned
from kanbo.webhooks.worker import prune, run_worker
from tests.support import databases
from tests.support.factories import Tenant
from tests.webhooks.sink import Sink
from tests.webhooks.test_dispatch import add_leads, add_webhook, attempts, deliveries, drain_outbox

pytestmark = pytest.mark.usefixtures("private_destinations")


@pytest_asyncio.fixture
async def worker_of(db: Database) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """Start workers on ``db`` (or another Database) for the test; all are stopped at its end."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start(database: Database | None = None, **options: object) -> None:
        tasks.append(asyncio.create_task(run_worker(database or db, stop=stop, **options)))  # type: ignore[arg-type]
        await asyncio.sleep(0.2)  # its first round (and LISTEN) before the test goes on

    yield start
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)


async def received_within(sink: Sink, count: int, seconds: float) -> None:
    started = time.monotonic()
    while len(sink.requests) < count:
        assert time.monotonic() - started < seconds, f"{len(sink.requests)} of {count} requests arrived"
        await asyncio.sleep(0.01)


async def outbox_rows(db: Database) -> int:
    async with db.transaction(write=False) as session:
        with unscoped(session):
            return int(await session.scalar(select(func.count()).select_from(EventOutbox)) or 0)


async def test_a_commit_wakes_the_worker_long_before_its_next_poll(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink,
        worker_of: Callable[..., Awaitable[None]]) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await worker_of(poll_interval=30.0)
    await add_leads(client, tenant, "Woken")
    await received_within(sink, 1, 5)
    assert await outbox_rows(db) == 0


async def test_notify_wakes_a_worker_of_another_process(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink, test_database: databases.TestDatabase,
        worker_of: Callable[..., Awaitable[None]], monkeypatch: pytest.MonkeyPatch) -> None:
    if test_database.kind != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    monkeypatch.setattr(commits, "wake_local", lambda accounts: None)  # as if the API ran in another process
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    other = Database(test_database.url)
    try:
        await worker_of(other, poll_interval=30.0)
        await add_leads(client, tenant, "Notified")
        await received_within(sink, 1, 5)
    finally:
        await other.dispose()


async def test_a_worker_listens_again_after_losing_its_connection(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink, test_database: databases.TestDatabase,
        worker_of: Callable[..., Awaitable[None]], monkeypatch: pytest.MonkeyPatch) -> None:
    if test_database.kind != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    monkeypatch.setattr(commits, "wake_local", lambda accounts: None)
    monkeypatch.setattr(PgListener, "RETRY_SECONDS", 0.0)
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    other = Database(test_database.url)
    try:
        await worker_of(other, poll_interval=30.0)
        async with db.transaction() as session:
            ended = await session.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN %kanbo_events%'"))
        assert ended == 1
        await asyncio.sleep(0.5)
        await add_leads(client, tenant, "After reconnect")
        await received_within(sink, 1, 5)
    finally:
        await other.dispose()


async def test_a_slow_destination_does_not_hold_up_the_others(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink,
        worker_of: Callable[..., Awaitable[None]], monkeypatch: pytest.MonkeyPatch) -> None:
    from kanbo.webhooks import dispatcher

    monkeypatch.setattr(dispatcher, "MAX_ITEMS_PER_DELIVERY", 1)  # one request per lead
    slow = await Sink(delay=1.5).start()
    try:
        await add_webhook(db, tenant.id, slow.url("/slow"), ["add_lead"])
        await add_webhook(db, tenant.id, sink.url("/fast"), ["add_contact"])
        await add_leads(client, tenant, *(f"Lead {n}" for n in range(10)))  # 10 slow requests queued
        await worker_of(poll_interval=0.05, concurrency=4, per_webhook=2)
        await received_within(slow, 1, 5)
        response = await client.post("/api/v4/contacts", json=[{"name": "Ann"}], headers=tenant.headers)
        assert response.status_code == 200, response.text
        await received_within(sink, 1, 5)
        first_answer = slow.requests[0].at + slow.delay
        # The fast subscription got a lane while the slow one's first requests were still open...
        assert sink.requests[0].at < first_answer
        # ...because the slow one never had more than 2 requests in flight.
        assert len([r for r in slow.requests if r.at < first_answer - 0.1]) == 2
        await received_within(slow, 10, 15)
    finally:
        await slow.stop()


async def test_outbox_rows_are_deleted_when_dispatched(db: Database, client: httpx.AsyncClient,
                                                       tenant: Tenant) -> None:
    await add_leads(client, tenant, "A", "B")
    assert await outbox_rows(db) >= 2
    await drain_outbox(db)
    assert await outbox_rows(db) == 0


async def test_an_outcome_never_overwrites_a_delivery_settled_meanwhile(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Settled")
    await drain_outbox(db)
    (item,) = await claim_due(db, batch=10, now=int(time.time()), account_id=tenant.id)
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        await session.execute(update(WebhookDelivery).values(state="succeeded", delivered_at=1))
    await record_outcomes(db, [(item, Outcome(False, 500, 3, "no", "HTTP 500"))], now=int(time.time()))
    (row,) = await deliveries(db, tenant.id)
    assert (row.state, row.delivered_at) == ("succeeded", 1)
    (attempt,) = await attempts(db, tenant.id)
    assert (attempt.succeeded, attempt.status_code, attempt.attempt) == (False, 500, 1)


async def test_a_failed_resend_keeps_the_time_of_the_earlier_success(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink) -> None:
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    await add_leads(client, tenant, "Resent")
    await drain_outbox(db)
    async with make_client() as http:
        assert await send_due(db, http, account_id=tenant.id) == 1
        (delivered,) = await deliveries(db, tenant.id)
        retried = await client.post(f"/api/v4/webhooks/deliveries/{delivered.id}/retry", headers=tenant.headers)
        assert retried.status_code == 200, retried.text
        sink.status = 500
        assert await send_due(db, http, account_id=tenant.id) == 1
    (row,) = await deliveries(db, tenant.id)
    assert delivered.delivered_at is not None
    assert (row.state, row.delivered_at, row.last_status_code, row.attempts) == (
        "pending", delivered.delivered_at, 500, 2)


async def test_the_delivery_log_is_pruned_after_its_retention(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink) -> None:
    async with make_client(connections=4) as http:
        await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
        for name in ("Old", "Recent"):
            await add_leads(client, tenant, name)
            await drain_outbox(db)
            assert await send_due(db, http, account_id=tenant.id) == 1
    sink.status = 500
    await add_leads(client, tenant, "Pending")
    await drain_outbox(db)
    old, recent, pending = await deliveries(db, tenant.id)
    now = int(time.time())
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        for row, age in ((old, 31 * 86400), (pending, 40 * 86400)):
            await session.execute(update(WebhookDelivery).where(WebhookDelivery.id == row.id)
                                  .values(updated_at=now - age))
    assert await prune(db, now=now, log_days=30) == 1
    assert [row.id for row in await deliveries(db, tenant.id)] == [recent.id, pending.id]
    assert [row.delivery_id for row in await attempts(db, tenant.id)] == [recent.id]


async def test_connections_go_to_the_checked_address_not_a_new_resolution(
        db: Database, client: httpx.AsyncClient, tenant: Tenant, sink: Sink,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The name resolves (for the check) to 127.0.0.1 only; the system resolver does not know it at all,
    so the request arrives only if the connection uses the checked address."""
    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(safety, "_resolve", resolve)
    await add_webhook(db, tenant.id, f"http://hooks.kanbo-test.invalid:{sink.port}/pinned", ["add_lead"])
    await add_leads(client, tenant, "Pinned")
    await drain_outbox(db)
    async with make_client() as http:
        assert await send_due(db, http, account_id=tenant.id) == 1
    (request,) = sink.requests
    assert request.path == "/pinned" and request.headers["host"] == f"hooks.kanbo-test.invalid:{sink.port}"
    assert lookups == ["hooks.kanbo-test.invalid"]
    ((row,), (attempt,)) = (await deliveries(db, tenant.id), await attempts(db, tenant.id))
    assert row.state == "succeeded" and attempt.status_code == 200


async def test_a_webhook_client_connects_to_nothing_unpinned(sink: Sink) -> None:
    async with make_client() as http:
        with pytest.raises(httpx.ConnectError, match="not resolved and checked"):
            await http.post(sink.url(), content=b"x")
        with pinned("127.0.0.1", "127.0.0.1"):
            response = await http.post(sink.url(), content=b"x")
    assert response.status_code == 200 and len(sink.requests) == 1
