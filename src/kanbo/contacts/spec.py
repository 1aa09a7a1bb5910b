"""Contacts (spec §6.2): first/last name, at most one company, leads through links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from kanbo.accounts import rights
from kanbo.contacts.contact_wire import CONTACT_WIRE, ContactIn
from kanbo.entities.kinds import CONTACTS
from kanbo.entities.spec import EntitySpec, ReadContext, WriteContext
from kanbo.entities.wire import link_item
from kanbo.events.service import Change
from kanbo.models.entities import Company, Contact, LeadContact


def full_name(first: str, last: str) -> str:
    """``first last``, cut to the 255 characters a name holds."""
    return " ".join(part for part in (first, last) if part)[:255].rstrip()


def parse_fields(ctx: WriteContext, item: ContactIn, request_id: str, row: Contact | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("name", "first_name", "last_name"):
        text = getattr(item, key)
        if text is not None:
            values[key] = text
    if "name" not in values and ("first_name" in values or "last_name" in values):
        first = values.get("first_name", row.first_name if row else "")
        last = values.get("last_name", row.last_name if row else "")
        values["name"] = full_name(first, last)
    if row is None:
        company_id = _embedded_company(item, ctx, request_id)
        if company_id is not None:
            values["company_id"] = company_id
    return values


def _company_ids(item: ContactIn) -> list[int]:
    companies = item.embedded.companies if item.embedded is not None else None
    return [entry.id for entry in companies or []]


def _embedded_company(item: ContactIn, ctx: WriteContext, request_id: str) -> int | None:
    """The company linked on create (``_embedded.companies``, at most one): it must exist."""
    for company_id in _company_ids(item):
        if company_id not in ctx.extra["companies"]:
            ctx.errors.add(request_id, "_embedded.companies.0.id", f"Company {company_id} not found.", "NotFound")
            return None
        return company_id
    return None


async def prepare(ctx: WriteContext, items: Sequence[ContactIn]) -> None:
    """Load the companies that items link to, so a missing one is a validation error before any write."""
    wanted = {company_id for item in items for company_id in _company_ids(item)}
    ctx.extra["companies"] = set(await ctx.session.scalars(
        select(Company.id).where(Company.id.in_(wanted), Company.is_deleted.is_(False),
                                 *rights.visible(ctx.principal, "companies")))) if wanted else set()


async def after_write(ctx: WriteContext, rows: list[Contact], items: dict[int, ContactIn],
                      created: bool) -> list[Change]:
    if not created:
        return []
    changes = []
    for row in rows:
        if row.company_id is None:
            continue
        changes.append(Change("entity_linked", "contact", row.id, [],
                              [{"link": {"entity": {"id": row.company_id, "type": "company"}}}]))
    return changes


async def preload(read: ReadContext, rows: list[Contact]) -> None:
    if "leads" in read.with_:
        links = await read.session.execute(
            select(LeadContact.contact_id, LeadContact.lead_id).where(LeadContact.contact_id.in_([r.id for r in rows]))
            .order_by(LeadContact.lead_id))
        leads: dict[int, list[int]] = {}
        for contact_id, lead_id in links:
            leads.setdefault(contact_id, []).append(lead_id)
        read.extra["leads"] = leads


def render_extra(read: ReadContext, row: Contact, body: dict[str, Any]) -> None:
    body["_leading"] = {"first_name": row.first_name, "last_name": row.last_name}
    body["is_unsorted"] = row.is_unsorted
    embedded: dict[str, Any] = {
        "companies": [link_item(read, "companies", row.company_id)] if row.company_id else [],
    }
    if "leads" in read.with_:
        embedded["leads"] = [link_item(read, "leads", lead_id) for lead_id in read.extra["leads"].get(row.id, [])]
    if "customers" in read.with_:
        embedded["customers"] = []
    if "catalog_elements" in read.with_:
        embedded["catalog_elements"] = []
    if "social_profiles" in read.with_:
        embedded["social_profiles"] = []
    body["_embedded"] = embedded


CONTACT_SPEC = EntitySpec(kind=CONTACTS, wire=CONTACT_WIRE, parse_fields=parse_fields, render_extra=render_extra,
                          prepare=prepare, preload=preload, after_write=after_write)
