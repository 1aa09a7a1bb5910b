"""The entities of a webhook payload in Kommo's legacy field vocabulary (spec §14.3).

:func:`load_state` reads the current state of every entity a batch of events refers to with a fixed
number of queries; the ``*_item`` functions turn one row (plus the event that caused the webhook)
into the nested dict that :mod:`kanbo.webhooks.payload` encodes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.custom_fields.catalog import FieldCatalog, load_catalog
from kanbo.custom_fields.types import DATE_TYPES
from kanbo.custom_fields.values import render_values
from kanbo.models.accounts import Account
from kanbo.models.activity import Note, Task, Unsorted
from kanbo.models.entities import Company, Contact, Lead, LeadContact
from kanbo.models.events import Event
from kanbo.tags.service import tags_for

# Legacy numeric element types (spec §1.6).
ELEMENT_TYPES = {"contacts": 1, "leads": 2, "companies": 3, "contact": 1, "lead": 2, "company": 3}
# Legacy numeric note types (spec §10, line "Legacy numeric note types").
NOTE_TYPES = {"common": 4, "attachment": 5, "call_in": 10, "call_out": 11, "task_result": 13,
              "geolocation": 24, "service_message": 25, "extended_service_message": 25,
              "message_cashier": 25, "sms_in": 102, "sms_out": 103}
PLURAL = {"lead": "leads", "contact": "contacts", "company": "companies"}


def kind_of(event: Event) -> str:
    """What the webhook is about: ``lead``, ``contact``, ``company``, ``task``, ``note`` or ``unsorted``."""
    if event.type.startswith("unsorted_"):
        return "unsorted"
    return event.entity_type


def first(values: list[Any] | None, key: str) -> dict[str, Any] | None:
    """The inner object of the first ``{key: {...}}`` item of a ``value_before``/``value_after`` list."""
    for item in values or []:
        if isinstance(item, dict) and isinstance(item.get(key), dict):
            inner: dict[str, Any] = item[key]
            return inner
    return None


def note_id(event: Event) -> int | None:
    note = first(event.value_after, "note")
    value = note.get("id") if note else None
    return value if isinstance(value, int) else None


def unsorted_info(event: Event) -> dict[str, Any]:
    return first(event.value_after, "unsorted") or {}


@dataclass
class State:
    """The current rows referenced by one batch, keyed by id (``unsorted`` by uid)."""

    account: Account
    leads: dict[int, Lead] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    companies: dict[int, Company] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    notes: dict[int, Note] = field(default_factory=dict)
    unsorted: dict[str, Unsorted] = field(default_factory=dict)
    contact_leads: dict[int, list[int]] = field(default_factory=dict)
    company_leads: dict[int, list[int]] = field(default_factory=dict)
    catalogs: dict[str, FieldCatalog] = field(default_factory=dict)
    tags: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)

    def stamp(self, value: int | None) -> str | None:
        """``YYYY-MM-DD HH:MM:SS`` in the account's time zone (the task and note webhook dates)."""
        if value is None:
            return None
        try:
            zone: Any = ZoneInfo(self.account.timezone or "UTC")
        except (KeyError, ValueError):
            zone = UTC
        return datetime.fromtimestamp(value, zone).strftime("%Y-%m-%d %H:%M:%S")


async def load_state(session: AsyncSession, account: Account, events: list[Event]) -> State:
    state = State(account)
    ids: dict[str, set[int]] = {"lead": set(), "contact": set(), "company": set(), "task": set(), "note": set()}
    uids: set[str] = set()
    for event in events:
        kind = kind_of(event)
        if kind == "unsorted":
            if isinstance(unsorted_info(event).get("uid"), str):
                uids.add(unsorted_info(event)["uid"])
        elif kind in ids:
            ids[kind].add(event.entity_id)
        found = note_id(event)
        if found is not None and kind in PLURAL:
            ids["note"].add(found)
    if ids["note"]:
        state.notes = {n.id: n for n in await session.scalars(select(Note).where(Note.id.in_(ids["note"])))}
    if ids["task"]:
        state.tasks = {t.id: t for t in await session.scalars(select(Task).where(Task.id.in_(ids["task"])))}
    if uids:
        state.unsorted = {u.uid: u for u in await session.scalars(select(Unsorted).where(Unsorted.uid.in_(uids)))}
    if ids["lead"]:
        state.leads = {r.id: r for r in await session.scalars(select(Lead).where(Lead.id.in_(ids["lead"])))}
    if ids["contact"]:
        state.contacts = {r.id: r for r in await session.scalars(select(Contact).where(Contact.id.in_(ids["contact"])))}
        links = await session.execute(
            select(LeadContact.contact_id, LeadContact.lead_id).join(Lead, Lead.id == LeadContact.lead_id)
            .where(LeadContact.contact_id.in_(ids["contact"]), Lead.is_deleted.is_(False))
            .order_by(LeadContact.lead_id))
        for contact_id, lead_id in links:
            state.contact_leads.setdefault(contact_id, []).append(lead_id)
    company_ids = ids["company"] | {c.company_id for c in state.contacts.values() if c.company_id is not None}
    if company_ids:
        state.companies = {r.id: r for r in await session.scalars(select(Company).where(Company.id.in_(company_ids)))}
    if ids["company"]:
        rows = await session.execute(select(Lead.company_id, Lead.id).where(
            Lead.company_id.in_(ids["company"]), Lead.is_deleted.is_(False)).order_by(Lead.id))
        for company_id, lead_id in rows:
            if company_id is not None:
                state.company_leads.setdefault(company_id, []).append(lead_id)
    for singular, plural in PLURAL.items():
        rows_of: dict[int, Any] = getattr(state, plural)
        present = [i for i in ids[singular] if i in rows_of]
        if present:
            state.catalogs[plural] = await load_catalog(session, plural)
            state.tags[plural] = await tags_for(session, plural, present)
    return state


def custom_fields(state: State, plural: str, stored: list[Any] | None) -> list[dict[str, Any]]:
    catalog = state.catalogs.get(plural)
    if catalog is None:
        return []
    out = []
    for item in render_values(catalog, stored) or []:
        values: list[Any] = []
        for value in item["values"]:
            if item["field_type"] in DATE_TYPES:
                values.append(value.get("value"))
            elif value.get("enum_id") is not None:
                values.append({"value": value.get("value"), "enum": value["enum_id"]})
            else:
                values.append({"value": value.get("value")})
        entry: dict[str, Any] = {"id": item["field_id"], "name": item["field_name"]}
        if item["field_code"]:
            entry["code"] = item["field_code"]
        entry["values"] = values
        out.append(entry)
    return out


def _tags(state: State, plural: str, entity_id: int) -> list[dict[str, Any]]:
    return [{"id": t["id"], "name": t["name"]} for t in state.tags.get(plural, {}).get(entity_id, [])]


def _old_responsible(item: dict[str, Any], event: Event) -> None:
    before = first(event.value_before, "responsible_user") if event.type == "entity_responsible_changed" else None
    if before is not None:
        item["old_responsible_user_id"] = before.get("id")


def lead_item(state: State, action: str, event: Event) -> dict[str, Any]:
    row = state.leads.get(event.entity_id)
    if row is None:
        return {"id": event.entity_id}
    if action == "delete":
        return {"id": row.id, "status_id": row.status_id, "pipeline_id": row.pipeline_id}
    item: dict[str, Any] = {"id": row.id, "name": row.name, "status_id": row.status_id}
    old = first(event.value_before, "lead_status") if event.type == "lead_status_changed" else None
    if old is not None:
        item["old_status_id"] = old.get("id")
    item["price"] = row.price
    item["responsible_user_id"] = row.responsible_user_id
    _old_responsible(item, event)
    item.update({"last_modified": row.updated_at, "modified_user_id": row.updated_by,
                 "created_user_id": row.created_by, "date_create": row.created_at, "pipeline_id": row.pipeline_id})
    if old is not None and old.get("pipeline_id") != row.pipeline_id:
        item["old_pipeline_id"] = old.get("pipeline_id")
    if row.loss_reason_id is not None:
        item["loss_reason_id"] = row.loss_reason_id
    item["account_id"] = row.account_id
    item["custom_fields"] = custom_fields(state, "leads", row.custom_fields)
    item["tags"] = _tags(state, "leads", row.id)
    item.update({"created_at": row.created_at, "updated_at": row.updated_at})
    return item


def contact_item(state: State, action: str, event: Event) -> dict[str, Any]:
    """A contact or a company (both go under ``contacts``, told apart by ``type``)."""
    kind = event.entity_type
    row: Contact | Company | None = (state.contacts if kind == "contact" else state.companies).get(event.entity_id)
    if row is None or action == "delete":
        return {"id": event.entity_id, "type": kind}
    item: dict[str, Any] = {"id": row.id, "name": row.name, "responsible_user_id": row.responsible_user_id}
    _old_responsible(item, event)
    item.update({"date_create": row.created_at, "last_modified": row.updated_at, "created_user_id": row.created_by,
                 "modified_user_id": row.updated_by, "account_id": row.account_id})
    if isinstance(row, Contact):
        company = state.companies.get(row.company_id) if row.company_id is not None else None
        if company is not None:
            item["company_name"] = company.name
            item["linked_company_id"] = company.id
        leads = state.contact_leads.get(row.id, [])
    else:
        leads = state.company_leads.get(row.id, [])
    item["linked_leads_id"] = {str(lead_id): {"ID": lead_id} for lead_id in leads}
    item["custom_fields"] = custom_fields(state, PLURAL[kind], row.custom_fields)
    item["tags"] = _tags(state, PLURAL[kind], row.id)
    item.update({"created_at": row.created_at, "updated_at": row.updated_at, "type": kind})
    return item


def note_item(state: State, event: Event) -> dict[str, Any]:
    """``{"note": {...}}`` (+ ``type`` for contacts and companies)."""
    found = note_id(event)
    row = state.notes.get(found) if found is not None else None
    note: dict[str, Any]
    if row is None:
        note = {"id": found, "element_type": ELEMENT_TYPES.get(event.entity_type, 0), "element_id": event.entity_id}
    else:
        params = row.params or {}
        text = params.get("text")
        note = {"id": row.id, "text": text if isinstance(text, str) else json.dumps(params, sort_keys=True),
                "note_type": NOTE_TYPES.get(row.note_type, 4), "element_type": ELEMENT_TYPES.get(row.entity_type, 0),
                "element_id": row.entity_id, "date_create": state.stamp(row.created_at),
                "timestamp_x": state.stamp(row.updated_at), "account_id": row.account_id,
                "metadata": json.dumps(params, sort_keys=True), "created_by": row.created_by,
                "modified_by": row.updated_by, "main_user_id": row.responsible_user_id or row.created_by,
                "created_at": row.created_at, "updated_at": row.updated_at}
        if row.note_type == "attachment":
            note["attachement"] = params.get("file_name") or params.get("original_name") or ""
    item: dict[str, Any] = {"note": note}
    if event.entity_type in ("contact", "company"):
        item["type"] = event.entity_type
    return item


def task_item(state: State, action: str, event: Event) -> dict[str, Any]:
    row = state.tasks.get(event.entity_id)
    if row is None or action == "delete":
        return {"id": event.entity_id}
    item: dict[str, Any] = {
        "id": row.id, "element_id": row.entity_id or 0, "element_type": ELEMENT_TYPES.get(row.entity_type or "", 0),
        "task_type": row.task_type_id, "date_create": state.stamp(row.created_at), "text": row.text,
        "status": 1 if row.is_completed else 0, "account_id": row.account_id, "created_user_id": row.created_by,
        "last_modified": state.stamp(row.updated_at), "responsible_user_id": row.responsible_user_id,
    }
    _old_responsible(item, event)
    item.update({"complete_till": state.stamp(row.complete_till), "complete_before": row.complete_till,
                 "action_close": 1 if row.is_completed else 0})
    old_text = first(event.value_before, "task_text") if event.type == "task_text_changed" else None
    if old_text is not None:
        item["old_text"] = old_text.get("text")
    if row.result_text is not None:
        item["result"] = {"id": note_id(event) if event.type == "task_result_added" else None,
                          "text": row.result_text}
    item.update({"main_user": row.responsible_user_id, "modified_by": row.updated_by,
                 "created_at": row.created_at, "updated_at": row.updated_at})
    return item


def _source_data(row: Unsorted) -> dict[str, Any]:
    meta = dict(row.meta or {})
    data: dict[str, Any] = {"source_uid": row.source_uid, "source_name": row.source_name, **meta}
    data.setdefault("from", meta.get("form_page") or row.source_name)
    date = meta.get("form_sent_at") or meta.get("called_at") or meta.get("received_at")
    if row.category == "forms":
        data["origin"] = {"ip": meta.get("ip"), "datetime": date, "referer": meta.get("referer"),
                          "visitor_uid": meta.get("visitor_uid")}
    data["date"] = date if date is not None else row.created_at
    return data


UNSORTED_ACTIONS = {"unsorted_accepted": "accept", "unsorted_declined": "decline", "unsorted_linked": "link"}


def unsorted_item(state: State, action: str, event: Event) -> dict[str, Any]:
    info = unsorted_info(event)
    row = state.unsorted.get(info.get("uid") or "")
    if action == "delete":
        verb = UNSORTED_ACTIONS.get(event.type, "accept")
        lead_id = info.get("linked_lead_id") if verb == "link" else None
        if lead_id is None:
            lead_id = row.lead_id if row is not None else (event.entity_id if event.entity_type == "lead" else None)
        return {"action": verb, "uid": info.get("uid"), "category": info.get("category"),
                f"{verb}_result": {"leads": [lead_id] if lead_id is not None else []},
                "created_at": event.created_at, "modified_user_id": event.created_by}
    if row is None:
        return {"uid": info.get("uid"), "category": info.get("category"), "pipeline_id": info.get("pipeline_id")}
    return {"uid": row.uid, "category": row.category, "pipeline_id": row.pipeline_id,
            "source_data": _source_data(row), "date_create": row.created_at,
            "data": {"leads": [{"id": row.lead_id}] if row.lead_id is not None else []},
            "lead_id": row.lead_id, "account_id": row.account_id, "created_at": row.created_at}
