"""Webhook bodies: which codes an event triggers, Kommo's form-encoded payload and the signed JSON one.

* :func:`codes_for` maps one event of the log to the webhook codes of spec §14.2 it triggers.
* :func:`render_kommo` builds one request body for one subscription in Kommo's wire format (§14.3):
  PHP-style nested form fields with the legacy field names, always followed by ``account[…]``.
* :func:`render_json` builds the body of Kanbo's signed JSON format from the same entity dicts.
* :func:`encode_form` is the PHP ``http_build_query`` equivalent.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.config import get_settings
from kanbo.models.accounts import Account
from kanbo.models.events import Event
from kanbo.webhooks.kommo_fields import (
    State,
    contact_item,
    lead_item,
    load_state,
    note_item,
    task_item,
    unsorted_item,
)

__all__ = ["codes_for", "encode_form", "render_json", "render_kommo", "self_link"]

NOTE_EVENTS = frozenset({
    "common_note_added", "attachment_note_added", "geo_note_added", "service_note_added",
    "message_to_cashier_note_added", "incoming_call", "outgoing_call", "incoming_sms", "outgoing_sms",
    "targeting_in_note_added", "targeting_out_note_added", "site_visit_note_added",
})
ENTITY_UPDATES = frozenset({
    "name_field_changed", "sale_field_changed", "custom_field_value_changed", "entity_tag_added",
    "entity_tag_deleted", "entity_linked", "entity_unlinked", "ltv_field_changed", "lead_loss_reason_changed",
})
TASK_UPDATES = frozenset({"task_completed", "task_text_changed", "task_deadline_changed", "task_type_changed",
                          "task_result_added"})
UNSORTED_DELETES = frozenset({"unsorted_accepted", "unsorted_declined", "unsorted_linked"})
# Payload top key per noun of a code: companies go under ``contacts``, tasks under the singular ``task``.
TOP_KEYS = {"lead": "leads", "contact": "contacts", "company": "contacts", "task": "task", "unsorted": "unsorted"}


def codes_for(event: Event) -> list[str]:
    """The webhook codes (spec §14.2) one event triggers; ``[]`` for events no webhook reports."""
    kind, kind_type = event.entity_type, event.type
    if kind_type == "unsorted_added":
        return ["add_unsorted"]
    if kind_type in UNSORTED_DELETES:
        return ["delete_unsorted"]
    if kind in ("lead", "contact", "company"):
        simple = {f"{kind}_added": "add", f"{kind}_deleted": "delete", f"{kind}_restored": "restore"}
        if kind_type in simple:
            return [f"{simple[kind_type]}_{kind}"]
        if kind == "lead" and kind_type == "lead_status_changed":
            return ["status_lead", "update_lead"]
        if kind_type == "entity_responsible_changed":
            return [f"responsible_{kind}", f"update_{kind}"]
        if kind_type in ENTITY_UPDATES or (kind_type.startswith("custom_field_")
                                           and kind_type.endswith("_value_changed")):
            return [f"update_{kind}"]
        if kind_type in NOTE_EVENTS:
            return [f"note_{kind}"]
        return []
    if kind == "task":
        if kind_type == "task_added":
            return ["add_task"]
        if kind_type in TASK_UPDATES:
            return ["update_task"]
        if kind_type == "entity_responsible_changed":
            return ["responsible_task", "update_task"]
        if kind_type == "task_deleted":
            return ["delete_task"]
    return []


# Form encoding ----------------------------------------------------------------------------------

def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}[{key}]" if prefix else str(key), inner, out)
    elif isinstance(value, (list, tuple)):
        for index, inner in enumerate(value):
            _flatten(f"{prefix}[{index}]", inner, out)
    else:
        out.append((prefix, _scalar(value)))


def form_pairs(structure: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``(key, value)`` pairs of a nested structure, PHP-style keys, every value a string.
    Empty lists and dicts produce no field, as with PHP's ``http_build_query``."""
    out: list[tuple[str, str]] = []
    _flatten("", structure, out)
    return out


def encode_form(structure: dict[str, Any]) -> str:
    """``application/x-www-form-urlencoded`` body with PHP-style nested keys (``a[b][0][c]=…``)."""
    return urlencode(form_pairs(structure))


# Rendering --------------------------------------------------------------------------------------

def self_link(account: Account) -> str:
    """The account's base URL (Kommo: ``https://{subdomain}.kommo.com``); Kanbo serves every account on
    its public host, so it is that host's URL."""
    host = get_settings().http.public_host or "127.0.0.1:8000"
    return f"http://{host}"


def _split(code: str) -> tuple[str, str]:
    action, _, noun = code.partition("_")
    return action, noun


def _entity(state: State, code: str, event: Event) -> dict[str, Any]:
    action, noun = _split(code)
    if noun == "unsorted":
        return unsorted_item(state, action, event)
    if action == "note":
        return note_item(state, event)
    if noun == "lead":
        return lead_item(state, action, event)
    if noun in ("contact", "company"):
        return contact_item(state, action, event)
    if noun == "task":
        return task_item(state, action, event)
    return {"id": event.entity_id}


def _account_block(account: Account) -> dict[str, Any]:
    return {"subdomain": account.subdomain, "id": account.id, "_links": {"self": self_link(account)}}


async def _state(session: AsyncSession, account: Account, items: list[tuple[str, Event]]) -> State:
    return await load_state(session, account, [event for _code, event in items])


async def render_structure(session: AsyncSession, account: Account, items: list[tuple[str, Event]]
                           ) -> dict[str, Any]:
    """The nested structure of a Kommo body (before encoding): ``{top: {action: [item…]}, account: {…}}``."""
    state = await _state(session, account, items)
    structure: dict[str, Any] = {}
    for code, event in items:
        action, noun = _split(code)
        top = TOP_KEYS.get(noun)
        if top is None:
            continue
        structure.setdefault(top, {}).setdefault(action, []).append(_entity(state, code, event))
    structure["account"] = _account_block(account)
    return structure


async def render_kommo(session: AsyncSession, account: Account, items: list[tuple[str, Event]]) -> str:
    """One form-encoded request body for one subscription (spec §14.3)."""
    return encode_form(await render_structure(session, account, items))


async def render_json(session: AsyncSession, account: Account, items: list[tuple[str, Event]]) -> dict[str, Any]:
    """The body of the signed JSON format: the events with their entity in native JSON types."""
    state = await _state(session, account, items)
    events = []
    for code, event in items:
        events.append({
            "code": code, "event_id": event.uid, "type": event.type, "entity_type": event.entity_type,
            "entity_id": event.entity_id, "created_at": event.created_at,
            "value_before": event.value_before or [], "value_after": event.value_after or [],
            "entity": _entity(state, code, event),
        })
    return {"type": "kanbo.webhook", "timestamp": int(time.time()),
            "data": {"account": {"id": account.id, "subdomain": account.subdomain}, "events": events}}

