"""Adding incoming leads (spec §8.3): the unsorted row with its new lead, contact and company.

A batch is atomic like every entity batch: every item is validated (source, pipeline, metadata, the
embedded objects, duplicates still waiting in unsorted) before anything is written; the lead, contact
and company are then added through :func:`kanbo.entities.service.add` with ``incoming`` (the lead in
its pipeline's Incoming stage, all three ``is_unsorted``), in the request's transaction.
Accepting, declining and linking live in :mod:`kanbo.unsorted.actions`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import BadRequest, Errors, FieldError, Forbidden, ItemErrors, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.values import FieldCatalog, find_by_identity, load_catalog
from kanbo.entities import service as entities
from kanbo.entities.fields import int_field, text_field
from kanbo.entities.spec import EntitySpec
from kanbo.events.service import Change, actor_id, record_many
from kanbo.http.query import ListQuery, as_int_list, as_list, as_range
from kanbo.leads.spec import LEAD_SPEC
from kanbo.leads.stages import StageMap
from kanbo.models.activity import Unsorted
from kanbo.models.entities import Contact, Lead
from kanbo.notes.service import add_note
from kanbo.unsorted.metadata import CATEGORIES, dedupe_key, describe_key, parse_metadata

WRITABLE = ("forms", "sip", "chats")


@dataclass
class Plan:
    """One validated item of the batch."""

    index: int
    request_id: str
    source_uid: str = ""
    source_name: str = ""
    pipeline_id: int = 0
    created_at: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    call_event: bool = False
    lead: dict[str, Any] = field(default_factory=dict)
    contact: dict[str, Any] | None = None
    company: dict[str, Any] | None = None


def new_uid() -> str:
    return secrets.token_hex(16)


def _one(embedded: dict[str, Any], key: str, errors: Errors, request_id: str) -> dict[str, Any] | None:
    """``_embedded.<key>``: at most one object (a bare object is taken as a list of one)."""
    value = embedded.get(key)
    if value in (None, []):
        return None
    if isinstance(value, dict):
        return dict(value)
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
        errors.add(request_id, f"_embedded.{key}", f"An incoming lead takes at most one {key[:-1]} object.",
                   "InvalidValue")
        return None
    return dict(value[0])


def _required_text(item: dict[str, Any], key: str, errors: Errors, request_id: str) -> str:
    if item.get(key) in (None, ""):
        errors.add(request_id, key, "This value should not be blank.", "NotBlank")
        return ""
    text = text_field(item, key, errors, request_id)
    if text == "":
        errors.add(request_id, key, "This value should not be blank.", "NotBlank")
    return text or ""


def _plan(category: str, index: int, request_id: str, item: dict[str, Any], stages: StageMap,
          errors: Errors) -> Plan:
    plan = Plan(index, request_id)
    plan.source_uid = _required_text(item, "source_uid", errors, request_id)
    plan.source_name = _required_text(item, "source_name", errors, request_id)
    pipeline_id = int_field(item, "pipeline_id", errors, request_id, minimum=1)
    if pipeline_id is None and item.get("pipeline_id") is None:
        pipeline_id = stages.main
    if pipeline_id is not None:
        if pipeline_id not in stages.incoming:
            errors.add(request_id, "pipeline_id", f"Pipeline {pipeline_id} not found.", "NotFound")
        plan.pipeline_id = pipeline_id
    plan.created_at = int_field(item, "created_at", errors, request_id)
    plan.meta, plan.call_event = parse_metadata(category, item.get("metadata"), errors, request_id)
    embedded = item.get("_embedded")
    if embedded is not None and not isinstance(embedded, dict):
        errors.add(request_id, "_embedded", "This value should be of type object.", "InvalidType")
        embedded = None
    embedded = embedded or {}
    plan.lead = _one(embedded, "leads", errors, request_id) or {}
    if not plan.lead and isinstance(embedded.get("lead"), dict):  # older PHP library versions send one `lead`
        plan.lead = dict(embedded["lead"])
    plan.contact = _one(embedded, "contacts", errors, request_id)
    plan.company = _one(embedded, "companies", errors, request_id)
    return plan


async def _reject_duplicates(session: AsyncSession, category: str, plans: list[Plan], errors: Errors) -> None:
    """An item that repeats a still-new incoming lead of the same source (or an earlier item) fails."""
    keyed: list[tuple[Plan, tuple[Any, ...]]] = []
    for plan in plans:
        key = dedupe_key(category, plan.meta)
        if plan.source_uid and key is not None:
            keyed.append((plan, key))
    if not keyed:
        return
    waiting: dict[tuple[Any, ...], str] = {}
    rows = await session.execute(
        select(Unsorted.uid, Unsorted.source_uid, Unsorted.meta)
        .where(Unsorted.category == category, Unsorted.state == "new",
               Unsorted.source_uid.in_({plan.source_uid for plan, _ in keyed})))
    for uid, source_uid, meta in rows:
        key = dedupe_key(category, meta or {})
        if key is not None:
            waiting[(source_uid, *key)] = uid
    seen: dict[tuple[Any, ...], str] = {}
    for plan, key in keyed:
        full = (plan.source_uid, *key)
        if full in waiting:
            errors.add(plan.request_id, "metadata",
                       f"Duplicate: incoming lead {waiting[full]} from source '{plan.source_uid}' with "
                       f"{describe_key(key)} is still waiting in unsorted.", "Duplicate")
        elif full in seen:
            errors.add(plan.request_id, "metadata",
                       f"Duplicate of item {seen[full]} of this request ({describe_key(key)}).", "Duplicate")
        else:
            seen[full] = plan.request_id


def _identities(contact: dict[str, Any] | None, catalog: FieldCatalog) -> tuple[list[str], list[str]]:
    phones: list[str] = []
    emails: list[str] = []
    raw = contact.get("custom_fields_values") if contact else None
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        field_def = catalog.field(entry.get("field_id") or entry.get("field_code"))
        if field_def is None or field_def.code not in ("PHONE", "EMAIL"):
            continue
        for value in entry.get("values") or []:
            if isinstance(value, dict) and isinstance(value.get("value"), str | int):
                (phones if field_def.code == "PHONE" else emails).append(str(value["value"]))
    return phones, emails


async def _duplicates_of(session: AsyncSession, plans: list[Plan]) -> dict[int, list[int]]:
    """Existing (accepted, live) contacts sharing a phone or email with each item's contact."""
    catalog = await load_catalog(session, "contacts")
    country = catalog.country or "US"
    found: dict[int, list[int]] = {}
    for plan in plans:
        phones, emails = _identities(plan.contact, catalog)
        if plan.meta.get("phone"):
            phones.append(str(plan.meta["phone"]))
        if phones or emails:
            matches = await find_by_identity(session, phones=phones, emails=emails, country=country,
                                             entity_types=("contacts",))
            if matches:
                found[plan.index] = [entity_id for _, entity_id in matches]
    candidates = {entity_id for ids in found.values() for entity_id in ids}
    if not candidates:
        return {}
    sorted_ids = set(await session.scalars(select(Contact.id).where(Contact.id.in_(candidates),
                                                                    Contact.is_unsorted.is_(False))))
    return {index: sorted(i for i in ids if i in sorted_ids) for index, ids in found.items()}


async def _add_part(session: AsyncSession, principal: Principal, spec: EntitySpec, plans: list[Plan],
                    items: list[dict[str, Any]], prefix: str) -> dict[int, int]:
    """Add one kind of embedded object for these plans; errors name the item with a prefixed path."""
    if not items:
        return {}
    batch = [(str(plan.index), item) for plan, item in zip(plans, items, strict=True)]
    try:
        results = await entities.add(session, principal, spec, batch, options={"incoming": True})
    except ValidationFailed as failure:
        by_index = {str(plan.index): plan.request_id for plan in plans}
        raise ValidationFailed([
            ItemErrors(by_index.get(entry.request_id, entry.request_id),
                       [FieldError(e.code, f"{prefix}.{e.path}", e.detail) for e in entry.errors])
            for entry in failure.items
        ]) from None
    return {int(rid): row.id for rid, row in results}


def _with_embedded(item: dict[str, Any], links: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    result = dict(item)
    raw = item.get("_embedded")
    embedded = {k: v for k, v in raw.items() if k not in ("contacts", "companies")} if isinstance(raw, dict) else {}
    embedded.update(links)
    result["_embedded"] = embedded
    return result


async def add_incoming(session: AsyncSession, principal: Principal, category: str,
                       items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Unsorted]]:
    """Add a batch of incoming leads of one category; ``[(request_id, row)]`` in request order."""
    if not rights.may(principal, "leads", "add"):
        raise Forbidden("You may not add leads")
    stages = await StageMap.load(session)
    errors = Errors()
    plans = [_plan(category, index, rid, item, stages, errors) for index, (rid, item) in enumerate(items)]
    await _reject_duplicates(session, category, plans, errors)
    errors.raise_if_any()
    duplicates = await _duplicates_of(session, plans)

    with_company = [plan for plan in plans if plan.company is not None]
    company_ids = await _add_part(session, principal, COMPANY_SPEC, with_company,
                                  [plan.company for plan in with_company if plan.company is not None],
                                  "_embedded.companies.0")
    with_contact = [plan for plan in plans if plan.contact is not None]
    contact_ids = await _add_part(session, principal, CONTACT_SPEC, with_contact, [
        _with_embedded(plan.contact, {"companies": [{"id": company_ids[plan.index]}]}
                       if plan.index in company_ids else {})
        for plan in with_contact if plan.contact is not None
    ], "_embedded.contacts.0")
    leads = []
    for plan in plans:
        links: dict[str, list[dict[str, Any]]] = {}
        if plan.index in contact_ids:
            links["contacts"] = [{"id": contact_ids[plan.index], "is_main": True}]
        if plan.index in company_ids:
            links["companies"] = [{"id": company_ids[plan.index]}]
        lead = _with_embedded({k: v for k, v in plan.lead.items() if k != "status_id"}, links)
        lead["pipeline_id"] = plan.pipeline_id
        leads.append(lead)
    lead_ids = await _add_part(session, principal, LEAD_SPEC, plans, leads, "_embedded.leads.0")

    stamp = now()
    rows = []
    for plan in plans:
        row = Unsorted(uid=new_uid(), category=category, source_uid=plan.source_uid, source_name=plan.source_name,
                       pipeline_id=plan.pipeline_id, meta=plan.meta, lead_id=lead_ids[plan.index],
                       contact_id=contact_ids.get(plan.index), company_id=company_ids.get(plan.index), state="new",
                       duplicate_of=duplicates.get(plan.index, []), created_by=actor_id(principal),
                       created_at=plan.created_at if plan.created_at is not None else stamp, updated_at=stamp)
        session.add(row)
        rows.append(row)
    await session.flush()
    record_many(session, principal, [unsorted_change("unsorted_added", row) for row in rows])
    for plan, row in zip(plans, rows, strict=True):
        if plan.call_event and row.lead_id is not None:
            await add_call_note(session, principal, row.lead_id, "call_in", call_params(plan.meta))
    await session.flush()
    return [(plan.request_id, row) for plan, row in zip(plans, rows, strict=True)]


def unsorted_change(event: str, row: Unsorted, **extra: Any) -> Change:
    """Kanbo's own events for incoming leads, for the webhooks ``add_unsorted``/``delete_unsorted`` to come:
    ``unsorted_added``, ``unsorted_accepted``, ``unsorted_declined``, ``unsorted_linked``. They are recorded
    on the incoming lead's lead (so the event log links to a real card and its rights apply), with
    ``value_after: [{"unsorted": {uid, category, pipeline_id, …}}]``."""
    after = {"uid": row.uid, "category": row.category, "pipeline_id": row.pipeline_id, **extra}
    if row.lead_id is None:
        return Change(event, "unsorted", row.id, [], [{"unsorted": after}])
    return Change(event, "lead", row.lead_id, [], [{"unsorted": after}])


def call_params(meta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """``call_in``/``call_out`` note params from sip metadata."""
    params = {"uniq": meta.get("uniq"), "duration": meta.get("duration"), "source": meta.get("service_code"),
              "link": meta.get("link"), "phone": meta.get("phone"), "call_responsible": meta.get("call_responsible")}
    params.update(extra)
    return {key: value for key, value in params.items() if value is not None}


async def add_call_note(session: AsyncSession, principal: Principal, lead_id: int, note_type: str,
                        params: dict[str, Any], created_by: int | None = None) -> Any:
    return await add_note(session, principal, "leads", lead_id, note_type, params, check_rights=False,
                          created_by=created_by)


# Reading ---------------------------------------------------------------------------------------

def _shared_filters(principal: Principal, f: dict[str, Any]) -> list[ColumnElement[bool]]:
    """The filters every read shares, and the rights: an incoming lead is seen by whoever may see its
    lead (the leads view letter and the stage rights of its Incoming stage)."""
    clauses: list[ColumnElement[bool]] = [
        Unsorted.lead_id.in_(select(Lead.id).where(*rights.visible(principal, "leads")))]
    if f.get("uid") not in (None, ""):
        clauses.append(Unsorted.uid.in_(as_list(f["uid"], path="filter[uid]")))
    if f.get("pipeline_id") not in (None, ""):
        clauses.append(Unsorted.pipeline_id.in_(as_int_list(f["pipeline_id"], "filter[pipeline_id]")))
    return clauses


async def list_waiting(session: AsyncSession, principal: Principal, query: ListQuery) -> tuple[list[Unsorted], bool]:
    """One page of incoming leads still waiting (state ``new``): one query, ``limit + 1`` rows."""
    _require_view(principal)
    clauses = [Unsorted.state == "new", *_shared_filters(principal, query.filter)]
    if query.filter.get("category") not in (None, ""):
        categories = as_list(query.filter["category"], path="filter[category]")
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise BadRequest(f"filter[category]: unknown category '{unknown[0]}'; use {', '.join(CATEGORIES)}")
        clauses.append(Unsorted.category.in_(categories))
    order = [getattr(Unsorted, key).desc() if direction == "desc" else getattr(Unsorted, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(Unsorted.id.asc())
    statement = select(Unsorted).where(*clauses).order_by(*order).offset(query.offset).limit(query.limit + 1)
    rows = list(await session.scalars(statement))
    return rows[:query.limit], len(rows) > query.limit


async def get_waiting(session: AsyncSession, principal: Principal, uid: str) -> Unsorted | None:
    _require_view(principal)
    row: Unsorted | None = await session.scalar(select(Unsorted).where(
        Unsorted.uid == uid, Unsorted.state == "new", *_shared_filters(principal, {})))
    return row


async def summary_counts(session: AsyncSession, principal: Principal, f: dict[str, Any]
                         ) -> list[tuple[str, str, int, int]]:
    """(category, state, rows, seconds from arrival to decision) per group, in one query."""
    _require_view(principal)
    clauses = _shared_filters(principal, f)
    if "created_at" in f:
        bounds = as_range(f["created_at"], "filter[created_at]")
        if bounds.start is not None:
            clauses.append(Unsorted.created_at >= bounds.start)
        if bounds.end is not None:
            clauses.append(Unsorted.created_at <= bounds.end)
    waited = case((Unsorted.resolved_at.is_not(None), Unsorted.resolved_at - Unsorted.created_at), else_=0)
    rows = await session.execute(
        select(Unsorted.category, Unsorted.state, func.count(), func.coalesce(func.sum(waited), 0))
        .where(*clauses).group_by(Unsorted.category, Unsorted.state))
    return [(category, state, int(count), int(seconds)) for category, state, count, seconds in rows]


def _require_view(principal: Principal) -> None:
    if not rights.may(principal, "leads", "view"):
        raise Forbidden("You may not view leads")
