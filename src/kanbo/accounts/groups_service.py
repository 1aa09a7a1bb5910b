"""User groups (a Kanbo extension): add in a batch, rename, delete. Services flush; the request commits.

Group names are 1 to 255 characters and unique in the account (compared without regard to case); the main
group (id 0) is no row and cannot be changed. Deleting a group moves its users to the main group.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.groups_wire import GroupIn, GroupPatch
from kanbo.accounts.repository import valid_id
from kanbo.accounts.rights import require_admin
from kanbo.core.errors import Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.users import User, UserGroup


async def _names(session: AsyncSession) -> dict[str, int]:
    """Every group of the account by case-folded name (compared in Python: SQLite's lower() is ASCII-only)."""
    rows = await session.execute(select(UserGroup.id, UserGroup.name))
    return {name.casefold(): group_id for group_id, name in rows.all()}


async def _group(session: AsyncSession, group_id: int) -> UserGroup:
    group = await session.scalar(select(UserGroup).where(UserGroup.id == group_id)) if valid_id(group_id) else None
    if group is None:
        raise NotFound(f"Group {group_id} does not exist")
    return group


async def add_groups(session: AsyncSession, principal: Principal, items: Sequence[GroupIn]
                     ) -> list[tuple[str, UserGroup]]:
    require_admin(principal, "add user groups")
    errors = Errors()
    taken = await _names(session)
    claimed: dict[str, str] = {}
    for item in items:
        request_id, key = item.request_id or "0", item.name.casefold()
        if key in taken:
            errors.add(request_id, "name", f"A group named '{item.name}' already exists.", "NotUnique")
        elif key in claimed:
            errors.add(request_id, "name", f"The name '{item.name}' is also used by item '{claimed[key]}'.",
                       "NotUnique")
        claimed.setdefault(key, request_id)
    errors.raise_if_any()
    stamp = now()
    created = []
    for item in items:
        group = UserGroup(name=item.name, uuid=str(uuid.uuid4()), created_at=stamp)
        session.add(group)
        created.append((item.request_id or "0", group))
    await session.flush()
    return created


async def rename_group(session: AsyncSession, principal: Principal, group_id: int, data: GroupPatch) -> UserGroup:
    require_admin(principal, "rename user groups")
    group = await _group(session, group_id)
    owner = (await _names(session)).get(data.name.casefold())
    if owner is not None and owner != group.id:
        errors = Errors()
        errors.add("0", "name", f"A group named '{data.name}' already exists.", "NotUnique")
        errors.raise_if_any()
    group.name = data.name
    await session.flush()
    return group


async def delete_group(session: AsyncSession, principal: Principal, group_id: int) -> None:
    require_admin(principal, "delete user groups")
    group = await _group(session, group_id)
    await session.execute(update(User).where(User.group_id == group.id).values(group_id=None, updated_at=now()))
    await session.delete(group)
    await session.flush()
