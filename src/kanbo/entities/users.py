"""The users of the account as entity services see them: groups for rights and rendering, checks of user ids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.errors import Errors
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


def active_user(user_id: int | None, users: dict[int, UserInfo], errors: Errors, request_id: str,
                path: str) -> bool:
    """Whether ``user_id`` (given) names an active user of the account; if not, the error at ``path``."""
    if user_id is None:
        return False
    info = users.get(user_id)
    if info is None or not info.is_active:
        errors.add(request_id, path, f"User {user_id} is not an active user of this account.", "NotSupportedChoice")
        return False
    return True


def known_actor(user_id: int | None, users: dict[int, UserInfo], errors: Errors, request_id: str,
                path: str) -> bool:
    """Whether ``user_id`` (``created_by``/``updated_by``, given) is a user of the account or 0, the robot;
    if not, the error at ``path``."""
    if user_id is None:
        return False
    if user_id != 0 and user_id not in users:
        errors.add(request_id, path, f"User {user_id} is not a user of this account.", "NotSupportedChoice")
        return False
    return True
