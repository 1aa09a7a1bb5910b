"""Companies (spec §6.2): contacts and leads point at their company."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.companies.company_wire import COMPANY_WIRE, CompanyIn
from kanbo.entities.kinds import COMPANIES
from kanbo.entities.spec import EntitySpec, ReadContext, WriteContext
from kanbo.entities.wire import link_item
from kanbo.models.entities import Company, Contact, Lead


def parse_fields(ctx: WriteContext, item: CompanyIn, request_id: str, row: Company | None) -> dict[str, Any]:
    return {"name": item.name} if item.name is not None else {}


async def preload(read: ReadContext, rows: list[Company]) -> None:
    ids = [row.id for row in rows]
    for key, model in (("contacts", Contact), ("leads", Lead)):
        if key not in read.with_:
            continue
        found: dict[int, list[int]] = {}
        pairs = await read.session.execute(
            select(model.company_id, model.id).where(model.company_id.in_(ids), model.is_deleted.is_(False))
            .order_by(model.id))
        for company_id, entity_id in pairs:
            found.setdefault(company_id, []).append(entity_id)
        read.extra[key] = found


def render_extra(read: ReadContext, row: Company, body: dict[str, Any]) -> None:
    embedded: dict[str, Any] = {}
    for key in ("contacts", "leads"):
        if key in read.with_:
            embedded[key] = [link_item(read, key, entity_id) for entity_id in read.extra[key].get(row.id, [])]
    if "customers" in read.with_:
        embedded["customers"] = []
    if "catalog_elements" in read.with_:
        embedded["catalog_elements"] = []
    body["_embedded"] = embedded


COMPANY_SPEC = EntitySpec(kind=COMPANIES, wire=COMPANY_WIRE, parse_fields=parse_fields, render_extra=render_extra,
                          preload=preload)
