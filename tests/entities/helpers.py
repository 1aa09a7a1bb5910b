"""Small helpers for entity tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.models.events import Event


async def create(client: Any, tenant: Any, entity: str, items: list[dict[str, Any]], headers: Any = None) -> list[int]:
    response = await client.post(f"/api/v4/{entity}", headers=headers or tenant.headers, json=items)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["_embedded"][entity]]


async def get(client: Any, tenant: Any, entity: str, entity_id: int, query: str = "", headers: Any = None) -> Any:
    response = await client.get(f"/api/v4/{entity}/{entity_id}{query}", headers=headers or tenant.headers)
    return response


def phone(value: str, enum_code: str = "WORK") -> dict[str, Any]:
    return {"field_code": "PHONE", "values": [{"value": value, "enum_code": enum_code}]}


def email(value: str) -> dict[str, Any]:
    return {"field_code": "EMAIL", "values": [{"value": value, "enum_code": "WORK"}]}


async def events_of(db: Any, tenant: Any, entity_type: str, entity_id: int) -> list[Event]:
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        rows = await session.scalars(select(Event).where(Event.entity_type == entity_type,
                                                         Event.entity_id == entity_id).order_by(Event.seq))
        return list(rows)


async def main_stages(client: Any, tenant: Any) -> tuple[int, list[int]]:
    body = (await client.get("/api/v4/leads/pipelines", headers=tenant.headers)).json()
    pipeline = next(p for p in body["_embedded"]["pipelines"] if p["is_main"])
    return pipeline["id"], [s["id"] for s in pipeline["_embedded"]["statuses"]]
