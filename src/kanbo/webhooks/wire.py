"""Webhooks and deliveries on the wire (spec §14.1; the delivery log is a Kanbo extension)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery

FORMATS = ("kommo", "standard")


def render_webhook(webhook: Webhook, *, secret: str | None = None) -> dict[str, Any]:
    """Kommo's webhook object; a "standard" (signed JSON) webhook adds ``format`` and, in the answer of the
    request that made its secret, ``secret``."""
    body: dict[str, Any] = {
        "id": webhook.id,
        "destination": webhook.destination,
        "created_by": webhook.created_by,
        "created_at": webhook.created_at,
        "updated_at": webhook.updated_at,
        "sort": webhook.sort,
        "disabled": bool(webhook.disabled),
        "settings": list(webhook.settings or []),
        "account_id": webhook.account_id,
    }
    if webhook.format == "standard":
        body["format"] = webhook.format
        if secret is not None:
            body["secret"] = secret
    return body


def render_attempt(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "attempt": attempt.attempt,
        "succeeded": bool(attempt.succeeded),
        "status_code": attempt.status_code,
        "latency_ms": attempt.latency_ms,
        "response_excerpt": attempt.response_excerpt,
        "error": attempt.error,
        "created_at": attempt.created_at,
    }


def render_delivery(delivery: WebhookDelivery, attempts: Sequence[WebhookAttempt]) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "uid": delivery.uid,
        "webhook_id": delivery.webhook_id,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "codes": list(delivery.codes or []),
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
        "delivered_at": delivery.delivered_at,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "_embedded": {"attempts": [render_attempt(a) for a in attempts]},
    }
