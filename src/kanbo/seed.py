"""Demo data: fill an account with leads, contacts and companies fast (bulk inserts), for manual checks
and benchmarks. ``kanbo demo --subdomain demo --leads 100000``."""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.db import bind_account
from kanbo.core.time import now
from kanbo.custom_fields.values import normalise_phone, phone_key
from kanbo.models.accounts import Account
from kanbo.models.custom_fields import CustomField, FieldValue
from kanbo.models.entities import Company, Contact, Lead, LeadContact
from kanbo.models.pipelines import Pipeline, Status
from kanbo.models.users import User
from kanbo.pipelines.wire import INCOMING_TYPE

FIRST = ["Ana", "Luis", "María", "Carlos", "Lucía", "Jorge", "Sofía", "Diego", "Emma", "Noah", "Olivia", "Liam"]
LAST = ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Smith", "Johnson", "Brown", "Taylor"]
PRODUCTS = ["CRM licence", "Consulting", "Support plan", "Training", "Integration", "Hardware"]
CHUNK = 5000


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one batched statement; their ids, in the order of ``rows``, come from the table's own
    sequence (``INSERT … RETURNING``) like every other row's: no ``MAX(id) + 1`` a concurrent writer could take."""
    if not rows:
        return []
    result = await session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return [int(row_id) for row_id in result.scalars()]


async def fill(session: AsyncSession, account: Account, leads: int, *, seed: int = 7) -> dict[str, Any]:
    """Insert ``leads`` leads, one contact each (with a phone and an email), a company per 10 contacts."""
    started = time.monotonic()
    bind_account(session, account.id)
    rng = random.Random(seed)
    users = list(await session.scalars(select(User.id)))
    pipeline_ids = list(await session.scalars(select(Pipeline.id)))
    stages = [(s.pipeline_id, s.id) for s in await session.scalars(select(Status)) if s.type != INCOMING_TYPE]
    fields = {f.code: f for f in await session.scalars(select(CustomField).where(
        CustomField.entity_type == "contacts", CustomField.code.in_(("PHONE", "EMAIL"))))}
    if not users or not pipeline_ids or not stages:
        raise RuntimeError("the account has no users or pipelines")
    stamp = now()
    company_count = max(1, leads // 10)
    company_ids: list[int] = []
    base = {"account_id": account.id, "created_by": 0, "updated_by": 0, "is_deleted": False}
    for offset in range(0, company_count, CHUNK):
        rows = [{**base, "name": f"{rng.choice(LAST)} {rng.choice(['SA', 'SL', 'Inc', 'LLC'])}",
                 "responsible_user_id": rng.choice(users), "created_at": stamp - rng.randrange(86400 * 365),
                 "updated_at": stamp, "custom_fields": []}
                for i in range(offset, min(company_count, offset + CHUNK))]
        company_ids += await _insert(session, Company, rows)
    phone, email = fields.get("PHONE"), fields.get("EMAIL")
    for offset in range(0, leads, CHUNK):
        people = [(offset + j, rng.choice(FIRST), rng.choice(LAST)) for j in range(min(leads, offset + CHUNK) - offset)]
        contacts: list[dict[str, Any]] = []
        lead_rows: list[dict[str, Any]] = []
        values: list[tuple[int, dict[str, Any]]] = []  # (position in the chunk, a field value without its contact)
        for j, (i, first, last) in enumerate(people):
            number = f"+1555{i:07d}"
            mail = f"{first.lower()}.{i}@example.com"
            custom = []
            if phone is not None:
                normal = normalise_phone(number, account.country) or number
                custom.append({"field_id": phone.id, "values": [{"value": number, "enum_code": "WORK"}]})
                values.append((j, {"field_id": phone.id, "text": normal, "kind": "phone",
                                   "phone_rev": phone_key(normal)}))
            if email is not None:
                custom.append({"field_id": email.id, "values": [{"value": mail, "enum_code": "WORK"}]})
                values.append((j, {"field_id": email.id, "text": mail, "kind": "email", "phone_rev": None}))
            created = stamp - rng.randrange(86400 * 365)
            responsible = rng.choice(users)
            company_id = company_ids[i // 10]
            contacts.append({**base, "name": f"{first} {last}", "first_name": first, "last_name": last,
                             "responsible_user_id": responsible, "created_at": created, "updated_at": created,
                             "custom_fields": custom, "company_id": company_id})
            pipeline_id, status_id = rng.choice(stages)
            lead_rows.append({**base, "name": f"{rng.choice(PRODUCTS)} for {first} {last}",
                              "price": rng.randrange(100, 100000), "pipeline_id": pipeline_id, "status_id": status_id,
                              "responsible_user_id": responsible, "created_at": created, "updated_at": created,
                              "closed_at": created if status_id in (142, 143) else None, "custom_fields": [],
                              "company_id": company_id})
        contact_ids = await _insert(session, Contact, contacts)
        lead_ids = await _insert(session, Lead, lead_rows)
        await session.execute(insert(LeadContact), [
            {"account_id": account.id, "lead_id": lead_id, "contact_id": contact_id, "is_main": True,
             "created_at": row["created_at"]}
            for lead_id, contact_id, row in zip(lead_ids, contact_ids, lead_rows, strict=True)])
        if values:
            await session.execute(insert(FieldValue), [
                {"account_id": account.id, "entity_type": "contacts", "entity_id": contact_ids[j], **value}
                for j, value in values])
    return {"account_id": account.id, "leads": leads, "contacts": leads, "companies": company_count,
            "seconds": round(time.monotonic() - started, 2)}

