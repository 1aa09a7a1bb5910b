"""The users of the account as entity services see them: groups for rights and rendering, checks of user ids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.models.users import User


@dataclass(frozen=True)
class UserInfo:
    id: int
    group_id: int | None
    is_active: bool


async def users_map(session: AsyncSession) -> dict[int, UserInfo]:
    """Every user of the account (one query)."""
    rows = await session.execute(select(User.id, User.group_id, User.is_active))
    return {row.id: UserInfo(row.id, row.group_id, row.is_active) for row in rows}
