"""Incoming-lead metadata per category (spec §8.4): validated on write, every key on read.

The PHP library reads the metadata keys of a category unconditionally (``$metadata['form_id']``…),
so :func:`render_metadata` always emits every key of the category, ``null`` when it was not given.
Unknown keys sent by a client are ignored; ``is_call_event_needed`` (sip) is write-only.
"""

from __future__ import annotations

from typing import Any

from kanbo.core.errors import Errors
from kanbo.core.values import as_int

CATEGORIES = ("sip", "mail", "forms", "chats")
TEXT_MAX = 4096

# Per key: "str" text, "int" integer, "id" an integer or a text kept as given, "phone" text (numbers
# become text), or a nested dict of such keys.
Schema = dict[str, Any]

SCHEMAS: dict[str, Schema] = {
    "forms": {"form_id": "id", "form_name": "str", "form_page": "str", "ip": "str", "form_sent_at": "int",
              "referer": "str", "visitor_uid": "str", "form_type": "int"},
    "sip": {"from": "id", "phone": "phone", "called_at": "int", "duration": "int", "link": "str",
            "service_code": "str", "uniq": "str", "call_responsible": "id"},
    "chats": {"from": "str", "to": "str", "received_at": "int", "service": "str",
              "client": {"name": "str", "avatar": "str"},
              "origin": {"chat_id": "str", "ref": "str", "visitor_uid": "str"},
              "last_message_text": "str", "source_name": "str"},
    "mail": {"from": {"email": "str", "name": "str"}, "received_at": "int", "subject": "str", "thread_id": "id",
             "message_id": "id", "content_summary": "str"},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "forms": ("form_id", "form_name", "form_page", "form_sent_at"),
    "sip": ("phone", "called_at", "duration", "service_code", "uniq"),
    "chats": ("from", "received_at", "service", "client.name", "origin.chat_id"),
    "mail": ("from.email", "received_at", "subject"),
}


def _scalar(kind: str, value: Any, path: str, errors: Errors, request_id: str) -> tuple[bool, Any]:
    """``(ok, value)`` for one scalar; ``ok`` is False after an error was added."""
    if kind == "int":
        number = as_int(value)
        if number is None or number < 0:
            errors.add(request_id, path, "This value should be of type int.", "InvalidType")
            return False, None
        return True, number
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.add(request_id, path, "This value should be of type string.", "InvalidType")
        return False, None
    if kind == "id" and isinstance(value, int | float):
        number = as_int(value)
        if number is None:
            errors.add(request_id, path, "This value should be an integer or a string.", "InvalidType")
            return False, None
        return True, number
    if isinstance(value, float):
        number = as_int(value)
        text = str(number) if number is not None else str(value)
    else:
        text = str(value).strip()
    if len(text) > TEXT_MAX:
        errors.add(request_id, path, f"This value is too long ({TEXT_MAX} characters at most).", "TooLong")
        return False, None
    return True, text


def _parse(schema: Schema, raw: dict[str, Any], prefix: str, errors: Errors, request_id: str) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for key, kind in schema.items():
        value = raw.get(key)
        if value is None or value == "":
            continue
        path = f"{prefix}.{key}"
        if isinstance(kind, dict):
            if not isinstance(value, dict):
                errors.add(request_id, path, "This value should be of type object.", "InvalidType")
                continue
            nested = _parse(kind, value, path, errors, request_id)
            if nested:
                stored[key] = nested
            continue
        ok, parsed = _scalar(kind, value, path, errors, request_id)
        if ok:
            stored[key] = parsed
    return stored


def _has(stored: dict[str, Any], dotted: str) -> bool:
    node: Any = stored
    for part in dotted.split("."):
        if not isinstance(node, dict) or node.get(part) in (None, ""):
            return False
        node = node[part]
    return True


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (1, "1", "true", "True"):
        return True
    if value in (0, "0", "false", "False", "", None):
        return False
    return None


def parse_metadata(category: str, raw: Any, errors: Errors, request_id: str,
                   path: str = "metadata") -> tuple[dict[str, Any], bool]:
    """Validate ``raw`` for ``category``: ``(stored metadata, is_call_event_needed)``.

    Errors go to ``errors`` under ``request_id``; the caller raises."""
    if raw is None:
        errors.add(request_id, path, "This value should not be blank.", "NotBlank")
        return {}, False
    if not isinstance(raw, dict):
        errors.add(request_id, path, "This value should be of type object.", "InvalidType")
        return {}, False
    local = Errors()
    stored = _parse(SCHEMAS[category], raw, path, local, request_id)
    failed = {e.path for item in local.items() for e in item.errors}
    for error in (e for item in local.items() for e in item.errors):
        errors.add(request_id, error.path, error.detail, error.code)
    for dotted in REQUIRED[category]:
        where = f"{path}.{dotted}"
        if not _has(stored, dotted) and where not in failed:
            errors.add(request_id, where, "This value should not be blank.", "NotBlank")
    call_event = False
    if category == "sip" and "is_call_event_needed" in raw:
        flag = _flag(raw["is_call_event_needed"])
        if flag is None:
            errors.add(request_id, f"{path}.is_call_event_needed", "This value should be of type bool.",
                       "InvalidType")
        call_event = bool(flag)
    return stored, call_event


def _render(schema: Schema, stored: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, kind in schema.items():
        value = stored.get(key) if isinstance(stored, dict) else None
        body[key] = _render(kind, value or {}) if isinstance(kind, dict) else value
    return body


def render_metadata(category: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """Every key of the category, in the documented order; ``null`` for what was not given."""
    schema = SCHEMAS.get(category)
    if schema is None:
        return dict(stored or {})
    return _render(schema, stored or {})


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
