"""Note types and the models of their ``params`` (spec §10.3), one pydantic model per type.

Liberal on input (numbers for strings, ``65.0`` for ints, ``null`` or ``""`` for an absent key, unknown keys
dropped), exact on output: only the keys of the type are stored, in the form the client sent them
(:func:`stored`). Kommo's codes are kept: a blank required key is ``NotBlank``, a value out of range
``InvalidValue`` (``NotSupportedChoice`` for ``call_status``), a value of the wrong kind ``InvalidType``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic_core import ErrorDetails, PydanticCustomError

from kanbo.core.errors import FieldError
from kanbo.http.query import MAX_INT
from kanbo.http.wire import field_errors

#: Types clients create through the API; they are also the editable ones.
CreatableType = Literal["common", "call_in", "call_out", "service_message", "extended_service_message",
                        "message_cashier", "geolocation", "sms_in", "sms_out", "attachment"]
CREATABLE: tuple[str, ...] = get_args(CreatableType)
#: Types only Kanbo's own services create (completing a task writes its result into the card's feed).
SERVICE_ONLY = ("task_result",)

#: The event recorded when a note of a type is added; types not listed record none (the tasks service
#: records ``task_result_added`` itself).
ADDED_EVENTS = {
    "common": "common_note_added",
    "attachment": "attachment_note_added",
    "geolocation": "geo_note_added",
    "service_message": "service_note_added",
    "extended_service_message": "service_note_added",
    "message_cashier": "message_to_cashier_note_added",
    "call_in": "incoming_call",
    "call_out": "outgoing_call",
    "sms_in": "incoming_sms",
    "sms_out": "outgoing_sms",
}
DELETABLE = ("common",)

SHORT = 255
LONG = 65535
NOT_BLANK = "This value should not be blank."


def is_editable(note_type: str) -> bool:
    return note_type in CREATABLE


# Presence: ``null`` (and ``""`` where a blank value means nothing) is an absent key ---------------

def required(convert: Callable[[Any], Any] = lambda value: value, *, blank: bool = False) -> BeforeValidator:
    """A key that must be given: absent, ``null`` or (unless ``blank``) ``""`` is ``NotBlank``."""

    def check(value: Any) -> Any:
        if value is None or (value == "" and not blank):
            raise PydanticCustomError("missing", NOT_BLANK)
        return convert(value)

    return BeforeValidator(check)


def _optional(convert: Callable[[Any], Any] = lambda value: value, *, blank: bool = False) -> BeforeValidator:
    """A key that may be left out: ``null`` or (unless ``blank``) ``""`` leaves it out."""

    def check(value: Any) -> Any:
        if value is None or (value == "" and not blank):
            return None
        return convert(value)

    return BeforeValidator(check)


# Kinds of values ------------------------------------------------------------------------------------

def _text(value: Any) -> Any:
    """A string; numbers become their text (``15551234567``, ``65.0`` → ``"65"``); anything else is left
    for the ``str`` type to refuse."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _filled(value: Any) -> Any:
    """A text that must say something: only spaces is ``NotBlank``."""
    value = _text(value)
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("missing", NOT_BLANK)
    return value


def _between(minimum: float, maximum: float | None, error: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value < minimum or (maximum is not None and value > maximum):
            detail = f"This value should be {minimum:g} or more." if maximum is None else \
                f"This value should be between {minimum:g} and {maximum:g}."
            raise PydanticCustomError(error, detail)
        return value

    return check


def _number(minimum: float, maximum: float) -> Callable[[Any], Any]:
    """A number or a numeric string (the PHP library models coordinates as strings), kept as sent."""
    in_range = _between(minimum, maximum, "invalid_value")

    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise PydanticCustomError("float_type", "This value should be a number.")
        try:
            number = float(value)
        except ValueError:
            raise PydanticCustomError("float_parsing", "This value should be a number.") from None
        if not math.isfinite(number):
            raise PydanticCustomError("float_parsing", "This value should be a number.")
        in_range(number)
        return value.strip() if isinstance(value, str) else value

    return check


def _url(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise PydanticCustomError("invalid_value", "This value should be an http or https URL.")
    return text


def _uuid(value: str) -> str:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        raise PydanticCustomError("invalid_value", "This value should be a UUID.") from None
    return value.strip()


def _user_or_text(value: Any) -> Any:
    """``call_responsible``: a user id (``7.0`` is 7), or a name or phone number as text."""
    if isinstance(value, str):
        if len(value) > SHORT:
            raise PydanticCustomError("string_too_long", f"This value is too long ({SHORT} characters at most).")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            (isinstance(value, float) and not value.is_integer()) or abs(value) > MAX_INT:
        raise PydanticCustomError("int_type", "This value should be a user id or a string.")
    return int(value)


ShortText = Annotated[str, Field(max_length=SHORT)]
LongText = Annotated[str, Field(max_length=LONG)]
Uuid = Annotated[str, AfterValidator(_uuid), WithJsonSchema({"type": "string", "format": "uuid"})]


def _coordinate(limit: int) -> WithJsonSchema:
    """A number or a numeric string (checked by :func:`_number`, kept as sent)."""
    return WithJsonSchema({"anyOf": [{"type": "number", "minimum": -limit, "maximum": limit},
                                     {"type": "string", "description": "a number as text"}]})


# One model per type ---------------------------------------------------------------------------------

class NoteParams(BaseModel):
    """``params`` of a note: unknown keys are dropped."""

    model_config = ConfigDict(extra="ignore")


class CommonNoteParams(NoteParams):
    text: Annotated[LongText, required(_filled)]


class CallNoteParams(NoteParams):
    """``call_in`` and ``call_out``."""

    uniq: Annotated[ShortText | None, _optional(_text)] = None
    duration: Annotated[int, required(), AfterValidator(_between(0, None, "invalid_value")),
                        WithJsonSchema({"type": "integer", "minimum": 0, "description": "seconds"})]
    source: Annotated[ShortText, required(_filled)]
    link: Annotated[Annotated[str, Field(max_length=2048), WithJsonSchema(
        {"type": "string", "format": "uri", "maxLength": 2048})] | None, _optional(_url)] = None
    phone: Annotated[ShortText, required(_filled)]
    call_result: Annotated[LongText | None, _optional(_text, blank=True)] = None
    call_status: Annotated[Annotated[int, AfterValidator(_between(1, 8, "literal_error")), WithJsonSchema(
        {"type": "integer", "minimum": 1, "maximum": 8})] | None, _optional()] = None
    call_responsible: Annotated[Any, _optional(_user_or_text), WithJsonSchema(
        {"anyOf": [{"type": "integer", "description": "a user id"}, {"type": "string", "maxLength": SHORT},
                   {"type": "null"}]})] = None


class ServiceNoteParams(NoteParams):
    """``service_message`` and ``extended_service_message``."""

    service: Annotated[ShortText, required(_filled)]
    text: Annotated[LongText, required(_filled)]


class CashierNoteParams(NoteParams):
    status: Annotated[Literal["created", "shown", "canceled"], required()]
    text: Annotated[LongText, required(_filled)]


class GeolocationNoteParams(NoteParams):
    text: Annotated[LongText | None, _optional(_text, blank=True)] = None
    address: Annotated[LongText | None, _optional(_text, blank=True)] = None
    longitude: Annotated[Any, required(_number(-180, 180)), _coordinate(180)]
    latitude: Annotated[Any, required(_number(-90, 90)), _coordinate(90)]


class SmsNoteParams(NoteParams):
    """``sms_in`` and ``sms_out``."""

    text: Annotated[LongText, required(_filled)]
    phone: Annotated[ShortText, required(_filled)]


class AttachmentNoteParams(NoteParams):
    file_uuid: Annotated[Uuid, required()]
    version_uuid: Annotated[Uuid | None, _optional()] = None
    file_name: Annotated[ShortText, required(_filled)]
    original_name: Annotated[ShortText | None, _optional(_text)] = None
    is_drive_attachment: Annotated[bool | None, _optional()] = None


class TaskResultNoteParams(NoteParams):
    """Written by the tasks service when a task is completed; not creatable through the API."""

    text: Annotated[LongText, required(_text, blank=True)]
    task_id: Annotated[int, required(), AfterValidator(_between(1, None, "invalid_value")),
                       WithJsonSchema({"type": "integer", "minimum": 1})]


PARAMS: dict[str, type[NoteParams]] = {
    "common": CommonNoteParams,
    "call_in": CallNoteParams,
    "call_out": CallNoteParams,
    "service_message": ServiceNoteParams,
    "extended_service_message": ServiceNoteParams,
    "message_cashier": CashierNoteParams,
    "geolocation": GeolocationNoteParams,
    "sms_in": SmsNoteParams,
    "sms_out": SmsNoteParams,
    "attachment": AttachmentNoteParams,
    "task_result": TaskResultNoteParams,
}

#: Any creatable type's ``params`` (what the request body documents).
AnyParams = (CommonNoteParams | CallNoteParams | ServiceNoteParams | CashierNoteParams | GeolocationNoteParams
             | SmsNoteParams | AttachmentNoteParams)


def parse_params(note_type: str, raw: Any) -> NoteParams:
    """``raw`` as the ``params`` of ``note_type`` (a known type); ``null`` is ``{}``. Raises
    :class:`pydantic.ValidationError` with paths relative to ``params``."""
    return PARAMS[note_type].model_validate({} if raw is None else raw)


def stored(params: NoteParams) -> dict[str, Any]:
    """What a note keeps: the keys given, in the type's order, as sent."""
    return params.model_dump(exclude_none=True)


def check_params(note_type: str, raw: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """For services: the ``params`` to store for ``note_type`` (a known type), or the problems at
    ``params.<key>``."""
    try:
        return stored(parse_params(note_type, raw)), []
    except ValidationError as exc:
        details: list[ErrorDetails] = [{**e, "loc": ("params", *e["loc"])} for e in exc.errors(include_url=False)]
        return {}, field_errors(details)
