"""Custom task types (Kanbo extension, ``/api/v4/tasks/types``): the rules and their queries.

Ids 1 (``FOLLOW_UP``) and 2 (``MEETING``) are built in and cannot change; an account's own types get
ids from 3 up (a counter per account). Any user reads the list; administrators change it. A type that
tasks use (trashed tasks included, since they can come back) cannot be deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.account_wire import SYSTEM_TASK_TYPES, task_types
from kanbo.accounts.rights import require_admin
from kanbo.core.errors import BadRequest, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.sequences import next_ids
from kanbo.core.time import now
from kanbo.models.accounts import Account
from kanbo.models.activity import Task, TaskType
from kanbo.tasks.types_wire import TaskTypeIn, TaskTypePatch, render_custom_type

SYSTEM_IDS = frozenset(t["id"] for t in SYSTEM_TASK_TYPES)
FIRST_CUSTOM_ID = 3


async def custom_type_ids(session: AsyncSession) -> set[int]:
    return set(await session.scalars(select(TaskType.id)))


async def valid_type_ids(session: AsyncSession) -> set[int]:
    """Every ``task_type_id`` a task of this account may have (one query)."""
    return set(SYSTEM_IDS) | await custom_type_ids(session)


def require_writer(principal: Principal) -> None:
    """Only administrators change task types (checked before the body is read)."""
    require_admin(principal, "change task types")


async def _language(session: AsyncSession, principal: Principal) -> str:
    account = await session.get(Account, principal.account_id)
    return account.language if account is not None and account.language in ("es", "en") else "en"


async def list_types(session: AsyncSession, principal: Principal) -> list[dict[str, Any]]:
    """FOLLOW_UP and MEETING, then the account's own types: the list ``with=task_types`` embeds."""
    rows = list(await session.scalars(select(TaskType).order_by(TaskType.id)))
    return task_types(await _language(session, principal), rows)


async def get_type(session: AsyncSession, principal: Principal, type_id: int) -> dict[str, Any] | None:
    if type_id in SYSTEM_IDS:
        return task_types(await _language(session, principal))[type_id - 1]
    row = await session.scalar(select(TaskType).where(TaskType.id == type_id))
    return render_custom_type(row) if row is not None else None


async def _load(session: AsyncSession, type_id: int) -> TaskType:
    if type_id in SYSTEM_IDS:
        raise BadRequest(f"Task type {type_id} is built in and cannot be changed")
    row = await session.scalar(select(TaskType).where(TaskType.id == type_id))
    if row is None:
        raise NotFound(f"Task type {type_id} not found")
    return row


async def add(session: AsyncSession, principal: Principal, items: list[TaskTypeIn]) -> list[tuple[str, TaskType]]:
    require_admin(principal, "add task types")
    ids = await next_ids(session, f"task_types:{principal.account_id}", len(items), start=FIRST_CUSTOM_ID)
    stamp = now()
    rows = []
    for index, (type_id, item) in enumerate(zip(ids, items, strict=True)):
        row = TaskType(id=type_id, name=item.name, color=item.color, icon_id=item.icon_id, code=item.code,
                       created_at=stamp)
        session.add(row)
        rows.append((item.request_id or str(index), row))
    await session.flush()
    return rows


async def update(session: AsyncSession, principal: Principal, type_id: int, data: TaskTypePatch) -> TaskType:
    require_admin(principal, "change task types")
    row = await _load(session, type_id)
    given = data.model_fields_set
    if "name" in given and data.name is None:
        raise ValidationFailed.single("name", "This value should not be blank.", code="NotBlank")
    for key in ("name", "color", "icon_id", "code"):
        value = getattr(data, key)
        if key in given and (value is not None or key != "name"):
            setattr(row, key, value)
    await session.flush()
    return row


async def delete(session: AsyncSession, principal: Principal, type_id: int) -> None:
    require_admin(principal, "delete task types")
    row = await _load(session, type_id)
    used = await session.scalar(select(func.count()).select_from(Task).where(Task.task_type_id == type_id))
    if used:
        raise BadRequest(f"Task type {type_id} is used by {used} task(s); change their type first")
    await session.delete(row)
    await session.flush()
