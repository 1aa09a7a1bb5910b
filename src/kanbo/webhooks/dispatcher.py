"""The dispatcher: pending outbox rows become delivery rows of the matching subscriptions.

One transaction claims a batch of outbox rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
workers share the work; on SQLite the writing transaction is already exclusive), renders one delivery
per subscription and group of events, and deletes the rows. A crash before the commit leaves the
rows pending for the next claim; nothing lives only in memory.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import Database, bind_account, unscoped
from kanbo.core.time import now as unix_now
from kanbo.models.accounts import Account
from kanbo.models.events import Event
from kanbo.models.webhooks import EventOutbox, Webhook, WebhookDelivery
from kanbo.webhooks import payload

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# At most this many events in one request (Kommo batches the events that happen together).
MAX_ITEMS_PER_DELIVERY = 100

log = logging.getLogger("kanbo.webhooks")


async def fan_out(db: Database, *, batch: int = 200) -> int:
    """Turn up to ``batch`` outbox rows into deliveries and delete them; return how many were processed."""
    # A cheap read first: an idle worker must not take SQLite's write lock on every poll.
    async with db.transaction(write=False) as session:
        with unscoped(session):
            first = await session.scalar(select(EventOutbox.id).limit(1))
    if first is None:
        return 0
    async with db.transaction() as session:
        with unscoped(session):
            query = (
                select(EventOutbox.id, EventOutbox.account_id, Event)
                .join(Event, Event.seq == EventOutbox.event_seq)
                .order_by(EventOutbox.id)
                .limit(batch)
            )
            if db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True, of=EventOutbox)
            rows = (await session.execute(query)).all()
            if not rows:
                return 0
            await session.execute(delete(EventOutbox).where(EventOutbox.id.in_([row[0] for row in rows]))
                                  .execution_options(synchronize_session=False))
        stamp = unix_now()
        by_account: dict[int, list[Event]] = defaultdict(list)
        for _, account_id, event in rows:
            by_account[account_id].append(event)
        for account_id, events in by_account.items():
            await _fan_out_account(session, account_id, events, stamp)
            # New deliveries are stamped with the bound account: flush them before binding the next.
            await session.flush()
        return len(rows)


async def _fan_out_account(session: AsyncSession, account_id: int, events: list[Event], stamp: int) -> None:
    bind_account(session, account_id)
    webhooks = list((await session.scalars(
        select(Webhook).where(Webhook.disabled.is_(False)).order_by(Webhook.sort, Webhook.id)
    )).all())
    if not webhooks:
        return
    account = await session.get(Account, account_id)
    if account is None:
        return
    coded: list[tuple[str, Event]] = [(code, event) for event in events for code in payload.codes_for(event)]
    if not coded:
        return
    try:
        async with session.begin_nested():
            await _add_deliveries(session, account, webhooks, coded, stamp, careful=False)
    except Exception:
        # One event that cannot be rendered must not block the outbox: redo this account one delivery
        # at a time, and keep the ones that fail as failed deliveries (visible in the delivery log).
        log.exception("rendering webhooks of account %s failed; retrying one delivery at a time", account_id)
        await _add_deliveries(session, account, webhooks, coded, stamp, careful=True)


async def _add_deliveries(session: AsyncSession, account: Account, webhooks: list[Webhook],
                          coded: list[tuple[str, Event]], stamp: int, *, careful: bool) -> None:
    for webhook in webhooks:
        wanted = set(webhook.settings or [])
        pairs = [(code, event) for code, event in coded if code in wanted]
        for group in group_pairs(pairs):
            if not careful:
                session.add(await _delivery(session, account, webhook, group, stamp))
                continue
            try:
                async with session.begin_nested():
                    session.add(await _delivery(session, account, webhook, group, stamp))
            except Exception as error:
                log.exception("webhook %s: events %s cannot be rendered", webhook.id, [e.seq for _, e in group])
                session.add(_unrenderable(account, webhook, group, stamp, f"{type(error).__name__}: {error}"))


def group_pairs(pairs: list[tuple[str, Event]]) -> list[list[tuple[str, Event]]]:
    """Events of one entity type that happen together (the same second) share a request, in order."""
    groups: dict[tuple[str, int], list[tuple[str, Event]]] = {}
    for code, event in pairs:
        groups.setdefault((event.entity_type, event.created_at), []).append((code, event))
    out: list[list[tuple[str, Event]]] = []
    for group in groups.values():
        for start in range(0, len(group), MAX_ITEMS_PER_DELIVERY):
            out.append(group[start : start + MAX_ITEMS_PER_DELIVERY])
    return out


def _unrenderable(account: Account, webhook: Webhook, items: list[tuple[str, Event]], stamp: int,
                  error: str) -> WebhookDelivery:
    return WebhookDelivery(
        account_id=account.id, uid=uuid.uuid4().hex, webhook_id=webhook.id,
        event_seqs=[event.seq for _, event in items], codes=[code for code, _ in items],
        content_type=FORM if webhook.format != "standard" else JSON, body="", state="failed", attempts=0,
        next_attempt_at=None, lease_until=None, last_error=("render: " + error)[:1000].replace("\x00", ""),
        created_at=stamp, updated_at=stamp,
    )


async def _delivery(session: AsyncSession, account: Account, webhook: Webhook,
                    items: list[tuple[str, Event]], stamp: int) -> WebhookDelivery:
    body: str
    if webhook.format == "standard":
        rendered: Any = await payload.render_json(session, account, items)
        body = json.dumps(rendered, ensure_ascii=False, separators=(",", ":"))
        content_type = JSON
    else:
        body = await payload.render_kommo(session, account, items)
        content_type = FORM
    return WebhookDelivery(
        account_id=account.id, uid=uuid.uuid4().hex, webhook_id=webhook.id,
        event_seqs=[event.seq for _, event in items], codes=[code for code, _ in items],
        content_type=content_type, body=body, state="pending", attempts=0, next_attempt_at=stamp,
        lease_until=None, created_at=stamp, updated_at=stamp,
    )
