"""Leads (spec §5): stage, price, loss reason, contacts and company links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from kanbo.accounts import rights
from kanbo.core.errors import Forbidden
from kanbo.core.time import now
from kanbo.custom_fields.values import missing_required
from kanbo.entities.kinds import LEADS
from kanbo.entities.repository import bounds_clause
from kanbo.entities.spec import EntitySpec, ReadContext, WriteContext
from kanbo.entities.wire import link_item
from kanbo.events.service import Change
from kanbo.leads.lead_wire import LEAD_WIRE, LeadFilter, LeadIn
from kanbo.leads.loss_reasons_wire import render_loss_reason
from kanbo.leads.stages import StageMap, closed_at_after_move
from kanbo.models.entities import Company, Contact, Lead, LeadContact, LossReason


async def prepare(ctx: WriteContext, items: Sequence[LeadIn]) -> None:
    ctx.extra["stages"] = await StageMap.load(ctx.session)
    ctx.extra["loss_reasons"] = set(await ctx.session.scalars(select(LossReason.id)))


def parse_fields(ctx: WriteContext, item: LeadIn, request_id: str, row: Lead | None) -> dict[str, Any]:
    errors = ctx.errors
    values: dict[str, Any] = {}
    if item.name is not None:
        values["name"] = item.name
    if item.price is not None:
        values["price"] = item.price
    stages: StageMap = ctx.extra["stages"]
    current = (row.pipeline_id, row.status_id) if row is not None else None
    target = stages.resolve(item.pipeline_id, item.status_id, errors, request_id, current,
                            incoming=bool(ctx.extra.get("incoming")))
    if target is not None:
        pipeline_id, status_id = target
        if not rights.may_enter_stage(ctx.principal, pipeline_id, status_id):
            raise Forbidden(f"You may not move leads into stage {status_id}")
        values["pipeline_id"], values["status_id"] = pipeline_id, status_id
        values["closed_at"] = closed_at_after_move(row.status_id if row else None, status_id,
                                                   row.closed_at if row else None, item.closed_at, now())
    elif item.closed_at is not None and row is not None and row.status_id in (142, 143):
        values["closed_at"] = item.closed_at
    if item.given("loss_reason_id"):
        reason = item.loss_reason_id
        if reason is not None and reason not in ctx.extra["loss_reasons"]:
            errors.add(request_id, "loss_reason_id", f"Loss reason {reason} not found.", "NotFound")
        else:
            values["loss_reason_id"] = reason
    for key in ("score", "labor_cost"):
        number = getattr(item, key)
        if number is not None:
            values[key] = number
    if row is None:
        _embedded_links(ctx, item, request_id)
    return values


def _embedded_links(ctx: WriteContext, item: LeadIn, request_id: str) -> None:
    """Existing contacts and a company linked on create (``_embedded.contacts`` / ``companies``)."""
    embedded = item.embedded
    if embedded is None:
        return
    links = ctx.extra.setdefault("links", {})
    if embedded.contacts is not None:
        links.setdefault(request_id, {})["contacts"] = [
            (entry.id, bool(entry.is_main or entry.main_contact)) for entry in embedded.contacts]
    if embedded.companies:
        links.setdefault(request_id, {})["company"] = embedded.companies[0].id


async def after_write(ctx: WriteContext, rows: list[Lead], items: dict[int, LeadIn],
                      created: bool) -> list[Change]:
    changes = _required_fields(ctx, rows, items)
    links = ctx.extra.get("links") or {}
    if not created or not links:
        return changes
    request_ids: dict[int, str] = ctx.extra["request_ids"]
    contact_ids = {cid for spec in links.values() for cid, _ in spec.get("contacts", [])}
    company_ids = {spec["company"] for spec in links.values() if "company" in spec}
    # Only what the user may see can be linked: a hidden id is "not found", as in POST /leads/{id}/link.
    live_contacts = set(await ctx.session.scalars(
        select(Contact.id).where(Contact.id.in_(contact_ids), Contact.is_deleted.is_(False),
                                 *rights.visible(ctx.principal, "contacts")))) if contact_ids else set()
    live_companies = set(await ctx.session.scalars(
        select(Company.id).where(Company.id.in_(company_ids), Company.is_deleted.is_(False),
                                 *rights.visible(ctx.principal, "companies")))) if company_ids else set()
    stamp = now()
    for row in rows:
        request_id = request_ids[row.id]
        spec = links.get(request_id) or {}
        wanted = spec.get("contacts", [])
        explicit_main = any(is_main for _, is_main in wanted)
        for index, (contact_id, is_main) in enumerate(wanted):
            if contact_id not in live_contacts:
                ctx.errors.add(request_id, f"_embedded.contacts.{index}.id", f"Contact {contact_id} not found.",
                               "NotFound")
                continue
            main = is_main if explicit_main else index == 0
            ctx.session.add(LeadContact(lead_id=row.id, contact_id=contact_id, is_main=main, created_at=stamp))
            changes.append(_link_change(row.id, contact_id, "contact"))
        company_id = spec.get("company")
        if company_id is not None:
            if company_id not in live_companies:
                ctx.errors.add(request_id, "_embedded.companies.0.id", f"Company {company_id} not found.", "NotFound")
            else:
                row.company_id = company_id
                changes.append(_link_change(row.id, company_id, "company"))
    return changes


def _link_change(lead_id: int, other_id: int, other_type: str) -> Change:
    return Change("entity_linked", "lead", lead_id, [], [{"link": {"entity": {"id": other_id, "type": other_type}}}])


def _required_fields(ctx: WriteContext, rows: list[Lead], items: dict[int, LeadIn]) -> list[Change]:
    """Fields required in a stage must be filled when a lead moves into it."""
    request_ids: dict[int, str] = ctx.extra["request_ids"]
    for row in rows:
        item = items[row.id]
        if not item.given("status_id") and not item.given("pipeline_id"):
            continue
        for field in missing_required(ctx.catalog, row.custom_fields, row.pipeline_id, row.status_id):
            ctx.errors.add(request_ids[row.id], "custom_fields_values",
                           f"The field '{field.name}' ({field.id}) is required in stage {row.status_id}.",
                           "RequiredField")
    return []


def diff(row: Lead, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    changes = []
    if (before["pipeline_id"], before["status_id"]) != (after["pipeline_id"], after["status_id"]):
        changes.append(Change("lead_status_changed", "lead", row.id,
                              [{"lead_status": {"id": before["status_id"], "pipeline_id": before["pipeline_id"]}}],
                              [{"lead_status": {"id": after["status_id"], "pipeline_id": after["pipeline_id"]}}]))
    if before["price"] != after["price"]:
        changes.append(Change("sale_field_changed", "lead", row.id, [{"sale_field_value": {"sale": before["price"]}}],
                              [{"sale_field_value": {"sale": after["price"]}}]))
    if before["loss_reason_id"] != after["loss_reason_id"]:  # a Kanbo event key (Kommo has none)
        changes.append(Change("lead_loss_reason_changed", "lead", row.id,
                              [{"loss_reason": {"id": before["loss_reason_id"]}}] if before["loss_reason_id"] else [],
                              [{"loss_reason": {"id": after["loss_reason_id"]}}] if after["loss_reason_id"] else []))
    return changes


def extra_filters(filters: LeadFilter, model: Any) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for column, bounds in ((model.price, filters.price), (model.closed_at, filters.closed_at)):
        clause = bounds_clause(column, bounds)
        if clause is not None:
            clauses.append(clause)
    if filters.pipeline_id:
        clauses.append(model.pipeline_id.in_(filters.pipeline_id))
    if filters.status_id:  # ignored by Kommo; honoured here
        clauses.append(model.status_id.in_(filters.status_id))
    if filters.statuses:
        clauses.append(or_(*[
            model.status_id == pair.status_id if pair.pipeline_id is None
            else and_(model.pipeline_id == pair.pipeline_id, model.status_id == pair.status_id)
            for pair in filters.statuses]))
    return clauses


async def preload(read: ReadContext, rows: list[Lead]) -> None:
    ids = [row.id for row in rows]
    if "contacts" in read.with_:
        contacts: dict[int, list[tuple[int, bool]]] = {}
        for lead_id, contact_id, is_main in await read.session.execute(
            select(LeadContact.lead_id, LeadContact.contact_id, LeadContact.is_main)
            .where(LeadContact.lead_id.in_(ids)).order_by(LeadContact.is_main.desc(), LeadContact.contact_id)
        ):
            contacts.setdefault(lead_id, []).append((contact_id, is_main))
        read.extra["contacts"] = contacts
    if "loss_reason" in read.with_:
        reason_ids = {row.loss_reason_id for row in rows if row.loss_reason_id}
        reasons: Any = await read.session.scalars(select(LossReason).where(LossReason.id.in_(reason_ids))) \
            if reason_ids else []
        read.extra["loss_reasons"] = {reason.id: reason for reason in reasons}


def render_extra(read: ReadContext, row: Lead, body: dict[str, Any]) -> None:
    leading: dict[str, Any] = {"price": row.price}
    body["_leading"] = leading
    body.update({"status_id": row.status_id, "pipeline_id": row.pipeline_id, "loss_reason_id": row.loss_reason_id,
                 "closed_at": row.closed_at, "score": row.score, "labor_cost": row.labor_cost})
    if row.is_unsorted:
        body["is_unsorted"] = True
    if "source_id" in read.with_:
        body["source_id"] = row.source_id
    if "is_price_modified_by_robot" in read.with_:
        body["is_price_modified_by_robot"] = False
    embedded: dict[str, Any] = {
        "companies": [link_item(read, "companies", row.company_id)] if row.company_id else [],
    }
    if "contacts" in read.with_:
        embedded["contacts"] = [link_item(read, "contacts", cid, is_main=main)
                                for cid, main in read.extra["contacts"].get(row.id, [])]
    if "loss_reason" in read.with_:
        reason = read.extra["loss_reasons"].get(row.loss_reason_id)
        embedded["loss_reason"] = [render_loss_reason(read.request, reason)] if reason else []
    if "catalog_elements" in read.with_:
        embedded["catalog_elements"] = []
    if "source" in read.with_ and row.source_id is not None:
        embedded["source"] = {"id": row.source_id, "name": ""}
    body["_embedded"] = embedded


LEAD_SPEC = EntitySpec(
    kind=LEADS, wire=LEAD_WIRE, parse_fields=parse_fields, render_extra=render_extra, prepare=prepare, preload=preload,
    after_write=after_write, extra_filters=extra_filters, diff=diff,
    tracked=("name", "responsible_user_id", "pipeline_id", "status_id", "price", "loss_reason_id"),
)
