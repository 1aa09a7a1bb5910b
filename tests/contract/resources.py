"""The list resources every contract test runs against (spec §1.3, §21).

To put a new list endpoint under the contract, append a :class:`Resource` to ``RESOURCES``:

* ``create(tenant, client, n)`` makes ``n`` new items in the tenant's account and returns their ids;
* ``extra_query`` is a query parameter the endpoint understands (usually a ``with=``): pagination
  links must repeat it;
* ``refused(tenant, client, member)`` performs a request that ``member`` (a user without admin rights
  and with every entity right denied) is not allowed to make, or is ``None`` when nothing on the
  resource is restricted.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from tests.support.factories import Member, Tenant

BASE = "http://127.0.0.1:8000"

Create = Callable[[Tenant, httpx.AsyncClient, int], Awaitable[list[int]]]
Refused = Callable[[Tenant, httpx.AsyncClient, Member], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Resource:
    name: str
    list_path: str
    key: str
    item_path_template: str
    create: Create
    extra_query: str = ""
    refused: Refused | None = None

    def item_path(self, item_id: int) -> str:
        return self.item_path_template.format(id=item_id)

    def __str__(self) -> str:  # pytest ids
        return self.name


def created_ids(response: httpx.Response, key: str) -> list[int]:
    assert response.status_code == 200, response.text
    return [entry["id"] for entry in response.json()["_embedded"][key]]


# users -----------------------------------------------------------------------------------------

async def create_users(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    return [(await tenant.add_user(name=f"Contract user {i}")).id for i in range(n)]


async def refuse_user_activation(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    return await client.post("/api/v4/users/activate", json=[{"id": member.id}], headers=member.headers)


# roles -----------------------------------------------------------------------------------------

async def create_roles(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    body = [{"name": f"Role {uuid.uuid4().hex[:8]}", "rights": {}} for _ in range(n)]
    return created_ids(await client.post("/api/v4/roles", json=body, headers=tenant.headers), "roles")


async def refuse_role_creation(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    return await client.post("/api/v4/roles", json=[{"name": "Not allowed", "rights": {}}], headers=member.headers)


# leads, contacts, companies ------------------------------------------------------------------

def create_entities(entity: str) -> Create:
    async def create(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
        body = [{"name": f"Contract {entity} {uuid.uuid4().hex[:6]}"} for _ in range(n)]
        return created_ids(await client.post(f"/api/v4/{entity}", json=body, headers=tenant.headers), entity)

    return create


def refuse_entity_creation(entity: str) -> Refused:
    async def refused(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
        return await client.post(f"/api/v4/{entity}", json=[{"name": "Not allowed"}], headers=member.headers)

    return refused


# loss reasons and custom fields (admins write) ------------------------------------------------

async def create_loss_reasons(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    body = [{"name": f"Reason {uuid.uuid4().hex[:6]}"} for _ in range(n)]
    return created_ids(await client.post("/api/v4/leads/loss_reasons", json=body, headers=tenant.headers),
                       "loss_reasons")


async def refuse_loss_reason(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    return await client.post("/api/v4/leads/loss_reasons", json=[{"name": "x"}], headers=member.headers)


async def create_lead_fields(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    body = [{"name": f"Field {uuid.uuid4().hex[:6]}", "type": "text"} for _ in range(n)]
    return created_ids(await client.post("/api/v4/leads/custom_fields", json=body, headers=tenant.headers),
                       "custom_fields")


async def refuse_lead_field(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    return await client.post("/api/v4/leads/custom_fields", json=[{"name": "x", "type": "text"}],
                             headers=member.headers)


# notes and tasks --------------------------------------------------------------------------------

async def create_notes(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    [lead] = await create_entities("leads")(tenant, client, 1)
    body = [{"entity_id": lead, "note_type": "common", "params": {"text": f"Note {i}"}} for i in range(n)]
    return created_ids(await client.post("/api/v4/leads/notes", json=body, headers=tenant.headers), "notes")


async def refuse_note(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    [lead] = await create_entities("leads")(tenant, client, 1)
    return await client.post("/api/v4/leads/notes", headers=member.headers,
                             json=[{"entity_id": lead, "note_type": "common", "params": {"text": "x"}}])


async def create_tasks(tenant: Tenant, client: httpx.AsyncClient, n: int) -> list[int]:
    body = [{"text": f"Task {i}", "complete_till": 1900000000 + i} for i in range(n)]
    return created_ids(await client.post("/api/v4/tasks", json=body, headers=tenant.headers), "tasks")


async def refuse_task_type(tenant: Tenant, client: httpx.AsyncClient, member: Member) -> httpx.Response:
    return await client.post("/api/v4/tasks/types", json=[{"name": "Not allowed"}], headers=member.headers)


RESOURCES: list[Resource] = [
    Resource(
        name="users", list_path="/api/v4/users", key="users", item_path_template="/api/v4/users/{id}",
        create=create_users, extra_query="with=role,group", refused=refuse_user_activation,
    ),
    Resource(
        name="roles", list_path="/api/v4/roles", key="roles", item_path_template="/api/v4/roles/{id}",
        create=create_roles, extra_query="with=users", refused=refuse_role_creation,
    ),
    Resource(
        name="leads", list_path="/api/v4/leads", key="leads", item_path_template="/api/v4/leads/{id}",
        create=create_entities("leads"), extra_query="with=contacts,loss_reason",
        refused=refuse_entity_creation("leads"),
    ),
    Resource(
        name="contacts", list_path="/api/v4/contacts", key="contacts", item_path_template="/api/v4/contacts/{id}",
        create=create_entities("contacts"), extra_query="with=leads", refused=refuse_entity_creation("contacts"),
    ),
    Resource(
        name="companies", list_path="/api/v4/companies", key="companies",
        item_path_template="/api/v4/companies/{id}", create=create_entities("companies"),
        extra_query="with=contacts,leads", refused=refuse_entity_creation("companies"),
    ),
    Resource(
        name="loss_reasons", list_path="/api/v4/leads/loss_reasons", key="loss_reasons",
        item_path_template="/api/v4/leads/loss_reasons/{id}", create=create_loss_reasons,
        refused=refuse_loss_reason,
    ),
    Resource(
        name="lead_custom_fields", list_path="/api/v4/leads/custom_fields", key="custom_fields",
        item_path_template="/api/v4/leads/custom_fields/{id}", create=create_lead_fields,
        refused=refuse_lead_field,
    ),
    Resource(
        name="notes", list_path="/api/v4/leads/notes", key="notes", item_path_template="/api/v4/leads/notes/{id}",
        create=create_notes, extra_query="with=is_pinned", refused=refuse_note,
    ),
    Resource(
        name="tasks", list_path="/api/v4/tasks", key="tasks", item_path_template="/api/v4/tasks/{id}",
        create=create_tasks, extra_query="order[id]=asc", refused=refuse_task_type,
    ),
]
