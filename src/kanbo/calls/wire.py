"""The wire of ``POST /api/v4/calls`` (spec §13): the call item, the batch that lists failing items in
the answer instead of refusing the request, and the answer."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import Request
from pydantic import BeforeValidator, Field, PlainValidator, StringConstraints, WithJsonSchema

from kanbo.core.errors import ItemErrors, ValidationFailed
from kanbo.custom_fields.types import as_text
from kanbo.http.body import read_json
from kanbo.http.query import MAX_INT
from kanbo.http.wire import (
    BatchItem,
    Id,
    OutModel,
    SelfLinks,
    Timestamp,
    documented_body,
    validate_batch,
    validate_object,
)


def _text(value: Any) -> Any:
    """Telephony integrations send numbers where text is expected (a phone as ``79123456789``)."""
    text = as_text(value)
    return value if text is None else text


_LAX = BeforeValidator(_text)
#: Text (a number is taken as its digits), stripped, at most 255 characters.
Text = Annotated[str, _LAX, StringConstraints(strip_whitespace=True, max_length=255)]
#: Text that must not be blank.
Required = Annotated[str, _LAX, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
#: The recording's URL (the note checks it is one); empty means none.
Url = Annotated[str, _LAX, StringConstraints(strip_whitespace=True, max_length=2048)]
#: Free text up to 64 KiB.
LongText = Annotated[str, _LAX, StringConstraints(max_length=65535)]
#: The phone number, text or a number, with at least one digit.
Phone = Annotated[str, _LAX, StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"\d"),
                  WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"\d", "maxLength": 255},
                                            {"type": "integer", "minimum": 0}]})]


def _responsible(value: Any) -> int | str:
    """A user id (a number; ``5.0`` is 5) or a phone or name (text, kept as text even when it is digits)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise ValueError("A user id should be a whole number")
        if not 0 <= value <= MAX_INT:
            raise ValueError("A user id should be a positive number")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 255:
            raise ValueError("This value is too long (255 characters at most)")
        return text
    raise ValueError("This value should be a user id, a phone number or a name")


#: ``call_responsible``: who took (inbound) or made (outbound) the call.
Responsible = Annotated[int | str, PlainValidator(_responsible), WithJsonSchema(
    {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "maxLength": 255}]})]


class CallIn(BatchItem):
    """One call of ``POST /api/v4/calls``."""

    direction: Literal["inbound", "outbound"]
    phone: Phone
    duration: Id = Field(description="Seconds")
    source: Required = Field(description="The telephony integration's name")
    uniq: Text | None = None
    link: Url | None = None
    call_result: LongText | None = None
    call_status: Annotated[int, Field(ge=1, le=8)] | None = None
    call_responsible: Responsible | None = None
    responsible_user_id: Id | None = None
    created_by: Id | None = Field(None, description="A user of the account, or 0 for the robot")
    created_at: Timestamp | None = None


#: What the calls batch holds per item: a valid call, or the problems of an item that is not one.
CallItem = CallIn | ItemErrors


def call_batch() -> Any:
    """``items: list[CallItem] = call_batch()``: the body as a batch of :class:`CallIn` (shaped and
    limited like any batch) where an item failing validation does not fail the request: it becomes
    its :class:`ItemErrors`, listed in the answer's ``errors`` (Kommo's calls are not atomic)."""

    async def read(request: Request) -> list[CallItem]:
        data = await read_json(request)
        heads = validate_batch(BatchItem, data)  # the shape, the limit and every item's request_id
        entries = [data] if isinstance(data, Mapping) else data
        items: list[CallItem] = []
        for head, entry in zip(heads, entries, strict=True):
            request_id = head.request_id or "0"
            try:
                items.append(validate_object(CallIn, {**entry, "request_id": request_id}, request_id=request_id))
            except ValidationFailed as failure:
                items.extend(failure.items)
        return items

    return documented_body(read, CallIn, batch=True)



# The answer ---------------------------------------------------------------------------------------

class CallEntityOut(OutModel):
    id: int
    links: SelfLinks = Field(alias="_links")


class CallEmbeddedOut(OutModel):
    entity: CallEntityOut


class CallOut(OutModel):
    id: int = Field(description="The call's note")
    entity_id: int
    entity_type: Literal["leads", "contacts", "companies"]
    account_id: int
    request_id: str
    embedded: CallEmbeddedOut = Field(alias="_embedded")


class CallProblemOut(OutModel):
    code: str
    path: str
    detail: str


class CallFailureOut(OutModel):
    request_id: str
    detail: str
    errors: list[CallProblemOut]


class CallsEmbeddedOut(OutModel):
    calls: list[CallOut]


class CallsAdded(OutModel):
    """The answer, 200 whatever failed: the calls written and the items that were not."""

    total_items: int = Field(alias="_total_items")
    errors: list[CallFailureOut]
    links: SelfLinks = Field(alias="_links")
    embedded: CallsEmbeddedOut = Field(alias="_embedded")
