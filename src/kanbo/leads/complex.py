"""``POST /api/v4/leads/complex`` (spec §5.6): leads with one new contact and one new company each.

Duplicate control (``?duplicate_control=true``, a Kanbo switch for what Kommo enables per integration):
a contact whose phone or email already belongs to a contact is linked instead of created, and the
answer says ``merged: true``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import BadRequest, FieldError, ItemErrors, Unprocessable, ValidationFailed
from kanbo.custom_fields.values import find_by_identity, load_catalog
from kanbo.entities import service
from kanbo.entities.spec import EntitySpec
from kanbo.http.body import read_batch
from kanbo.http.query import parse_query_string
from kanbo.http.responses import HalResponse
from kanbo.http.route import Ctx, TxRoute, api_context
from kanbo.leads.spec import LEAD_SPEC
from kanbo.models.accounts import Account

router = APIRouter(route_class=TxRoute)
MAX_COMPLEX = 50


def _single(item: dict[str, Any], key: str, request_id: str) -> dict[str, Any] | None:
    embedded = item.get("_embedded")
    value = embedded.get(key) if isinstance(embedded, dict) else None
    if value in (None, []):
        return None
    if isinstance(value, dict):
        return value
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
        raise ValidationFailed([ItemErrors(request_id, [FieldError(
            "InvalidValue", f"_embedded.{key}", f"Complex add takes exactly one {key[:-1]} object per lead.")])])
    return dict(value[0])


async def _add_prefixed(ctx: Ctx, spec: EntitySpec, items: list[tuple[str, dict[str, Any]]],
                        prefix: str) -> dict[str, int]:
    """Add a sub-batch; its validation errors are reported on the lead item with the path prefixed."""
    if not items:
        return {}
    try:
        results = await service.add(ctx.session, ctx.principal, spec, items)
    except ValidationFailed as failure:
        raise ValidationFailed([
            ItemErrors(entry.request_id, [FieldError(e.code, f"{prefix}.{e.path}", e.detail) for e in entry.errors])
            for entry in failure.items
        ]) from None
    return {rid: row.id for rid, row in results}


def _identities(contact: dict[str, Any], catalog: Any) -> tuple[list[str], list[str]]:
    phones: list[str] = []
    emails: list[str] = []
    for entry in contact.get("custom_fields_values") or []:
        if not isinstance(entry, dict):
            continue
        field = catalog.fields.get(entry.get("field_id")) if entry.get("field_id") else \
            catalog.by_code.get(str(entry.get("field_code") or ""))
        if field is None or field.code not in ("PHONE", "EMAIL"):
            continue
        for value in entry.get("values") or []:
            if isinstance(value, dict) and isinstance(value.get("value"), str):
                (phones if field.code == "PHONE" else emails).append(value["value"])
    return phones, emails


@router.post("/api/v4/leads/complex")
async def complex_add(ctx: Ctx = Depends(api_context)) -> Response:
    items = await read_batch(ctx.request)
    if len(items) > MAX_COMPLEX:
        raise Unprocessable(f"Limit {MAX_COMPLEX} leads per complex request")
    params = parse_query_string(ctx.request.scope.get("query_string", b""))
    dedupe = str(params.get("duplicate_control", "")).lower() in ("1", "true", "yes")
    companies: list[tuple[str, dict[str, Any]]] = []
    contacts: dict[str, dict[str, Any]] = {}
    for request_id, item in items:
        embedded = item.get("_embedded")
        if isinstance(embedded, dict) and embedded.get("metadata"):
            raise BadRequest("Incoming leads (_embedded.metadata) are not available yet in this Kanbo version")
        company = _single(item, "companies", request_id)
        if company is not None:
            companies.append((request_id, company))
        contact = _single(item, "contacts", request_id)
        if contact is not None:
            contacts[request_id] = contact
    company_ids = await _add_prefixed(ctx, COMPANY_SPEC, companies, "_embedded.companies.0")

    merged: dict[str, int] = {}
    if dedupe and contacts:
        account = await ctx.session.get(Account, ctx.principal.account_id)
        catalog = await load_catalog(ctx.session, "contacts")
        for request_id, contact in contacts.items():
            phones, emails = _identities(contact, catalog)
            if not phones and not emails:
                continue
            found = await find_by_identity(ctx.session, phones=phones, emails=emails,
                                           country=account.country if account else "US", entity_types=("contacts",))
            if found:
                merged[request_id] = found[0][1]
    new_contacts = []
    for request_id, contact in contacts.items():
        if request_id in merged:
            continue
        if request_id in company_ids:
            contact.setdefault("_embedded", {})
            if isinstance(contact["_embedded"], dict):
                contact["_embedded"]["companies"] = [{"id": company_ids[request_id]}]
        new_contacts.append((request_id, contact))
    contact_ids = await _add_prefixed(ctx, CONTACT_SPEC, new_contacts, "_embedded.contacts.0") | merged

    leads = []
    for request_id, item in items:
        lead = {k: v for k, v in item.items() if k != "_embedded"}
        embedded = dict(item.get("_embedded") or {}) if isinstance(item.get("_embedded"), dict) else {}
        embedded.pop("contacts", None)
        embedded.pop("companies", None)
        if request_id in contact_ids:
            embedded["contacts"] = [{"id": contact_ids[request_id], "is_main": True}]
        if request_id in company_ids:
            embedded["companies"] = [{"id": company_ids[request_id]}]
        lead["_embedded"] = embedded
        leads.append((request_id, lead))
    results = await service.add(ctx.session, ctx.principal, LEAD_SPEC, leads)
    return HalResponse([
        {"id": row.id, "contact_id": contact_ids.get(rid), "company_id": company_ids.get(rid), "request_id": [rid],
         "merged": rid in merged}
        for rid, row in results
    ])
