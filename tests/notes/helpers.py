"""Notes made through the API, events of a card, a principal for library calls, a statement counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.core.principal import Principal
from kanbo.models.events import Event
from tests.support.factories import Tenant
from tests.support.sql import count_statements  # noqa: F401 (re-exported)

# One valid ``params`` per type clients create, with every key the type knows.
SAMPLES: dict[str, dict[str, Any]] = {
    "common": {"text": "Called the client, sending the offer"},
    "call_in": {"uniq": "8f0e6a3c-1d2b-4c5d-9e8f-0a1b2c3d4e5f", "duration": 65, "source": "Asterisk",
                "link": "https://records.example.com/calls/1.mp3", "phone": "+15551234567",
                "call_result": "Talked about the price", "call_status": 4, "call_responsible": "Alice"},
    "call_out": {"uniq": "c0ffee00-1d2b-4c5d-9e8f-0a1b2c3d4e5f", "duration": 0, "source": "Zadarma",
                 "link": "http://pbx.local/rec/2.wav", "phone": "+15557654321", "call_status": 6,
                 "call_responsible": 17},
    "service_message": {"service": "Shop widget", "text": "Order #12 paid"},
    "extended_service_message": {"service": "Shop widget", "text": "A long text\nover several lines"},
    "message_cashier": {"status": "created", "text": "Invoice for 100 USD"},
    "geolocation": {"text": "Met at the office", "address": "1 Main St, Springfield", "longitude": -72.589811,
                    "latitude": 42.101483},
    "sms_in": {"text": "Is the offer still valid?", "phone": "+15550001111"},
    "sms_out": {"text": "Yes, until Friday", "phone": "+15550001111"},
    "attachment": {"file_uuid": "a1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d",
                   "version_uuid": "b1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d", "file_name": "offer.pdf",
                   "original_name": "Offer 2026.pdf", "is_drive_attachment": True},
}


async def make_entity(client: Any, tenant: Tenant, entity: str = "leads", headers: Any = None, **fields: Any) -> int:
    response = await client.post(f"/api/v4/{entity}", headers=headers or tenant.headers,
                                 json=[{"name": "Card", **fields}])
    assert response.status_code == 200, response.text
    return int(response.json()["_embedded"][entity][0]["id"])


async def add(client: Any, tenant: Tenant, entity: str, items: list[dict[str, Any]], headers: Any = None,
              entity_id: int | None = None) -> Any:
    path = f"/api/v4/{entity}/{entity_id}/notes" if entity_id is not None else f"/api/v4/{entity}/notes"
    return await client.post(path, headers=headers or tenant.headers, json=items)


async def add_ok(client: Any, tenant: Tenant, entity: str, items: list[dict[str, Any]], **kwargs: Any) -> list[int]:
    response = await add(client, tenant, entity, items, **kwargs)
    assert response.status_code == 200, response.text
    return [note["id"] for note in response.json()["_embedded"]["notes"]]


async def common(client: Any, tenant: Tenant, entity: str, entity_id: int, text: str = "hi", headers: Any = None,
                 **extra: Any) -> int:
    (note_id,) = await add_ok(client, tenant, entity, [{"entity_id": entity_id, "note_type": "common",
                                                        "params": {"text": text}, **extra}], headers=headers)
    return note_id


def errors_of(response: Any) -> dict[str, list[tuple[str, str]]]:
    """``{request_id: [(path, code), …]}`` of a 400."""
    assert response.status_code == 400, response.text
    return {entry["request_id"]: [(e["path"], e["code"]) for e in entry["errors"]]
            for entry in response.json()["validation-errors"]}


async def listed(client: Any, tenant: Tenant, path: str, headers: Any = None) -> list[dict[str, Any]]:
    response = await client.get(path, headers=headers or tenant.headers)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    return list(response.json()["_embedded"]["notes"])


async def events_of(tenant: Tenant, entity_type: str, entity_id: int) -> list[Event]:
    async with tenant.db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        rows = await session.scalars(select(Event).where(Event.entity_type == entity_type,
                                                         Event.entity_id == entity_id).order_by(Event.seq))
        return list(rows)


def principal(tenant: Tenant) -> Principal:
    return Principal(account_id=tenant.id, user_id=tenant.admin.id, is_admin=True, group_id=None)

