"""``POST /api/v4/leads/complex`` (spec §5.6): leads with one new contact and one new company each.

Duplicate control (``?duplicate_control=true``, a Kanbo switch for what Kommo enables per integration):
a contact whose phone or email already belongs to a contact is linked instead of created, and the
answer says ``merged: true``.

A lead with ``_embedded.metadata`` (``category`` ``forms`` or ``sip`` plus that category's metadata)
becomes an incoming lead instead (spec §5.6): it is added through the incoming-leads service. That is
why this leads endpoint lives in ``unsorted``: it uses the entities below it and the incoming leads
beside it, and the entities layer may not reach up into activity.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import BadRequest, FieldError, ItemErrors, Unprocessable, ValidationFailed
from kanbo.custom_fields.values import find_by_identity, load_catalog
from kanbo.entities import service
from kanbo.entities.spec import EntitySpec
from kanbo.http.body import read_batch
from kanbo.http.query import parse_query_string
from kanbo.http.responses import HalResponse
from kanbo.http.route import TxRoute
from kanbo.leads.spec import LEAD_SPEC
from kanbo.models.accounts import Account
from kanbo.unsorted.service import add_incoming

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


def _metadata(item: dict[str, Any]) -> dict[str, Any] | None:
    embedded = item.get("_embedded")
    metadata = embedded.get("metadata") if isinstance(embedded, dict) else None
    return metadata if isinstance(metadata, dict) and metadata else None


def _as_unsorted(item: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """A complex-add lead with metadata → the body of an incoming lead of its category."""
    embedded = dict(item["_embedded"])
    lead = {k: v for k, v in item.items() if k not in ("_embedded", "request_id")}
    if "tags" in embedded:
        lead["_embedded"] = {"tags": embedded["tags"]}
    meta = {k: v for k, v in metadata.items() if k not in ("category", "source_uid", "source_name")}
    return {
        "source_uid": str(metadata.get("source_uid") or "complex"),
        "source_name": str(metadata.get("source_name") or metadata.get("form_name") or "API"),
        "pipeline_id": item.get("pipeline_id"),
        "metadata": meta,
        "_embedded": {"leads": [lead], "contacts": embedded.get("contacts") or [],
                      "companies": embedded.get("companies") or []},
    }


def _complex_path(path: str) -> str:
    """Error paths of the incoming-lead body, named as the client sent them."""
    for prefix, replacement in (("_embedded.leads.0.", ""), ("metadata.", "_embedded.metadata."),
                                ("_embedded.contacts.", "_embedded.contacts."),
                                ("_embedded.companies.", "_embedded.companies.")):
        if path.startswith(prefix):
            return replacement + path[len(prefix):]
    return path


async def _incoming(ctx: Ctx, items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    by_category: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for request_id, item in items:
        metadata = _metadata(item) or {}
        category = metadata.get("category")
        if category not in ("forms", "sip"):
            raise ValidationFailed([ItemErrors(request_id, [FieldError(
                "NotSupportedChoice", "_embedded.metadata.category", "The category must be forms or sip.")])])
        by_category.setdefault(str(category), []).append((request_id, _as_unsorted(item, metadata)))
    rows: dict[str, Any] = {}
    for category, batch in by_category.items():
        try:
            added = await add_incoming(ctx.session, ctx.principal, category, batch)
        except ValidationFailed as failure:
            raise ValidationFailed([
                ItemErrors(entry.request_id, [FieldError(e.code, _complex_path(e.path), e.detail)
                                              for e in entry.errors])
                for entry in failure.items
            ]) from None
        rows.update(added)
    return [{"id": rows[rid].lead_id, "contact_id": rows[rid].contact_id, "company_id": rows[rid].company_id,
             "request_id": [rid], "merged": False} for rid, _ in items]


@router.post("/api/v4/leads/complex")
async def complex_add(ctx: Ctx = Depends(api_context)) -> Response:
    items = await read_batch(ctx.request)
    if len(items) > MAX_COMPLEX:
        raise Unprocessable(f"Limit {MAX_COMPLEX} leads per complex request")
    params = parse_query_string(ctx.request.scope.get("query_string", b""))
    dedupe = str(params.get("duplicate_control", "")).lower() in ("1", "true", "yes")
    incoming = [(rid, item) for rid, item in items if _metadata(item) is not None]
    if incoming:
        if len(incoming) != len(items):
            raise BadRequest("Send leads with _embedded.metadata (incoming leads) and ordinary leads in "
                             "separate complex requests")
        return HalResponse(await _incoming(ctx, incoming))
    companies: list[tuple[str, dict[str, Any]]] = []
    contacts: dict[str, dict[str, Any]] = {}
    # ``{"id": …}`` names an existing contact or company: it is linked (the lead service checks that it
    # exists and that the user may see it: a 400 at ``_embedded.contacts.0.id`` otherwise), never created.
    existing: dict[str, dict[str, Any]] = {"contacts": {}, "companies": {}}
    for request_id, item in items:
        company = _single(item, "companies", request_id)
        if company is not None and company.get("id") is not None:
            existing["companies"][request_id] = company["id"]
        elif company is not None:
            companies.append((request_id, company))
        contact = _single(item, "contacts", request_id)
        if contact is not None and contact.get("id") is not None:
            existing["contacts"][request_id] = contact["id"]
        elif contact is not None:
            contacts[request_id] = contact
    company_ids = await _add_prefixed(ctx, COMPANY_SPEC, companies, "_embedded.companies.0") | existing["companies"]

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
        if request_id in company_ids and request_id not in existing["companies"]:
            contact.setdefault("_embedded", {})
            if isinstance(contact["_embedded"], dict):
                contact["_embedded"]["companies"] = [{"id": company_ids[request_id]}]
        new_contacts.append((request_id, contact))
    contact_ids = await _add_prefixed(ctx, CONTACT_SPEC, new_contacts, "_embedded.contacts.0") | merged \
        | existing["contacts"]

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
