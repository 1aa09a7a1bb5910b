"""Helpers for incoming-lead and call tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.models.accounts import Account
from kanbo.models.activity import Note, Unsorted
from tests.entities.helpers import phone


def form(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "source_uid": "site-form", "source_name": "Website",
        "metadata": {"form_id": "f1", "form_name": "Callback", "form_page": "https://example.com/contact",
                     "form_sent_at": 1700000000, "ip": "10.0.0.1", "referer": "https://google.com"},
        "_embedded": {"leads": [{"name": "From the site", "price": 500}],
                      "contacts": [{"name": "Ann", "custom_fields_values": [phone("+1 555 010 0001")]}],
                      "companies": [{"name": "Acme"}]},
    }
    item.update(overrides)
    return item


def sip(uniq: str = "call-1", number: str = "+1 555 010 0002", **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "source_uid": "pbx", "source_name": "Office PBX",
        "metadata": {"phone": number, "called_at": 1700000100, "duration": 42, "link": "https://pbx.example/rec.mp3",
                     "service_code": "pbx_widget", "uniq": uniq, "call_responsible": "Front desk"},
        "_embedded": {"leads": [{"name": "Call"}],
                      "contacts": [{"name": "Caller", "custom_fields_values": [phone(number)]}]},
    }
    item.update(overrides)
    return item


async def add(client: Any, tenant: Any, category: str, items: list[dict[str, Any]], headers: Any = None) -> Any:
    response = await client.post(f"/api/v4/leads/unsorted/{category}", headers=headers or tenant.headers, json=items)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["unsorted"]


async def set_country(tenant: Any, country: str) -> None:
    async with tenant.db.transaction() as session:
        account = await session.get(Account, tenant.id)
        account.country = country


async def notes_of(tenant: Any, entity_type: str, entity_id: int) -> list[Note]:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        return list(await session.scalars(select(Note).where(Note.entity_type == entity_type,
                                                             Note.entity_id == entity_id).order_by(Note.id)))


async def unsorted_row(tenant: Any, uid: str) -> Unsorted:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        row = await session.scalar(select(Unsorted).where(Unsorted.uid == uid))
        assert row is not None
        return row
