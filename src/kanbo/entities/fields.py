"""Parsing the fields every entity shares, liberally (floats for ints, nulls, echoed read-only keys)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.errors import Errors
from kanbo.core.values import as_int
from kanbo.models.users import User


@dataclass(frozen=True)
class UserInfo:
    id: int
    group_id: int | None
    is_active: bool


async def users_map(session: AsyncSession) -> dict[int, UserInfo]:
    """Every user of the account (one query): groups for rights and rendering, checks of user ids."""
    rows = await session.execute(select(User.id, User.group_id, User.is_active))
    return {row.id: UserInfo(row.id, row.group_id, row.is_active) for row in rows}


def int_field(item: dict[str, Any], key: str, errors: Errors, request_id: str, *, path: str | None = None,
              minimum: int | None = 0) -> int | None:
    """An optional integer field; ``None`` when absent or null."""
    if key not in item or item[key] is None:
        return None
    number = as_int(item[key])
    if number is None or (minimum is not None and number < minimum):
        errors.add(request_id, path or key, "This value should be of type int.", "InvalidType")
        return None
    return number


def text_field(item: dict[str, Any], key: str, errors: Errors, request_id: str, *, max_length: int = 255,
               path: str | None = None) -> str | None:
    if key not in item or item[key] is None:
        return None
    value = item[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(request_id, path or key, "This value should be of type string.", "InvalidType")
        return None
    if len(value) > max_length:
        errors.add(request_id, path or key, f"This value is too long ({max_length} characters at most).", "TooLong")
        return None
    return value.strip()


def user_field(item: dict[str, Any], key: str, errors: Errors, request_id: str,
               users: dict[int, UserInfo]) -> int | None:
    """A user id that must name an active user of the account (``0`` is not allowed)."""
    user_id = int_field(item, key, errors, request_id)
    if user_id is None:
        return None
    info = users.get(user_id)
    if info is None or not info.is_active:
        errors.add(request_id, key, f"User {user_id} is not an active user of this account.", "NotSupportedChoice")
        return None
    return user_id


def actor_field(item: dict[str, Any], key: str, errors: Errors, request_id: str,
                users: dict[int, UserInfo]) -> int | None:
    """``created_by``/``updated_by``: a user of the account, or 0 for the robot."""
    user_id = int_field(item, key, errors, request_id)
    if user_id is None or user_id == 0:
        return user_id
    if user_id not in users:
        errors.add(request_id, key, f"User {user_id} is not a user of this account.", "NotSupportedChoice")
        return None
    return user_id
