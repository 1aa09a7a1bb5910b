"""The sender: due deliveries are leased in a short transaction, posted outside any transaction, and
their outcome recorded in a second short transaction (spec §14.4, §24).

A lease (``lease_until``) keeps other workers off a delivery while it is in flight; a worker that dies
mid-request leaves the lease to expire and the delivery is sent again with the same ``uid``
(at-least-once, stable delivery id).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import random
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.config import get_settings
from kanbo.core.db import Database, unscoped
from kanbo.core.errors import KanboError
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.webhooks.safety import resolve_checked
from kanbo.webhooks.transport import pinned

log = logging.getLogger("kanbo.webhooks")

USER_AGENT = "amoCRM-WebHook-client/1.0"
MAX_RESPONSE_BYTES = 4096
DAY = 86400
DISABLE_WINDOW = 2 * 3600
DISABLE_THRESHOLD = 100  # more than this many failures in the window disable the subscription


@dataclass
class Claimed:
    id: int
    uid: str
    account_id: int
    webhook_id: int
    destination: str
    format: str
    secret: str | None
    content_type: str
    body: str
    attempt: int
    created_at: int


@dataclass
class Outcome:
    succeeded: bool
    status_code: int | None
    latency_ms: int
    excerpt: str | None
    error: str | None


def retry_schedule() -> list[int]:
    raw = get_settings().webhooks.retry_schedule
    if isinstance(raw, str):
        return [int(part) for part in raw.split(",") if part.strip()]
    return [int(part) for part in raw]


def next_delay(attempts: int, schedule: list[int] | None = None) -> int:
    """Seconds until the next try after ``attempts`` failed tries (±10 % jitter)."""
    schedule = schedule if schedule is not None else retry_schedule()
    base = schedule[attempts - 1] if 0 < attempts <= len(schedule) else DAY
    return max(1, round(base * random.uniform(0.9, 1.1)))


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """Standard Webhooks signature: ``v1,`` + base64(HMAC-SHA256(secret bytes, "id.timestamp.body"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


async def send_due(db: Database, client: httpx.AsyncClient, *, batch: int = 50, now: float | None = None,
                   account_id: int | None = None) -> int:
    """Lease up to ``batch`` due deliveries, post them concurrently, record the outcomes; return the count.

    ``now`` replaces the clock (tests); ``account_id`` limits the work to one account (tests, tools)."""
    fake_now = now
    stamp = int(now if now is not None else time.time())
    claimed = await claim_due(db, batch=batch, now=stamp, account_id=account_id)
    if not claimed:
        return 0
    outcomes = await asyncio.gather(*(post(client, item) for item in claimed))
    at = int(fake_now) if fake_now is not None else int(time.time())
    await record_outcomes(db, list(zip(claimed, outcomes, strict=True)), now=at)
    return len(claimed)


def _due(query: Select[Any], *, now: int, account_id: int | None, skip_webhooks: Collection[int]) -> Select[Any]:
    """Deliveries that may be sent now: pending, due, not leased, of an enabled subscription."""
    query = query.join(Webhook, Webhook.id == WebhookDelivery.webhook_id).where(
        WebhookDelivery.state == "pending",
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        Webhook.disabled.is_(False),
    )
    if account_id is not None:
        query = query.where(WebhookDelivery.account_id == account_id)
    if skip_webhooks:
        query = query.where(WebhookDelivery.webhook_id.not_in(list(skip_webhooks)))
    return query


async def claim_due(db: Database, *, batch: int, now: int, account_id: int | None = None,
                    in_flight: Mapping[int, int] | None = None, per_webhook: int | None = None) -> list[Claimed]:
    """Lease up to ``batch`` due deliveries. With ``per_webhook``, no subscription ends up with more than
    that many claimed deliveries in the caller's hands (``in_flight`` counts them), so one slow destination
    cannot fill the worker."""
    lease = get_settings().worker.lease_seconds
    busy = in_flight or {}
    full = [webhook_id for webhook_id, count in busy.items() if per_webhook and count >= per_webhook]
    # A cheap read first: an idle worker must not take SQLite's write lock on every poll.
    async with db.transaction(write=False) as session:
        with unscoped(session):
            due = _due(select(WebhookDelivery.id), now=now, account_id=account_id, skip_webhooks=full)
            if await session.scalar(due.limit(1)) is None:
                return []
    async with db.transaction() as session:
        with unscoped(session):
            return await _claim(session, db.dialect, batch=batch, now=now, lease=lease, account_id=account_id,
                                skip_webhooks=full, in_flight=busy, per_webhook=per_webhook)


async def _claim(session: AsyncSession, dialect: str, *, batch: int, now: int, lease: int, account_id: int | None,
                 skip_webhooks: Collection[int], in_flight: Mapping[int, int],
                 per_webhook: int | None) -> list[Claimed]:
    """Two statements whatever the batch: select due rows (locked, skipping locked ones), lease the chosen."""
    query = _due(
        select(WebhookDelivery.id, WebhookDelivery.uid, WebhookDelivery.account_id, WebhookDelivery.content_type,
               WebhookDelivery.body, WebhookDelivery.attempts, WebhookDelivery.created_at, Webhook.id,
               Webhook.destination, Webhook.format, Webhook.secret),
        now=now, account_id=account_id, skip_webhooks=skip_webhooks,
    ).order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(batch * 4 if per_webhook else batch)
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    counts = dict(in_flight)
    claimed: list[Claimed] = []
    for row in (await session.execute(query)).all():
        if per_webhook and counts.get(row[7], 0) >= per_webhook:
            continue  # locked until this transaction ends, left for a later claim
        counts[row[7]] = counts.get(row[7], 0) + 1
        claimed.append(Claimed(id=row[0], uid=row[1], account_id=row[2], content_type=row[3], body=row[4],
                               attempt=row[5] + 1, created_at=row[6], webhook_id=row[7], destination=row[8],
                               format=row[9], secret=row[10]))
        if len(claimed) == batch:
            break
    if claimed:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_([item.id for item in claimed]))
            .values(attempts=WebhookDelivery.attempts + 1, lease_until=now + lease, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return claimed


def headers_for(item: Claimed, timestamp: int) -> dict[str, str]:
    headers = {"Content-Type": item.content_type, "User-Agent": USER_AGENT, "X-Kanbo-Delivery-Id": item.uid}
    if item.format == "standard":
        headers["webhook-id"] = item.uid
        headers["webhook-timestamp"] = str(timestamp)
        if item.secret:
            headers["webhook-signature"] = sign(item.secret, item.uid, timestamp, item.body)
    return headers


async def post(client: httpx.AsyncClient, item: Claimed) -> Outcome:
    """One attempt: resolve and check the destination, POST to a checked address without following
    redirects, read at most 4 KiB of the answer."""
    settings = get_settings().webhooks
    timeout = float(settings.timeout_seconds)
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        addresses = await resolve_checked(item.destination, allow_private=settings.allow_private)
    except KanboError as error:
        return Outcome(False, None, elapsed(), None, f"refused: {error.detail}")
    except Exception as error:
        return Outcome(False, None, elapsed(), None, f"resolve: {type(error).__name__}: {error}")
    try:
        with pinned(urlsplit(item.destination).hostname or "", addresses[0]):
            status, excerpt = await asyncio.wait_for(_exchange(client, item, timeout), timeout)
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(False, None, elapsed(), None, f"timeout after {timeout:g} s")
    except httpx.HTTPError as error:
        return Outcome(False, None, elapsed(), None, f"{type(error).__name__}: {error}"[:500])
    except Exception as error:  # never let one destination stop the batch
        log.exception("webhook delivery %s failed unexpectedly", item.uid)
        return Outcome(False, None, elapsed(), None, f"{type(error).__name__}: {error}"[:500])
    ok = 100 <= status <= 299
    return Outcome(ok, status, elapsed(), excerpt, None if ok else f"HTTP {status}")


async def _exchange(client: httpx.AsyncClient, item: Claimed, seconds: float) -> tuple[int, str]:
    request = client.build_request(
        "POST", item.destination, content=item.body.encode(), headers=headers_for(item, int(time.time())),
        timeout=httpx.Timeout(seconds),
    )
    response = await client.send(request, stream=True, follow_redirects=False)
    try:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_RESPONSE_BYTES:
                break
    finally:
        await response.aclose()
    raw = b"".join(chunks)[:MAX_RESPONSE_BYTES]
    return response.status_code, raw.decode("utf-8", errors="replace").replace("\x00", "")


async def record_outcomes(db: Database, results: list[tuple[Claimed, Outcome]], *, now: int) -> None:
    """Write the attempts of a batch and move each delivery on (delivered, rescheduled, or failed for
    good) in one short transaction of a fixed number of statements, plus one per failing subscription."""
    if not results:
        return
    max_age = int(get_settings().webhooks.max_age_seconds)
    async with db.transaction() as session:
        with unscoped(session):
            # Lock the rows first: a subscription deleted meanwhile took its deliveries with it.
            alive = select(WebhookDelivery.id).where(WebhookDelivery.id.in_([item.id for item, _ in results]))
            if db.dialect == "postgresql":
                alive = alive.with_for_update()
            present = set((await session.scalars(alive)).all())
            results = [(item, outcome) for item, outcome in results if item.id in present]
            if not results:
                return
            await session.execute(insert(WebhookAttempt), [
                {"account_id": item.account_id, "delivery_id": item.id, "webhook_id": item.webhook_id,
                 "attempt": item.attempt, "succeeded": outcome.succeeded, "status_code": outcome.status_code,
                 "latency_ms": outcome.latency_ms, "response_excerpt": outcome.excerpt, "error": outcome.error,
                 "created_at": now}
                for item, outcome in results
            ])
            # Rows settled meanwhile (a lease that expired mid-request) keep their state. Successes and
            # failures are two statements: a failed resend keeps the time of an earlier success.
            changes = [_next_state(item, outcome, now=now, max_age=max_age) for item, outcome in results]
            for group in ([c for c in changes if "delivered_at" in c], [c for c in changes if "delivered_at" not in c]):
                if group:
                    await session.execute(
                        update(WebhookDelivery).where(WebhookDelivery.state == "pending")
                        .execution_options(synchronize_session=None),
                        group,
                    )
            failing = sorted({item.webhook_id for item, outcome in results if not outcome.succeeded})
            for webhook_id in failing:
                await _apply_disable_rule(session, webhook_id, now)


def _next_state(item: Claimed, outcome: Outcome, *, now: int, max_age: int) -> dict[str, object]:
    change: dict[str, object] = {
        "id": item.id, "last_status_code": outcome.status_code, "last_error": outcome.error,
        "updated_at": now, "lease_until": None, "state": "pending", "next_attempt_at": None,
    }
    if outcome.succeeded:
        change.update(state="succeeded", delivered_at=now)
        return change
    next_at = now + next_delay(item.attempt)
    if next_at > item.created_at + max_age:
        change["state"] = "failed"
    else:
        change["next_attempt_at"] = next_at
    return change


async def _apply_disable_rule(session: AsyncSession, webhook_id: int, now: int) -> None:
    """Kommo: more than 100 failed deliveries in the last 2 hours, the latest failed → disabled."""
    failures = await session.scalar(
        select(func.count()).select_from(WebhookAttempt).where(
            WebhookAttempt.webhook_id == webhook_id,
            WebhookAttempt.succeeded.is_(False),
            WebhookAttempt.created_at > now - DISABLE_WINDOW,
        )
    )
    if (failures or 0) > DISABLE_THRESHOLD:
        webhook = await session.get(Webhook, webhook_id)
        if webhook is not None and not webhook.disabled:
            webhook.disabled = True
            webhook.disabled_at = now
            log.warning("webhook %s disabled after %s failures in 2 hours", webhook_id, failures)
