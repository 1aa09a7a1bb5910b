"""The webhook worker: fan out new events, send due deliveries, repeat until told to stop.

Embedded in ``kanbo serve`` (one task in the app's lifespan) or run alone by ``kanbo worker``; on
PostgreSQL any number of workers share the work (both steps claim rows with ``SKIP LOCKED``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from kanbo.core.db import Database
from kanbo.webhooks.dispatcher import fan_out
from kanbo.webhooks.sender import send_due

log = logging.getLogger("kanbo.webhooks")


def make_client() -> httpx.AsyncClient:
    # No environment proxies, no redirects; timeouts are set per request by the sender.
    return httpx.AsyncClient(follow_redirects=False, trust_env=False,
                             limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))


async def run_once(db: Database, client: httpx.AsyncClient, *, fan_out_batch: int = 200,
                   send_batch: int = 50, account_id: int | None = None) -> tuple[int, int]:
    fanned = await fan_out(db, batch=fan_out_batch)
    sent = await send_due(db, client, batch=send_batch, account_id=account_id)
    return fanned, sent


async def run_worker(db: Database, *, stop: asyncio.Event, poll_interval: float = 0.5,
                     client: httpx.AsyncClient | None = None, send_batch: int = 50,
                     account_id: int | None = None) -> None:
    """Loop until ``stop`` is set; sleep ``poll_interval`` when there was nothing to do.

    ``account_id`` limits sending to one account's deliveries (tests and tools)."""
    own_client = client is None
    http = client or make_client()
    failures = 0
    try:
        while not stop.is_set():
            try:
                fanned, sent = await run_once(db, http, send_batch=send_batch, account_id=account_id)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                log.exception("webhook worker step failed (%s in a row)", failures)
                fanned = sent = 0
                await _wait(stop, min(30.0, poll_interval * 2**min(failures, 6)))
                continue
            if fanned == 0 and sent == 0:
                await _wait(stop, poll_interval)
    finally:
        if own_client:
            await http.aclose()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class EmbeddedWorker:
    """The worker as a task of the app's lifespan (``KANBO_WORKER_IN_PROCESS``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(run_worker(self.db, stop=self.stop), name="kanbo-webhook-worker")

    async def close(self, grace: float = 5.0) -> None:
        self.stop.set()
        if self.task is None:
            return
        try:
            await asyncio.wait_for(self.task, timeout=grace)
        except (TimeoutError, asyncio.CancelledError):
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
