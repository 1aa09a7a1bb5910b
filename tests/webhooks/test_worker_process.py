"""The worker as a real process (kill -9 mid-delivery, restart: nothing lost), in the app's lifespan,
and two workers sharing 1,000 events on PostgreSQL with no duplicates."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from kanbo.config import reset_settings
from kanbo.core.db import Database, bind_account
from kanbo.models.webhooks import WebhookDelivery
from tests.support import databases
from tests.support.factories import Tenant, make_tenant
from tests.webhooks.sink import Sink
from tests.webhooks.test_dispatch import add_leads, add_webhook

pytestmark = pytest.mark.usefixtures("private_destinations")


def worker_env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANBO_")}
    env.update({"KANBO_DATABASE_URL": url, "PYTHONUNBUFFERED": "1", "KANBO_WEBHOOKS_ALLOW_PRIVATE": "true",
                "KANBO_ARGON2_PROFILE": "test"})
    env.update(extra)
    return env


async def run_cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "kanbo", *args, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, (out, err)
    result: dict[str, Any] = json.loads(out.decode().splitlines()[0])
    return result


async def start_worker(env: dict[str, str]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "kanbo", "worker", env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 30)
    started = json.loads(line)
    assert started["worker"] == "started" and started["pid"] == process.pid
    return process


@contextlib.asynccontextmanager
async def file_app(url: str) -> AsyncIterator[tuple[Database, httpx.AsyncClient]]:
    from kanbo.app import create_app

    application = create_app(url)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            yield application.state.db, http


async def states(db: Database, account_id: int) -> Counter[str]:
    async with db.transaction(write=False) as session:
        bind_account(session, account_id)
        rows = (await session.execute(select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)))
        return Counter({state: count for state, count in rows.all()})


async def wait_for(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lead_ids(requests: list[Any], path: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for request in requests:
        if request.path == path:
            found.update(v for k, v in request.form.items() if k.startswith("leads[add][") and k.endswith("][id]"))
    return found


@pytest.mark.slow
async def test_kill_9_mid_delivery_then_restart_delivers_every_event(tmp_path: Path, sink: Sink) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    env = worker_env(url, KANBO_WEBHOOKS_LEASE_SECONDS="2", KANBO_WORKER_POLL_INTERVAL="0.1",
                     KANBO_WEBHOOKS_TIMEOUT="5")
    assert (await run_cli(env, "migrate"))["migrated"] is True
    sink.delay = 1.0  # every request is still in flight one second after it arrived
    paths = ["/a", "/b", "/c"]
    async with file_app(url) as (db, http):
        tenant = await make_tenant(db)
        for path in paths:
            await add_webhook(db, tenant.id, sink.url(path), ["add_lead"])
        ids: list[int] = []
        for n in range(3):
            ids += await add_leads(http, tenant, f"Deal {n}a", f"Deal {n}b")

        worker = await start_worker(env)
        try:
            await asyncio.wait_for(sink.arrived.wait(), 30)
            worker.send_signal(signal.SIGKILL)
            assert await asyncio.wait_for(worker.wait(), 10) == -signal.SIGKILL
        finally:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        killed = await states(db, tenant.id)
        assert killed["pending"] >= 1 and killed["succeeded"] == 0, killed
        before_restart = len(sink.requests)

        worker = await start_worker(env)
        try:
            async def all_delivered() -> bool:
                counts = await states(db, tenant.id)
                return counts["pending"] == 0 and counts["succeeded"] > 0

            await wait_for(all_delivered, 30, "every delivery to succeed after the restart")
            worker.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(worker.wait(), 15) == 0
        finally:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        assert (await states(db, tenant.id))["failed"] == 0

    assert len(sink.requests) > before_restart
    for path in paths:
        assert set(lead_ids(sink.requests, path)) == {str(i) for i in ids}, path
    # Requests cut off by the kill were repeated with the same delivery id.
    first = {r.delivery_id for r in sink.requests[:before_restart]}
    again = {r.delivery_id for r in sink.requests[before_restart:]}
    assert first and first <= again


async def test_embedded_worker_runs_in_the_app_lifespan(tmp_path: Path, sink: Sink,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from kanbo.core import migrate

    url = f"sqlite+aiosqlite:///{tmp_path / 'embedded.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    monkeypatch.setenv("KANBO_WORKER_IN_PROCESS", "true")
    monkeypatch.setenv("KANBO_WORKER_POLL_INTERVAL", "0.05")
    reset_settings()
    async with file_app(url) as (db, http):
        tenant = await make_tenant(db)
        await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
        (lead_id,) = await add_leads(http, tenant, "Embedded")
        await asyncio.wait_for(sink.arrived.wait(), 10)
    assert lead_ids(sink.requests, "/hook") == Counter({str(lead_id): 1})


async def test_two_workers_deliver_1000_events_exactly_once(db: Database, client: httpx.AsyncClient,
                                                            tenant: Tenant, sink: Sink,
                                                            test_database: databases.TestDatabase,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    if test_database.kind != "postgresql":
        pytest.skip("several workers share the work on PostgreSQL only")
    from kanbo.webhooks import dispatcher
    from kanbo.webhooks.worker import run_worker

    monkeypatch.setattr(dispatcher, "MAX_ITEMS_PER_DELIVERY", 4)  # 250 requests of 4 events
    await add_webhook(db, tenant.id, sink.url(), ["add_lead"])
    ids: list[int] = []
    for chunk in range(4):
        ids += await add_leads(client, tenant, *(f"Lead {chunk}-{n}" for n in range(250)))
    assert len(ids) == 1000

    stop = asyncio.Event()
    engines = [Database(test_database.url), Database(test_database.url)]
    workers = [asyncio.create_task(run_worker(engine, stop=stop, poll_interval=0.05, account_id=tenant.id))
               for engine in engines]
    try:
        async def drained() -> bool:
            counts = await states(db, tenant.id)
            return counts["pending"] == 0 and len(lead_ids(sink.requests, "/hook")) == 1000

        await wait_for(drained, 45, "1,000 events")
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*workers), 15)
        for engine in engines:
            await engine.dispose()
    received = lead_ids(sink.requests, "/hook")
    assert set(received) == {str(i) for i in ids}
    assert max(received.values()) == 1, [k for k, v in received.items() if v > 1][:5]
    # About 250 requests (events of one request and second share one); each delivery sent once.
    counts = await states(db, tenant.id)
    assert 250 <= counts["succeeded"] <= 260 and set(counts) == {"succeeded"}
    assert len(sink.requests) == counts["succeeded"]
    assert len({r.delivery_id for r in sink.requests}) == len(sink.requests)
