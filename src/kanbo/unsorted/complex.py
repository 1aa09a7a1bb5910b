"""Complex add (spec §5.6): leads with one new contact and one new company each.

Duplicate control (``?duplicate_control=true``, a Kanbo switch for what Kommo enables per integration):
a contact whose phone or email already belongs to a contact is linked instead of created, and the
answer says ``merged: true``.

A lead with ``_embedded.metadata`` (``category`` ``forms`` or ``sip`` plus that category's metadata)
becomes an incoming lead instead (spec §5.6): it is added through the incoming-leads service. That is
why this leads endpoint lives in ``unsorted``: it uses the entities below it and the incoming leads
beside it, and the entities layer may not reach up into activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import BadRequest, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import find_by_identity, load_catalog
from kanbo.entities import service as entities
from kanbo.entities.spec import EntitySpec
from kanbo.entities.wire import EntityIn
from kanbo.leads.spec import LEAD_SPEC
from kanbo.unsorted.complex_wire import ComplexContactIn, ComplexLeadIn, ComplexMetadata
from kanbo.unsorted.service import add_incoming, contact_item, identities, lead_item, prefixed, renamed


@dataclass(frozen=True)
class Added:
    """One lead of the answer."""

    request_id: str
    lead_id: int
    contact_id: int | None
    company_id: int | None
    merged: bool = False


async def _add_prefixed(session: AsyncSession, principal: Principal, spec: EntitySpec, items: Sequence[EntityIn],
                        prefix: str) -> dict[str, int]:
    """Add a sub-batch (each item's ``request_id`` its lead's); its validation errors are reported on the
    lead item with the path prefixed."""
    if not items:
        return {}
    try:
        results = await entities.add(session, principal, spec, items)
    except ValidationFailed as failure:
        raise prefixed(failure, prefix) from None
    return {rid: row.id for rid, row in results}


def _as_incoming(item: ComplexLeadIn, metadata: ComplexMetadata) -> dict[str, Any]:
    """A complex-add lead with metadata → the body of an incoming lead of its category (its lead,
    contact and company as they were validated)."""
    keys = metadata.keys()
    return {
        "source_uid": metadata.source_uid or "complex",
        "source_name": metadata.source_name or str(keys.get("form_name") or "API"),
        "pipeline_id": item.pipeline_id,
        "metadata": keys,
        "_embedded": {"leads": [lead_item(item, item.request_id or "0", None, None)],
                      "contacts": item.embedded.contacts, "companies": item.embedded.companies},
    }


def _complex_path(path: str) -> str:
    """Error paths of the incoming-lead body, named as the client sent them."""
    for prefix, replacement in (("_embedded.leads.0.", ""), ("metadata.", "_embedded.metadata."),
                                ("metadata", "_embedded.metadata")):
        if path.startswith(prefix):
            return replacement + path[len(prefix):]
    return path


async def _incoming(session: AsyncSession, principal: Principal, items: list[ComplexLeadIn]) -> list[Added]:
    by_category: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for item in items:
        metadata = item.embedded.metadata
        assert metadata is not None
        by_category.setdefault(metadata.category, []).append((item.request_id or "0", _as_incoming(item, metadata)))
    rows: dict[str, Any] = {}
    for category, batch in by_category.items():
        try:
            added = await add_incoming(session, principal, category, batch)
        except ValidationFailed as failure:
            raise renamed(failure, _complex_path) from None
        rows.update(added)
    return [Added(rid, rows[rid].lead_id, rows[rid].contact_id, rows[rid].company_id)
            for rid in (item.request_id or "0" for item in items)]


async def _merge_targets(session: AsyncSession, contacts: dict[str, ComplexContactIn]) -> dict[str, int]:
    """Duplicate control: the existing contact each new contact's phone or email names."""
    catalog = await load_catalog(session, "contacts")
    merged: dict[str, int] = {}
    for request_id, contact in contacts.items():
        phones, emails = identities(contact, catalog)
        if not phones and not emails:
            continue
        found = await find_by_identity(session, phones=phones, emails=emails, country=catalog.country or "US",
                                       entity_types=("contacts",))
        if found:
            merged[request_id] = found[0][1]
    return merged


async def add_complex(session: AsyncSession, principal: Principal, items: list[ComplexLeadIn], *,
                      dedupe: bool = False) -> list[Added]:
    """Add the leads with their new (or named) contact and company, atomically; incoming leads when
    they carry metadata (all of the request, or none)."""
    incoming = [item for item in items if item.embedded.metadata is not None]
    if incoming:
        if len(incoming) != len(items):
            raise BadRequest("Send leads with _embedded.metadata (incoming leads) and ordinary leads in "
                             "separate complex requests")
        return await _incoming(session, principal, incoming)
    companies: list[EntityIn] = []
    contacts: dict[str, ComplexContactIn] = {}
    # ``{"id": …}`` names an existing contact or company: it is linked (the lead service checks that it
    # exists and that the user may see it: a 400 at ``_embedded.contacts.0.id`` otherwise), never created.
    existing: dict[str, dict[str, int]] = {"contacts": {}, "companies": {}}
    for item in items:
        request_id = item.request_id or "0"
        company = item.company()
        if company is not None and company.id is not None:
            existing["companies"][request_id] = company.id
        elif company is not None:
            companies.append(company.model_copy(update={"request_id": request_id}))
        contact = item.contact()
        if contact is not None and contact.id is not None:
            existing["contacts"][request_id] = contact.id
        elif contact is not None:
            contacts[request_id] = contact
    company_ids = await _add_prefixed(session, principal, COMPANY_SPEC, companies, "_embedded.companies.0") \
        | existing["companies"]

    merged = await _merge_targets(session, contacts) if dedupe and contacts else {}
    new_contacts = [contact_item(contact, request_id, company_ids.get(request_id)
                                 if request_id not in existing["companies"] else None)
                    for request_id, contact in contacts.items() if request_id not in merged]
    contact_ids = await _add_prefixed(session, principal, CONTACT_SPEC, new_contacts, "_embedded.contacts.0") \
        | merged | existing["contacts"]

    leads = [lead_item(item, rid, contact_ids.get(rid), company_ids.get(rid))
             for item, rid in ((item, item.request_id or "0") for item in items)]
    results = await entities.add(session, principal, LEAD_SPEC, leads)
    return [Added(rid, row.id, contact_ids.get(rid), company_ids.get(rid), rid in merged) for rid, row in results]
