"""Webhook subscriptions and their delivery log (spec §14.1; the log and redelivery are extensions)."""

from __future__ import annotations

import base64
import secrets
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.rights import require_admin
from kanbo.config import get_settings
from kanbo.core.errors import BadRequest, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.accounts import Account
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.webhooks.safety import check_destination_on_save
from kanbo.webhooks.wire import WebhookDestinationIn, WebhookIn

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


ADMIN_ONLY = "manage webhooks"


async def list_webhooks(session: AsyncSession, principal: Principal, destinations: Sequence[str] = ()) -> list[Webhook]:
    require_admin(principal, ADMIN_ONLY)
    query = select(Webhook).order_by(Webhook.sort, Webhook.id)
    if destinations:
        query = query.where(Webhook.destination.in_(list(destinations)))
    return list(await session.scalars(query))


async def save_webhook(session: AsyncSession, principal: Principal, values: WebhookIn
                       ) -> tuple[Webhook, str | None]:
    """Create or update the subscription of the destination (upsert by destination); saving re-enables
    a disabled subscription. Returns the webhook and the secret when this request made one (shown once)."""
    require_admin(principal, ADMIN_ONLY)
    settings = get_settings().webhooks
    await check_destination_on_save(values.destination, allow_private=settings.allow_private)
    # Serialise the account's subscription changes (upsert and the limit); SQLite writers already are.
    await session.execute(select(Account.id).where(Account.id == principal.account_id).with_for_update())
    stamp = now()
    webhook = await session.scalar(
        select(Webhook).where(Webhook.destination == values.destination).order_by(Webhook.id).limit(1))
    if webhook is None:
        count = await session.scalar(select(func.count()).select_from(Webhook)) or 0
        if count >= settings.max_per_account:
            raise BadRequest(f"An account may have at most {settings.max_per_account} webhooks")
        webhook = Webhook(destination=values.destination, settings=values.settings, sort=values.sort or 0,
                          disabled=False, disabled_at=None, format=values.format or "kommo", secret=None,
                          created_by=principal.user_id, created_at=stamp, updated_at=stamp)
        session.add(webhook)
    else:
        webhook.settings = values.settings
        if values.sort is not None:
            webhook.sort = values.sort
        if values.format is not None:
            webhook.format = values.format
        webhook.disabled = False
        webhook.disabled_at = None
        webhook.updated_at = stamp
    secret = None
    if webhook.format == "standard" and not webhook.secret:
        secret = webhook.secret = new_secret()
    await session.flush()
    return webhook, secret


async def delete_webhook(session: AsyncSession, principal: Principal, data: WebhookDestinationIn) -> None:
    """Unsubscribe the destination; its deliveries and attempts go with it."""
    require_admin(principal, ADMIN_ONLY)
    destination = data.destination
    result = await session.execute(delete(Webhook).where(Webhook.destination == destination))
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"No webhook with destination {destination!r}")


async def attempts_of(session: AsyncSession, delivery_ids: Sequence[int]) -> dict[int, list[WebhookAttempt]]:
    """The attempts of several deliveries, in one query."""
    found: dict[int, list[WebhookAttempt]] = defaultdict(list)
    if delivery_ids:
        rows = await session.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(list(delivery_ids)))
                                     .order_by(WebhookAttempt.delivery_id, WebhookAttempt.attempt, WebhookAttempt.id))
        for row in rows:
            found[row.delivery_id].append(row)
    return found


async def list_deliveries(session: AsyncSession, principal: Principal, webhook_id: int, *, offset: int, limit: int,
                          states: Sequence[str] = ()) -> tuple[list[WebhookDelivery], dict[int, list[WebhookAttempt]],
                                                               bool]:
    """A page of a webhook's deliveries, newest first, with their attempts; and whether more follow."""
    require_admin(principal, ADMIN_ONLY)
    if await session.scalar(select(Webhook.id).where(Webhook.id == webhook_id)) is None:
        raise NotFound(f"Webhook {webhook_id} not found")
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if states:
        query = query.where(WebhookDelivery.state.in_(list(states)))
    rows = list(await session.scalars(query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
                                      .offset(offset).limit(limit + 1)))
    has_next = len(rows) > limit
    rows = rows[:limit]
    return rows, await attempts_of(session, [r.id for r in rows]), has_next


async def retry_delivery(session: AsyncSession, principal: Principal, delivery_id: int
                         ) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    """Manual redelivery: the delivery is due again now (its attempts keep counting)."""
    require_admin(principal, ADMIN_ONLY)
    delivery = await session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
    if delivery is None:
        raise NotFound(f"Delivery {delivery_id} not found")
    stamp = now()
    delivery.state = "pending"
    delivery.next_attempt_at = stamp
    delivery.lease_until = None
    delivery.updated_at = stamp
    await session.flush()
    return delivery, (await attempts_of(session, [delivery.id]))[delivery.id]
