"""Webhook subscriptions and their delivery log (spec §14.1; the log and redelivery are extensions)."""

from __future__ import annotations

import base64
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.rights import require_admin
from kanbo.config import get_settings
from kanbo.core.errors import BadRequest, Errors, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.core.values import as_int
from kanbo.models.accounts import Account
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.webhooks.codes import EVENT_CODES
from kanbo.webhooks.safety import MAX_URL_LENGTH, check_destination_on_save
from kanbo.webhooks.wire import FORMATS

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True)
class WebhookInput:
    destination: str
    settings: list[str]
    sort: int | None
    format: str | None


def parse_webhook(data: dict[str, Any]) -> WebhookInput:
    """The body of ``POST /api/v4/webhooks``; every problem is reported at once (400 validation-errors)."""
    errors = Errors()
    rid = "0"
    destination = data.get("destination")
    if destination is None or (isinstance(destination, str) and not destination.strip()):
        errors.add(rid, "destination", "This value should not be blank.", "NotBlank")
    elif not isinstance(destination, str):
        errors.add(rid, "destination", "This value should be of type string.", "InvalidType")
    elif len(destination.strip()) > MAX_URL_LENGTH:
        errors.add(rid, "destination", f"This value is too long ({MAX_URL_LENGTH} characters at most).", "TooLong")

    codes: list[str] = []
    unknown: list[str] = []
    raw = data.get("settings")
    if raw is None or raw == [] or raw == {}:
        errors.add(rid, "settings", "This value should not be blank: name at least one event code.", "NotBlank")
    elif not isinstance(raw, list):
        errors.add(rid, "settings", "This value should be of type array.", "InvalidType")
    else:
        for index, code in enumerate(raw):
            if not isinstance(code, str):
                errors.add(rid, f"settings.{index}", "This value should be of type string.", "InvalidType")
            elif code not in EVENT_CODES:
                unknown.append(code)
                shown = code if len(code) <= 64 else code[:64] + "…"
                errors.add(rid, f"settings.{index}", f"Unknown event code '{shown}'.", "NotSupportedChoice")
            elif code not in codes:
                codes.append(code)

    sort: int | None = None
    if data.get("sort") is not None:
        sort = as_int(data["sort"])
        if sort is None or not -(2**31) <= sort < 2**31:
            errors.add(rid, "sort", "This value should be of type int.", "InvalidType")
            sort = None

    format_ = data.get("format")
    if format_ is not None and format_ not in FORMATS:
        errors.add(rid, "format", f"The value should be one of: {', '.join(FORMATS)}.", "NotSupportedChoice")
        format_ = None

    if errors:
        detail = "Request validation failed"
        if unknown:
            names = ", ".join(repr(c if len(c) <= 64 else c[:64] + "…") for c in unknown[:10])
            detail = f"Unknown event code{'s' if len(unknown) > 1 else ''}: {names}"
        raise ValidationFailed(errors.items(), detail)
    assert isinstance(destination, str)
    return WebhookInput(destination=destination.strip(), settings=codes, sort=sort, format=format_)


ADMIN_ONLY = "manage webhooks"


async def list_webhooks(session: AsyncSession, principal: Principal, destinations: Sequence[str] = ()) -> list[Webhook]:
    require_admin(principal, ADMIN_ONLY)
    query = select(Webhook).order_by(Webhook.sort, Webhook.id)
    if destinations:
        query = query.where(Webhook.destination.in_(list(destinations)))
    return list(await session.scalars(query))


async def save_webhook(session: AsyncSession, principal: Principal, data: dict[str, Any]
                       ) -> tuple[Webhook, str | None]:
    """Create or update the subscription of ``data``'s destination (upsert by destination); saving re-enables
    a disabled subscription. Returns the webhook and the secret when this request made one (shown once)."""
    require_admin(principal, ADMIN_ONLY)
    values = parse_webhook(data)
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


async def delete_webhook(session: AsyncSession, principal: Principal, data: dict[str, Any]) -> None:
    """Unsubscribe ``data["destination"]``; its deliveries and attempts go with it."""
    require_admin(principal, ADMIN_ONLY)
    destination = data.get("destination")
    if not isinstance(destination, str) or not destination.strip():
        raise BadRequest("destination: the URL of the webhook to delete is required")
    destination = destination.strip()
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
