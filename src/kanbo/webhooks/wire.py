"""Webhooks and deliveries on the wire (spec §14.1; the delivery log is a Kanbo extension): the request
models, the answer models and the renderers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from fastapi import Request
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from kanbo.core.errors import ValidationFailed
from kanbo.http.body import read_json
from kanbo.http.wire import ListParams, OutModel, WireModel, documented_body, hal_page, validate_object
from kanbo.models.webhooks import Webhook, WebhookAttempt, WebhookDelivery
from kanbo.unsorted.wire_kit import AnObject, values
from kanbo.webhooks.codes import EVENT_CODES, ORDERED_CODES
from kanbo.webhooks.safety import MAX_URL_LENGTH

Format = Literal["kommo", "standard"]
FORMATS: tuple[str, ...] = ("kommo", "standard")
DeliveryState = Literal["pending", "succeeded", "failed"]


# Requests ---------------------------------------------------------------------------------------------

def _shown(code: str) -> str:
    return code if len(code) <= 64 else code[:64] + "…"


def _known(code: str) -> str:
    if code not in EVENT_CODES:
        raise PydanticCustomError("literal_error", "Unknown event code '{code}'.", {"code": _shown(code)})
    return code


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _present(value: Any) -> Any:
    """A blank value is a missing one (``NotBlank``); text is stripped."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        raise PydanticCustomError("missing", "This value should not be blank.")
    return value


EventCode = Annotated[str, AfterValidator(_known), WithJsonSchema({"type": "string", "enum": list(ORDERED_CODES)})]
Destination = Annotated[str, BeforeValidator(_present), Field(min_length=1, max_length=MAX_URL_LENGTH,
                                                              description="The URL that receives the events")]


class WebhookIn(WireModel):
    """``POST /api/v4/webhooks``: subscribe, or update the subscription of this destination."""

    destination: Destination
    settings: Annotated[list[EventCode], BeforeValidator(_present), AfterValidator(_unique), Field(
        min_length=1, description="The event codes to send (spec §14.2)")]
    sort: Annotated[int, Field(ge=-(2**31), lt=2**31)] | None = None
    format: Format | None = Field(None, description="Kanbo extension: `standard` sends signed JSON "
                                                    "(Standard Webhooks) instead of Kommo's form body")


class WebhookDestinationIn(WireModel):
    """``DELETE /api/v4/webhooks`` (a JSON body on DELETE, as Kommo's clients send it)."""

    destination: Destination


def _unknown_codes(data: Any) -> list[str]:
    codes = data.get("settings") if isinstance(data, Mapping) else None
    if not isinstance(codes, list):
        return []
    return [_shown(code) for code in codes if isinstance(code, str) and code not in EVENT_CODES]


def webhook_body() -> Any:
    """``body(WebhookIn)``, whose 400 names the unknown event codes in its ``detail`` as well."""

    async def read(request: Request) -> WebhookIn:
        data = await read_json(request)
        try:
            return validate_object(WebhookIn, data)
        except ValidationFailed as failure:
            unknown = _unknown_codes(data)
            if unknown:
                names = ", ".join(repr(code) for code in unknown[:10])
                failure.detail = f"Unknown event code{'s' if len(unknown) > 1 else ''}: {names}"
            raise

    return documented_body(read, WebhookIn)


class WebhookFilter(WireModel):
    destination: Annotated[list[str], values(split_commas=False)] = Field(default_factory=list)


class WebhookList(WireModel):
    """``GET /api/v4/webhooks``: the whole list (no pages; ``page``/``limit`` are ignored)."""

    filter: Annotated[WebhookFilter, AnObject] = Field(default_factory=WebhookFilter)


class WebhookDeliveryFilter(WireModel):
    state: Annotated[list[DeliveryState], values(split_commas=True)] = Field(default_factory=list)


class WebhookDeliveryList(ListParams):
    orderable: ClassVar[tuple[str, ...]] = ()

    filter: Annotated[WebhookDeliveryFilter, AnObject] = Field(  # type: ignore[assignment]
        default_factory=WebhookDeliveryFilter)


# Answers ----------------------------------------------------------------------------------------------

class WebhookOut(OutModel):
    """Kommo's webhook object (every key, PHP reads them all)."""

    id: int
    destination: str
    created_by: int
    created_at: int
    updated_at: int
    sort: int
    disabled: bool
    settings: list[str]
    account_id: int
    format: Literal["standard"] | SkipJsonSchema[None] = Field(
        None, description="Kanbo extension: only on `standard` (signed JSON) webhooks")
    secret: str | SkipJsonSchema[None] = Field(
        None, description="The signing secret of a `standard` webhook, in the answer that made it only")


WebhooksPage = hal_page("WebhooksPage", "webhooks", WebhookOut, total=True)


class WebhookAttemptOut(OutModel):
    attempt: int
    succeeded: bool
    status_code: int | None
    latency_ms: int
    response_excerpt: str | None
    error: str | None
    created_at: int


class WebhookDeliveryEmbedded(OutModel):
    attempts: list[WebhookAttemptOut]


class WebhookDeliveryOut(OutModel):
    id: int
    uid: str
    webhook_id: int
    state: DeliveryState
    attempts: int
    codes: list[str]
    created_at: int
    updated_at: int
    delivered_at: int | None
    next_attempt_at: int | None
    last_status_code: int | None
    last_error: str | None
    embedded: WebhookDeliveryEmbedded = Field(alias="_embedded")


WebhookDeliveriesPage = hal_page("WebhookDeliveriesPage", "deliveries", WebhookDeliveryOut)


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
