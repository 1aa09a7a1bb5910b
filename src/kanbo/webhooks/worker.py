"""The webhook worker: fan out new events, send due deliveries, record the outcomes, prune the log.

Embedded in ``kanbo serve`` (one task in the app's lifespan) or run alone by ``kanbo worker``; on
PostgreSQL any number of workers share the work (every claim uses ``SKIP LOCKED``).

One task does all the database work, in short transactions; the HTTP requests run beside it, each on a
lane of its own (:class:`kanbo.webhooks.transport.Lanes`), so the next claim and the recording of the
last outcomes overlap the requests in flight. The worker sleeps only when there is nothing to do, and
wakes when events are committed (:mod:`kanbo.events.commits`), when a request ends, or after
``poll_interval`` at the latest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter

import httpx
from sqlalchemy import delete, select

from kanbo.config import get_settings
from kanbo.core.db import Database, unscoped
from kanbo.core.wakeups import Waker
from kanbo.events import commits
from kanbo.models.webhooks import WebhookDelivery
from kanbo.webhooks.dispatcher import fan_out
from kanbo.webhooks.sender import Claimed, Outcome, claim_due, post, record_outcomes
from kanbo.webhooks.transport import Lanes

log = logging.getLogger("kanbo.webhooks")

PRUNE_EVERY = 60.0  # seconds between two prunings of the delivery log
PRUNE_CHUNK = 1000


async def prune(db: Database, *, now: int, log_days: int) -> int:
    """Delete settled deliveries older than ``log_days`` (their attempts go with them); return how many."""
    cutoff = now - log_days * 86400
    total = 0
    while True:
        async with db.transaction() as session:
            with unscoped(session):
                old = (select(WebhookDelivery.id)
                       .where(WebhookDelivery.state.in_(("succeeded", "failed")), WebhookDelivery.updated_at < cutoff)
                       .limit(PRUNE_CHUNK))
                ids = list((await session.scalars(old)).all())
                if ids:
                    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
                                          .execution_options(synchronize_session=False))
        total += len(ids)
        if len(ids) < PRUNE_CHUNK:
            return total


class Worker:
    def __init__(self, db: Database, *, poll_interval: float | None = None, concurrency: int | None = None,
                 per_webhook: int | None = None, account_id: int | None = None,
                 client: httpx.AsyncClient | None = None) -> None:
        """``concurrency`` requests in flight, at most ``per_webhook`` of them to one subscription (settings
        by default); ``account_id`` limits sending to one account's deliveries (tests and tools); ``client``
        replaces the lanes by one shared client (tests)."""
        settings = get_settings()
        self.db = db
        self.poll_interval = poll_interval if poll_interval is not None else settings.worker.poll_interval
        self.account_id = account_id
        self.lanes = Lanes(concurrency or settings.worker.concurrency, shared=client)
        self.capacity = self.lanes.size
        self.per_webhook = max(1, min(self.capacity, per_webhook or settings.worker.per_webhook))
        # Claimed deliveries may wait here for a lane (or for their subscription's turn), so that a claim
        # takes a useful batch; the wait stays well inside the lease: ``hold`` rounds of requests at most.
        timeout = float(settings.webhooks.timeout_seconds)
        hold = max(1, min(4, int(settings.worker.lease_seconds // max(1.0, 4 * timeout))))
        self.hold_total = self.capacity * hold
        self.hold_per_webhook = self.per_webhook * hold
        self._turns: dict[int, asyncio.Semaphore] = {}  # per subscription: ``per_webhook`` requests at once
        self.in_flight: set[asyncio.Task[None]] = set()  # claimed, waiting or being sent
        self.by_webhook: Counter[int] = Counter()  # the same, per subscription
        self.outcomes: list[tuple[Claimed, Outcome]] = []
        self._pruned_at = float("-inf")

    async def run(self, stop: asyncio.Event) -> None:
        waker = Waker()

        def on_commit(account_id: int | None) -> None:  # any account's new events: outbox rows to fan out
            waker.set()

        commits.subscribe(on_commit)
        stopping = asyncio.ensure_future(stop.wait())
        failures = 0
        try:
            async with commits.listening(self.db):  # commits of other processes wake it too (PostgreSQL)
                while not stop.is_set():
                    try:
                        busy = await self.step(waker)
                        failures = 0
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        failures += 1
                        log.exception("webhook worker step failed (%s in a row)", failures)
                        await asyncio.wait([stopping],
                                           timeout=min(30.0, self.poll_interval * 2 ** min(failures, 6)))
                        continue
                    if not busy:
                        waiting = asyncio.ensure_future(waker.wait(self.poll_interval))
                        await asyncio.wait([stopping, waiting], return_when=asyncio.FIRST_COMPLETED)
                        waiting.cancel()
        finally:
            stopping.cancel()
            await self._finish()
            commits.unsubscribe(on_commit)

    async def step(self, waker: Waker) -> bool:
        """One round of database work; whether it found anything to do."""
        busy = False
        fanned = await fan_out(self.db)
        busy |= fanned > 0
        free = min(self.capacity, self.hold_total - len(self.in_flight))
        if free > 0:
            claimed = await claim_due(self.db, batch=free, now=int(time.time()), account_id=self.account_id,
                                      in_flight=self.by_webhook, per_webhook=self.hold_per_webhook)
            for item in claimed:
                self.by_webhook[item.webhook_id] += 1
                if item.webhook_id not in self._turns:
                    self._turns[item.webhook_id] = asyncio.Semaphore(self.per_webhook)
                task = asyncio.create_task(self._send(item, waker))
                self.in_flight.add(task)
                task.add_done_callback(self.in_flight.discard)
            busy |= bool(claimed)
        if self.outcomes:
            await self._record()
            busy = True
        loop_time = asyncio.get_running_loop().time()
        if loop_time - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = loop_time
            await prune(self.db, now=int(time.time()), log_days=get_settings().webhooks.log_days)
        return busy

    async def _send(self, item: Claimed, waker: Waker) -> None:
        try:
            async with self._turns[item.webhook_id], self.lanes.lane() as client:
                outcome = await post(client, item)
            self.outcomes.append((item, outcome))
        finally:
            self.by_webhook[item.webhook_id] -= 1
            if self.by_webhook[item.webhook_id] <= 0:
                del self.by_webhook[item.webhook_id]
                del self._turns[item.webhook_id]
            waker.set()

    async def _record(self) -> None:
        batch, self.outcomes = self.outcomes, []
        try:
            await record_outcomes(self.db, batch, now=int(time.time()))
        except BaseException:
            self.outcomes = batch + self.outcomes  # try again next round; the leases keep them ours
            raise

    async def _finish(self) -> None:
        """Let the requests in flight end (each is bounded by the timeout), then record them."""
        try:
            if self.in_flight:
                await asyncio.wait(set(self.in_flight), timeout=get_settings().webhooks.timeout_seconds + 1)
            for task in list(self.in_flight):
                task.cancel()
            if self.outcomes:
                with contextlib.suppress(Exception):
                    await self._record()
        finally:
            await self.lanes.aclose()


async def run_worker(db: Database, *, stop: asyncio.Event, poll_interval: float | None = None,
                     client: httpx.AsyncClient | None = None, concurrency: int | None = None,
                     per_webhook: int | None = None, account_id: int | None = None) -> None:
    """Run a :class:`Worker` until ``stop`` is set."""
    await Worker(db, poll_interval=poll_interval, concurrency=concurrency, per_webhook=per_webhook,
                 account_id=account_id, client=client).run(stop)


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
