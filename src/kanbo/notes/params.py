"""Note types and the validation of their ``params`` (spec §10.3).

Liberal on input (numbers for strings, ``65.0`` for ints, ``null`` for an absent key, echoed unknown keys
are dropped), exact on output: only the keys of the type are stored, in the form the client sent them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kanbo.entities.fields import as_int

# Types clients create through the API; they are also the editable ones.
CREATABLE = ("common", "call_in", "call_out", "service_message", "extended_service_message", "message_cashier",
             "geolocation", "sms_in", "sms_out", "attachment")
# Types only Kanbo's own services create (completing a task writes its result into the card's feed).
SERVICE_ONLY = ("task_result",)

# The event recorded when a note of a type is added; types not listed record none (the tasks service
# records ``task_result_added`` itself).
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

# (path, detail, code)
Report = Callable[[str, str, str], None]


def is_editable(note_type: str) -> bool:
    return note_type in CREATABLE


@dataclass(frozen=True)
class Rule:
    kind: str  # text, int, number, url, uuid, bool, choice, user_or_text
    required: bool = False
    allow_blank: bool = False
    max_length: int = SHORT
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


_CALL = {
    "uniq": Rule("text"),
    "duration": Rule("int", required=True, minimum=0),
    "source": Rule("text", required=True),
    "link": Rule("url", max_length=2048),
    "phone": Rule("text", required=True),
    "call_result": Rule("text", allow_blank=True, max_length=LONG),
    "call_status": Rule("int", minimum=1, maximum=8),
    "call_responsible": Rule("user_or_text"),
}
_SERVICE = {"service": Rule("text", required=True), "text": Rule("text", required=True, max_length=LONG)}
_SMS = {"text": Rule("text", required=True, max_length=LONG), "phone": Rule("text", required=True)}

RULES: dict[str, dict[str, Rule]] = {
    "common": {"text": Rule("text", required=True, max_length=LONG)},
    "call_in": _CALL,
    "call_out": _CALL,
    "service_message": _SERVICE,
    "extended_service_message": _SERVICE,
    "message_cashier": {"status": Rule("choice", required=True, choices=("created", "shown", "canceled")),
                        "text": Rule("text", required=True, max_length=LONG)},
    "geolocation": {"text": Rule("text", allow_blank=True, max_length=LONG),
                    "address": Rule("text", allow_blank=True, max_length=LONG),
                    "longitude": Rule("number", required=True, minimum=-180, maximum=180),
                    "latitude": Rule("number", required=True, minimum=-90, maximum=90)},
    "sms_in": _SMS,
    "sms_out": _SMS,
    "attachment": {"file_uuid": Rule("uuid", required=True), "version_uuid": Rule("uuid"),
                   "file_name": Rule("text", required=True), "original_name": Rule("text"),
                   "is_drive_attachment": Rule("bool")},
    "task_result": {"text": Rule("text", required=True, allow_blank=True, max_length=LONG),
                    "task_id": Rule("int", required=True, minimum=1)},
}


def validate(note_type: str, raw: Any, report: Report) -> dict[str, Any]:
    """The ``params`` to store for ``note_type`` (a known type); problems go to ``report`` as ``params.<key>``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        report("params", "This value should be of type object.", "InvalidType")
        return {}
    clean: dict[str, Any] = {}
    for key, rule in RULES[note_type].items():
        path = f"params.{key}"
        value = raw.get(key)
        blank_kept = rule.kind == "text" and rule.allow_blank
        if value is None or (isinstance(value, str) and value == "" and not blank_kept):
            if rule.required:
                report(path, "This value should not be blank.", "NotBlank")
            continue
        result = _check(rule, value, path, report)
        if result is not None:
            clean[key] = result
    return clean


def merge(note_type: str, current: dict[str, Any], raw: Any, report: Report) -> dict[str, Any]:
    """An edit: the keys sent replace the stored ones (``null`` removes one), then the whole is revalidated."""
    if not isinstance(raw, dict):
        report("params", "This value should be of type object.", "InvalidType")
        return dict(current)
    return validate(note_type, {**current, **raw}, report)


def _check(rule: Rule, value: Any, path: str, report: Report) -> Any:
    checker = _CHECKERS[rule.kind]
    return checker(rule, value, path, report)


def _text(rule: Rule, value: Any, path: str, report: Report) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        report(path, "This value should be of type string.", "InvalidType")
        return None
    if not isinstance(value, str):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if rule.required and not rule.allow_blank and not value.strip():
        report(path, "This value should not be blank.", "NotBlank")
        return None
    if len(value) > rule.max_length:
        report(path, f"This value is too long ({rule.max_length} characters at most).", "TooLong")
        return None
    return value


def _int(rule: Rule, value: Any, path: str, report: Report) -> int | None:
    number = as_int(value)
    if number is None:
        report(path, "This value should be of type int.", "InvalidType")
        return None
    if not _in_range(rule, number):
        report(path, _range_detail(rule), "NotSupportedChoice" if rule.maximum is not None else "InvalidValue")
        return None
    return number


def _number(rule: Rule, value: Any, path: str, report: Report) -> Any:
    """A number or a numeric string (the PHP library models coordinates as strings); stored as sent."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        report(path, "This value should be a number.", "InvalidType")
        return None
    try:
        number = float(value)
    except ValueError:
        report(path, "This value should be a number.", "InvalidType")
        return None
    if not math.isfinite(number):
        report(path, "This value should be a number.", "InvalidType")
        return None
    if not _in_range(rule, number):
        report(path, _range_detail(rule), "InvalidValue")
        return None
    return value.strip() if isinstance(value, str) else value


def _url(rule: Rule, value: Any, path: str, report: Report) -> str | None:
    if not isinstance(value, str):
        report(path, "This value should be of type string.", "InvalidType")
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        report(path, "This value should be an http or https URL.", "InvalidValue")
        return None
    if len(text) > rule.max_length:
        report(path, f"This value is too long ({rule.max_length} characters at most).", "TooLong")
        return None
    return text


def _uuid(rule: Rule, value: Any, path: str, report: Report) -> str | None:
    if not isinstance(value, str):
        report(path, "This value should be of type string.", "InvalidType")
        return None
    try:
        uuid.UUID(value.strip())
    except ValueError:
        report(path, "This value should be a UUID.", "InvalidValue")
        return None
    return value.strip()


def _bool(rule: Rule, value: Any, path: str, report: Report) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1) or (isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false")):
        return str(value).strip().lower() in ("1", "true")
    report(path, "This value should be of type bool.", "InvalidType")
    return None


def _choice(rule: Rule, value: Any, path: str, report: Report) -> str | None:
    if value not in rule.choices:
        report(path, f"The value you selected is not a valid choice: {', '.join(rule.choices)}.",
               "NotSupportedChoice")
        return None
    return str(value)


def _user_or_text(rule: Rule, value: Any, path: str, report: Report) -> int | str | None:
    """``call_responsible``: a user id, or a name or phone number as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = as_int(value)
        if number is None:
            report(path, "This value should be a user id or a string.", "InvalidType")
        return number
    return _text(rule, value, path, report)


def _in_range(rule: Rule, number: float) -> bool:
    return not ((rule.minimum is not None and number < rule.minimum)
                or (rule.maximum is not None and number > rule.maximum))


def _range_detail(rule: Rule) -> str:
    if rule.maximum is None:
        return f"This value should be {rule.minimum:g} or more."
    return f"This value should be between {rule.minimum:g} and {rule.maximum:g}."


_CHECKERS: dict[str, Callable[[Rule, Any, str, Report], Any]] = {
    "text": _text, "int": _int, "number": _number, "url": _url, "uuid": _uuid, "bool": _bool,
    "choice": _choice, "user_or_text": _user_or_text,
}
