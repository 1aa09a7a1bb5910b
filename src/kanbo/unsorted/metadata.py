"""Incoming-lead metadata per category (spec §8.4): one model per category on write, every key on read.

The PHP library reads the metadata keys of a category unconditionally (``$metadata['form_id']``…),
so :func:`render_metadata` always emits every key of the category's answer model, ``null`` when it was
not given. Unknown keys sent by a client are ignored; ``is_call_event_needed`` (sip) is write-only.

On write, text keys take numbers as text (``"form_id": 5``), id keys keep an integer or a text as given,
number keys take ``"12"`` and ``12.0``; an empty text or ``null`` is "not given", which a required key
refuses with ``NotBlank`` at its path (``metadata.form_name``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from kanbo.http.wire import Id, OutModel, WireModel

Category = Literal["sip", "mail", "forms", "chats"]
CATEGORIES: tuple[str, ...] = ("sip", "mail", "forms", "chats")
TEXT_MAX = 4096


# Scalars --------------------------------------------------------------------------------------------

def _text(value: Any) -> Any:
    """Numbers become text (``12.0`` → ``"12"``); text is stripped; anything else is left to fail."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "This value should be of type int.")
    return value.strip() if isinstance(value, str) else value


def _id_or_text(value: Any) -> Any:
    """An integer stays an integer (``12.0`` is 12), a text stays a text."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise PydanticCustomError("int_type", "This value should be an integer or a string.")
    if isinstance(value, float):
        return int(value)
    return value.strip() if isinstance(value, str) else value


def _optional(convert: Callable[[Any], Any]) -> BeforeValidator:
    def before(value: Any) -> Any:
        value = convert(value)
        return None if value is None or value == "" else value
    return BeforeValidator(before)


def _required(convert: Callable[[Any], Any]) -> BeforeValidator:
    def before(value: Any) -> Any:
        value = convert(value)
        if value is None or value == "":
            raise PydanticCustomError("missing", "This value should not be blank.")
        return value
    return BeforeValidator(before)


def not_null(value: Any) -> Any:
    """A required object sent as ``null`` is blank, as a missing one."""
    if value is None:
        raise PydanticCustomError("missing", "This value should not be blank.")
    return value


_Str = Annotated[str, Field(max_length=TEXT_MAX)]
Text = Annotated[_Str | None, _optional(_text)]
RequiredText = Annotated[_Str, _required(_text)]
Number = Annotated[Id | None, _optional(_number)]
RequiredNumber = Annotated[Id, _required(_number)]
IdOrText = Annotated[Id | _Str | None, _optional(_id_or_text)]
RequiredIdOrText = Annotated[Id | _Str, _required(_id_or_text)]


# Write models ----------------------------------------------------------------------------------------

class UnsortedMetadata(WireModel):
    """The metadata of one category, as a client sends it."""

    write_only: ClassVar[frozenset[str]] = frozenset()

    def stored(self) -> dict[str, Any]:
        """What is kept: the keys given, without the write-only ones."""
        return self.model_dump(by_alias=True, exclude_none=True, exclude=set(self.write_only))

    @property
    def call_event(self) -> bool:
        return False


class FormsMetadata(UnsortedMetadata):
    form_id: RequiredIdOrText
    form_name: RequiredText
    form_page: RequiredText
    ip: Text = None
    form_sent_at: RequiredNumber
    referer: Text = None
    visitor_uid: Text = None
    form_type: Number = None


def _flag(value: Any) -> Any:
    return None if value == "" else value


class SipMetadata(UnsortedMetadata):
    write_only: ClassVar[frozenset[str]] = frozenset({"is_call_event_needed"})

    from_: IdOrText = Field(None, alias="from")
    phone: RequiredText
    called_at: RequiredNumber
    duration: RequiredNumber
    link: Text = None
    service_code: RequiredText
    uniq: RequiredText
    call_responsible: IdOrText = None
    is_call_event_needed: Annotated[bool | None, BeforeValidator(_flag)] = Field(
        None, description="Write-only: also add an incoming-call note to the lead")

    @property
    def call_event(self) -> bool:
        return bool(self.is_call_event_needed)


class UnsortedChatClient(WireModel):
    name: RequiredText
    avatar: Text = None


class UnsortedChatOrigin(WireModel):
    chat_id: RequiredText
    ref: Text = None
    visitor_uid: Text = None


class ChatsMetadata(UnsortedMetadata):
    from_: RequiredText = Field(alias="from")
    to: Text = None
    received_at: RequiredNumber
    service: RequiredText
    client: Annotated[UnsortedChatClient, BeforeValidator(not_null)]
    origin: Annotated[UnsortedChatOrigin, BeforeValidator(not_null)]
    last_message_text: Text = None
    source_name: Text = None


# Answer models: every key, null when not given -----------------------------------------------------------

class FormsMetadataOut(OutModel):
    form_id: int | str | None
    form_name: str | None
    form_page: str | None
    ip: str | None
    form_sent_at: int | None
    referer: str | None
    visitor_uid: str | None
    form_type: int | None


class SipMetadataOut(OutModel):
    from_: int | str | None = Field(alias="from")
    phone: str | None
    called_at: int | None
    duration: int | None
    link: str | None
    service_code: str | None
    uniq: str | None
    call_responsible: int | str | None


class UnsortedChatClientOut(OutModel):
    name: str | None
    avatar: str | None


class UnsortedChatOriginOut(OutModel):
    chat_id: str | None
    ref: str | None
    visitor_uid: str | None


class ChatsMetadataOut(OutModel):
    from_: str | None = Field(alias="from")
    to: str | None
    received_at: int | None
    service: str | None
    client: UnsortedChatClientOut
    origin: UnsortedChatOriginOut
    last_message_text: str | None
    source_name: str | None


class UnsortedMailFromOut(OutModel):
    email: str | None
    name: str | None


class MailMetadataOut(OutModel):
    from_: UnsortedMailFromOut = Field(alias="from")
    received_at: int | None
    subject: str | None
    thread_id: int | str | None
    message_id: int | str | None
    content_summary: str | None


ANSWERS: dict[str, type[OutModel]] = {"forms": FormsMetadataOut, "sip": SipMetadataOut,
                                      "chats": ChatsMetadataOut, "mail": MailMetadataOut}


def _render(model: type[BaseModel], stored: Any) -> dict[str, Any]:
    stored = stored if isinstance(stored, dict) else {}
    body: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            body[key] = _render(kind, stored.get(key))
        else:
            body[key] = stored.get(key)
    return body


def render_metadata(category: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """Every key of the category's answer model, in the documented order; ``null`` for what was not given."""
    model = ANSWERS.get(category)
    if model is None:
        return dict(stored or {})
    return _render(model, stored)


def dedupe_key(category: str, stored: dict[str, Any]) -> tuple[Any, ...] | None:
    """What makes two still-new incoming leads of one source the same: a call's ``uniq``, a form's
    ``form_id`` with its ``form_sent_at``, a chat's ``origin.chat_id``; ``None`` when not given."""
    if category == "sip":
        return ("uniq", stored["uniq"]) if stored.get("uniq") else None
    if category == "forms":
        if stored.get("form_id") in (None, ""):
            return None
        return ("form", str(stored["form_id"]), stored.get("form_sent_at"))
    if category == "chats":
        chat_id = (stored.get("origin") or {}).get("chat_id")
        return ("chat", chat_id) if chat_id else None
    return None


def describe_key(key: tuple[Any, ...]) -> str:
    if key[0] == "uniq":
        return f"call uniq '{key[1]}'"
    if key[0] == "form":
        return f"form_id '{key[1]}' sent at {key[2]}"
    return f"chat '{key[1]}'"
