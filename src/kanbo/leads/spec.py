"""Leads (spec §5): stage, price, loss reason, contacts and company links."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest, Errors, Forbidden
from kanbo.core.time import now
from kanbo.custom_fields.values import missing_required
from kanbo.entities.fields import int_field, text_field
from kanbo.entities.kinds import LEADS
from kanbo.entities.repository import range_clause
from kanbo.entities.spec import EntitySpec, ReadContext, WriteContext
from kanbo.entities.wire import link_item
from kanbo.events.service import Change
from kanbo.http.query import ListQuery, as_int_list, as_range, to_int
from kanbo.leads.loss_reasons_wire import render_loss_reason
from kanbo.leads.stages import StageMap, closed_at_after_move
from kanbo.models.entities import Company, Contact, Lead, LeadContact, LossReason


async def prepare(ctx: WriteContext, items: list[tuple[str, dict[str, Any]]]) -> None:
    ctx.extra["stages"] = await StageMap.load(ctx.session)
    ctx.extra["loss_reasons"] = set(await ctx.session.scalars(select(LossReason.id)))


def _price(item: dict[str, Any], errors: Errors, request_id: str) -> int | None:
    if "price" not in item or item["price"] is None:
        return None
    value = item["price"]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        errors.add(request_id, "price", "This value should be of type int.", "InvalidType")
        return None
    try:
        number = float(value)
    except ValueError:
        errors.add(request_id, "price", "This value should be of type int.", "InvalidType")
        return None
    if number < 0 or number > 2**53:
        errors.add(request_id, "price", "The price must be between 0 and 2^53.", "InvalidValue")
        return None
    return round(number)


def parse_fields(ctx: WriteContext, item: dict[str, Any], request_id: str, row: Lead | None) -> dict[str, Any]:
    errors = ctx.errors
    values: dict[str, Any] = {}
    name = text_field(item, "name", errors, request_id)
    if name is not None:
        values["name"] = name
    price = _price(item, errors, request_id)
    if price is not None:
        values["price"] = price
    stages: StageMap = ctx.extra["stages"]
    current = (row.pipeline_id, row.status_id) if row is not None else None
    target = stages.resolve(item, errors, request_id, current, incoming=bool(ctx.extra.get("incoming")))
    requested_closed = int_field(item, "closed_at", errors, request_id)
    if target is not None:
        pipeline_id, status_id = target
        if not rights.may_enter_stage(ctx.principal, pipeline_id, status_id):
            raise Forbidden(f"You may not move leads into stage {status_id}")
        values["pipeline_id"], values["status_id"] = pipeline_id, status_id
        values["closed_at"] = closed_at_after_move(row.status_id if row else None, status_id,
                                                   row.closed_at if row else None, requested_closed, now())
    elif requested_closed is not None and row is not None and row.status_id in (142, 143):
        values["closed_at"] = requested_closed
    if "loss_reason_id" in item:
        reason = int_field(item, "loss_reason_id", errors, request_id, minimum=1)
        if reason is not None and reason not in ctx.extra["loss_reasons"]:
            errors.add(request_id, "loss_reason_id", f"Loss reason {reason} not found.", "NotFound")
        elif item["loss_reason_id"] is None or reason is not None:
            values["loss_reason_id"] = reason
    for key in ("score", "labor_cost"):
        number = int_field(item, key, errors, request_id)
        if number is not None:
            values[key] = number
    if row is None:
        _embedded_links(ctx, item, request_id)
    return values


def _embedded_links(ctx: WriteContext, item: dict[str, Any], request_id: str) -> None:
    """Existing contacts and a company linked on create (``_embedded.contacts`` / ``companies``)."""
    embedded = item.get("_embedded")
    if not isinstance(embedded, dict):
        return
    links = ctx.extra.setdefault("links", {})
    contacts = embedded.get("contacts")
    if isinstance(contacts, list):
        wanted = []
        for index, entry in enumerate(contacts):
            contact_id = int_field(entry, "id", ctx.errors, request_id, path=f"_embedded.contacts.{index}.id",
                                   minimum=1) if isinstance(entry, dict) else None
            if contact_id is not None:
                wanted.append((contact_id, bool(entry.get("is_main") or entry.get("main_contact"))))
        links.setdefault(request_id, {})["contacts"] = wanted
    companies = embedded.get("companies")
    if isinstance(companies, list) and companies:
        if len(companies) > 1 or not isinstance(companies[0], dict):
            ctx.errors.add(request_id, "_embedded.companies", "A lead has at most one company.", "InvalidValue")
        else:
            company_id = int_field(companies[0], "id", ctx.errors, request_id, path="_embedded.companies.0.id",
                                   minimum=1)
            if company_id is not None:
                links.setdefault(request_id, {})["company"] = company_id


async def after_write(ctx: WriteContext, rows: list[Lead], items: dict[int, dict[str, Any]],
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


def _required_fields(ctx: WriteContext, rows: list[Lead], items: dict[int, dict[str, Any]]) -> list[Change]:
    """Fields required in a stage must be filled when a lead moves into it."""
    request_ids: dict[int, str] = ctx.extra["request_ids"]
    for row in rows:
        item = items[row.id]
        if "status_id" not in item and "pipeline_id" not in item:
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


def extra_filters(query: ListQuery, model: Any) -> list[ColumnElement[bool]]:
    f = query.filter
    clauses: list[ColumnElement[bool]] = []
    if f.get("price") not in (None, ""):
        clause = range_clause(model.price, f["price"], "filter[price]")
        if clause is not None:
            clauses.append(clause)
    if f.get("pipeline_id") not in (None, ""):
        clauses.append(model.pipeline_id.in_(as_int_list(f["pipeline_id"], "filter[pipeline_id]")))
    if f.get("status_id") not in (None, ""):  # ignored by Kommo; honoured here
        clauses.append(model.status_id.in_(as_int_list(f["status_id"], "filter[status_id]")))
    if f.get("statuses") not in (None, ""):
        clauses.append(_statuses_clause(model, f["statuses"]))
    if "closed_at" in f:
        bounds = as_range(f["closed_at"], "filter[closed_at]")
        parts = [model.closed_at >= bounds.start] if bounds.start is not None else []
        parts += [model.closed_at <= bounds.end] if bounds.end is not None else []
        if parts:
            clauses.append(and_(*parts))
    return clauses


def _statuses_clause(model: Any, raw: Any) -> ColumnElement[bool]:
    entries = raw if isinstance(raw, list) else [raw]
    pairs = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "status_id" not in entry:
            raise BadRequest(f"filter[statuses][{index}] needs pipeline_id and status_id")
        status_id = to_int(entry["status_id"], f"filter[statuses][{index}][status_id]")
        if entry.get("pipeline_id") in (None, ""):
            pairs.append(model.status_id == status_id)
        else:
            pipeline_id = to_int(entry["pipeline_id"], f"filter[statuses][{index}][pipeline_id]")
            pairs.append(and_(model.pipeline_id == pipeline_id, model.status_id == status_id))
    return or_(*pairs)


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
    kind=LEADS, parse_fields=parse_fields, render_extra=render_extra, prepare=prepare, preload=preload,
    after_write=after_write, extra_filters=extra_filters, diff=diff,
    tracked=("name", "responsible_user_id", "pipeline_id", "status_id", "price", "loss_reason_id"),
)
