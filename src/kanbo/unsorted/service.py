"""Adding incoming leads (spec §8.3): the unsorted row with its new lead, contact and company.

A batch is atomic like every entity batch: every item is validated (source, pipeline, metadata, the
embedded objects, duplicates still waiting in unsorted) before anything is written; the lead, contact
and company are then added through :func:`kanbo.entities.service.add` with ``incoming`` (the lead in
its pipeline's Incoming stage, all three ``is_unsorted``), in the request's transaction.
Accepting, declining and linking live in :mod:`kanbo.unsorted.actions`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.companies.company_wire import CompanyIn
from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.contact_wire import ContactEmbeddedIn, ContactIn
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import Errors, FieldError, Forbidden, ItemErrors, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.values import FieldCatalog, find_by_identity, load_catalog
from kanbo.entities import service as entities
from kanbo.entities.spec import EntitySpec
from kanbo.entities.wire import EntityEmbeddedIn, EntityIn, EntityRefIn
from kanbo.events.service import Change, actor_id, record_many
from kanbo.http.query import ListQuery
from kanbo.http.wire import field_errors
from kanbo.leads.lead_wire import LeadContactIn, LeadEmbeddedIn, LeadIn
from kanbo.leads.spec import LEAD_SPEC
from kanbo.leads.stages import StageMap
from kanbo.models.activity import Unsorted
from kanbo.models.entities import Contact, Lead
from kanbo.notes.service import add_note
from kanbo.unsorted.metadata import dedupe_key, describe_key
from kanbo.unsorted.wire import ITEMS, IncomingIn, UnsortedFilter, UnsortedSummaryFilter

WRITABLE = tuple(ITEMS)


@dataclass
class Plan:
    """One item of the batch, with what the database still has to confirm."""

    index: int
    request_id: str
    source_uid: str
    source_name: str
    pipeline_id: int
    created_at: int | None
    meta: dict[str, Any]
    call_event: bool
    lead: LeadIn
    contact: ContactIn | None
    company: CompanyIn | None


def new_uid() -> str:
    return secrets.token_hex(16)


def require_adding(principal: Principal) -> None:
    """Adding incoming leads is adding leads."""
    if not rights.may(principal, "leads", "add"):
        raise Forbidden("You may not add leads")


def _plan(index: int, item: IncomingIn, stages: StageMap, errors: Errors) -> Plan:
    request_id = item.request_id or str(index)
    pipeline_id = item.pipeline_id if item.pipeline_id is not None else stages.main
    if pipeline_id is None or pipeline_id not in stages.incoming:
        errors.add(request_id, "pipeline_id", f"Pipeline {pipeline_id} not found.", "NotFound")
    return Plan(index, request_id, item.source_uid, item.source_name, pipeline_id or 0, item.created_at,
                item.metadata.stored(), item.metadata.call_event, item.lead(), item.contact(), item.company())


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


def identities(contact: ContactIn | None, catalog: FieldCatalog) -> tuple[list[str], list[str]]:
    """The phones and emails of a contact body (``field_id`` or ``field_code`` of PHONE and EMAIL)."""
    phones: list[str] = []
    emails: list[str] = []
    for entry in (contact.custom_fields_values if contact else None) or []:
        field_def = catalog.field(entry.field_id or entry.field_code)
        if field_def is None or field_def.code not in ("PHONE", "EMAIL"):
            continue
        for value in entry.values or []:
            if isinstance(value, dict) and isinstance(value.get("value"), str | int):
                (phones if field_def.code == "PHONE" else emails).append(str(value["value"]))
    return phones, emails


async def _duplicates_of(session: AsyncSession, plans: list[Plan]) -> dict[int, list[int]]:
    """Existing (accepted, live) contacts sharing a phone or email with each item's contact."""
    catalog = await load_catalog(session, "contacts")
    country = catalog.country or "US"
    found: dict[int, list[int]] = {}
    for plan in plans:
        phones, emails = identities(plan.contact, catalog)
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


def prefixed(failure: ValidationFailed, prefix: str, request_ids: dict[str, str] | None = None,
             ) -> ValidationFailed:
    """The errors of a sub-batch reported on the items that carried it: ``prefix.`` before each path,
    request ids translated by ``request_ids``."""
    return renamed(failure, lambda path: f"{prefix}.{path}", request_ids)


def renamed(failure: ValidationFailed, path: Callable[[str], str], request_ids: dict[str, str] | None = None,
            ) -> ValidationFailed:
    names = request_ids or {}
    return ValidationFailed([
        ItemErrors(names.get(entry.request_id, entry.request_id),
                   [FieldError(e.code, path(e.path), e.detail) for e in entry.errors])
        for entry in failure.items
    ], failure.detail)


async def _add_part(session: AsyncSession, principal: Principal, spec: EntitySpec, plans: list[Plan],
                    items: Sequence[EntityIn], prefix: str) -> dict[int, int]:
    """Add one kind of embedded object for these plans (each item's ``request_id`` is its plan's index);
    errors name the plan's item with a prefixed path."""
    if not items:
        return {}
    try:
        results = await entities.add(session, principal, spec, items, options={"incoming": True})
    except ValidationFailed as failure:
        raise prefixed(failure, prefix, {str(plan.index): plan.request_id for plan in plans}) from None
    return {int(rid): row.id for rid, row in results}


def _tags(embedded: EntityEmbeddedIn | None) -> dict[str, Any]:
    return {"tags": embedded.tags} if embedded is not None and "tags" in embedded.model_fields_set else {}


def contact_item(contact: ContactIn, request_id: str, company_id: int | None) -> ContactIn:
    """The contact as an item of its own batch, linked to its new company when it has one."""
    if company_id is None:
        return contact.model_copy(update={"request_id": request_id})
    embedded = ContactEmbeddedIn(**_tags(contact.embedded), companies=[EntityRefIn(id=company_id)])
    return contact.model_copy(update={"request_id": request_id, "embedded": embedded})


def lead_item(lead: LeadIn, request_id: str, contact_id: int | None, company_id: int | None,
              **update: Any) -> LeadIn:
    """The lead as an item of its own batch, linked to its contact (the main one) and company, and to
    no others: its own ``_embedded`` keeps only its tags."""
    links: dict[str, Any] = {}
    if contact_id is not None:
        links["contacts"] = [LeadContactIn(id=contact_id, is_main=True)]
    if company_id is not None:
        links["companies"] = [EntityRefIn(id=company_id)]
    embedded = LeadEmbeddedIn(**_tags(lead.embedded), **links)
    return lead.model_copy(update={"request_id": request_id, "embedded": embedded, **update})


def parse_items(category: str, items: Sequence[tuple[str, dict[str, Any]]]) -> list[IncomingIn]:
    """Bodies of incoming leads held as plain objects (by calls, by complex add) as the category's model;
    every failing item is named in one 400."""
    model = ITEMS[category]
    parsed: list[IncomingIn] = []
    failed: list[ItemErrors] = []
    for request_id, data in items:
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            failed.append(ItemErrors(request_id, field_errors(exc.errors(include_url=False))))
            continue
        item.request_id = request_id
        parsed.append(item)
    if failed:
        raise ValidationFailed(failed)
    return parsed


async def add_incoming(session: AsyncSession, principal: Principal, category: str,
                       items: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, Unsorted]]:
    """:func:`add_items` for bodies held as plain objects."""
    require_adding(principal)
    return await add_items(session, principal, category, parse_items(category, items))


async def add_items(session: AsyncSession, principal: Principal, category: str, items: Sequence[IncomingIn],
                    errors: Errors | None = None) -> list[tuple[str, Unsorted]]:
    """Add a batch of incoming leads of one category; ``[(request_id, row)]`` in request order.
    ``errors``: those of the request's malformed items, reported with the others in one 400."""
    require_adding(principal)
    stages = await StageMap.load(session)
    errors = errors if errors is not None else Errors()
    plans = [_plan(index, item, stages, errors) for index, item in enumerate(items)]
    await _reject_duplicates(session, category, plans, errors)
    errors.raise_if_any()
    duplicates = await _duplicates_of(session, plans)

    with_company = [plan for plan in plans if plan.company is not None]
    company_ids = await _add_part(session, principal, COMPANY_SPEC, with_company, [
        plan.company.model_copy(update={"request_id": str(plan.index)})
        for plan in with_company if plan.company is not None], "_embedded.companies.0")
    with_contact = [plan for plan in plans if plan.contact is not None]
    contact_ids = await _add_part(session, principal, CONTACT_SPEC, with_contact, [
        contact_item(plan.contact, str(plan.index), company_ids.get(plan.index))
        for plan in with_contact if plan.contact is not None], "_embedded.contacts.0")
    leads = [lead_item(plan.lead, str(plan.index), contact_ids.get(plan.index), company_ids.get(plan.index),
                       pipeline_id=plan.pipeline_id, status_id=None) for plan in plans]
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

def _shared_filters(principal: Principal, uids: list[str], pipeline_ids: list[int]) -> list[ColumnElement[bool]]:
    """The filters every read shares, and the rights: an incoming lead is seen by whoever may see its
    lead (the leads view letter and the stage rights of its Incoming stage)."""
    clauses: list[ColumnElement[bool]] = [
        Unsorted.lead_id.in_(select(Lead.id).where(*rights.visible(principal, "leads")))]
    if uids:
        clauses.append(Unsorted.uid.in_(uids))
    if pipeline_ids:
        clauses.append(Unsorted.pipeline_id.in_(pipeline_ids))
    return clauses


async def list_waiting(session: AsyncSession, principal: Principal, query: ListQuery, f: UnsortedFilter,
                       ) -> tuple[list[Unsorted], bool]:
    """One page of incoming leads still waiting (state ``new``): one query, ``limit + 1`` rows."""
    require_viewing(principal)
    clauses = [Unsorted.state == "new", *_shared_filters(principal, f.uid, f.pipeline_id)]
    if f.category:
        clauses.append(Unsorted.category.in_(f.category))
    if f.lead_id:
        clauses.append(Unsorted.lead_id.in_(f.lead_id))
    order = [getattr(Unsorted, key).desc() if direction == "desc" else getattr(Unsorted, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(Unsorted.id.asc())
    statement = select(Unsorted).where(*clauses).order_by(*order).offset(query.offset).limit(query.limit + 1)
    rows = list(await session.scalars(statement))
    return rows[:query.limit], len(rows) > query.limit


async def get_waiting(session: AsyncSession, principal: Principal, uid: str) -> Unsorted | None:
    require_viewing(principal)
    row: Unsorted | None = await session.scalar(select(Unsorted).where(
        Unsorted.uid == uid, Unsorted.state == "new", *_shared_filters(principal, [], [])))
    return row


async def summary_counts(session: AsyncSession, principal: Principal, f: UnsortedSummaryFilter,
                         ) -> list[tuple[str, str, int, int]]:
    """(category, state, rows, seconds from arrival to decision) per group, in one query."""
    require_viewing(principal)
    clauses = _shared_filters(principal, f.uid, f.pipeline_id)
    if f.created_at.from_ is not None:
        clauses.append(Unsorted.created_at >= f.created_at.from_)
    if f.created_at.to is not None:
        clauses.append(Unsorted.created_at <= f.created_at.to)
    waited = case((Unsorted.resolved_at.is_not(None), Unsorted.resolved_at - Unsorted.created_at), else_=0)
    rows = await session.execute(
        select(Unsorted.category, Unsorted.state, func.count(), func.coalesce(func.sum(waited), 0))
        .where(*clauses).group_by(Unsorted.category, Unsorted.state))
    return [(category, state, int(count), int(seconds)) for category, state, count, seconds in rows]


def require_viewing(principal: Principal) -> None:
    if not rights.may(principal, "leads", "view"):
        raise Forbidden("You may not view leads")
