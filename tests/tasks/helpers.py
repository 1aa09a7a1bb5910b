"""Small helpers for task tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.core.db import bind_account
from kanbo.models.events import Event
from tests.entities.helpers import create as create_entities

DEADLINE = 1_900_000_000


async def add_tasks(client: Any, tenant: Any, items: list[dict[str, Any]], headers: Any = None) -> list[int]:
    response = await client.post("/api/v4/tasks", headers=headers or tenant.headers, json=items)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["_embedded"]["tasks"]]


async def add_task(client: Any, tenant: Any, headers: Any = None, **fields: Any) -> int:
    item = {"text": "Call back", "complete_till": DEADLINE, **fields}
    (task_id,) = await add_tasks(client, tenant, [item], headers=headers)
    return task_id


async def get_task(client: Any, tenant: Any, task_id: int, headers: Any = None) -> Any:
    return await client.get(f"/api/v4/tasks/{task_id}", headers=headers or tenant.headers)


async def task(client: Any, tenant: Any, task_id: int) -> dict[str, Any]:
    response = await get_task(client, tenant, task_id)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(client: Any, tenant: Any, query: str = "", headers: Any = None) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v4/tasks{query}", headers=headers or tenant.headers)
    if response.status_code == 204:
        assert response.content == b""
        return []
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["_embedded"]["tasks"]
    return items


async def listed_ids(client: Any, tenant: Any, query: str = "", headers: Any = None) -> list[int]:
    return [item["id"] for item in await listed(client, tenant, query, headers)]


async def lead(client: Any, tenant: Any, name: str = "Lead", **fields: Any) -> int:
    (lead_id,) = await create_entities(client, tenant, "leads", [{"name": name, **fields}])
    return lead_id


async def entity(client: Any, tenant: Any, kind: str, entity_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v4/{kind}/{entity_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def task_events(db: Any, tenant: Any, task_id: int) -> list[Event]:
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        rows = await session.scalars(select(Event).where(Event.entity_type == "task", Event.entity_id == task_id)
                                     .order_by(Event.seq))
        return list(rows)
