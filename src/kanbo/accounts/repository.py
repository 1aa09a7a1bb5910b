"""Queries of users, roles and groups. The session's account filter scopes every one of them.

Each function runs exactly one statement, so a list page costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.models.users import Role, User, UserGroup

# Ids beyond a signed 64-bit integer can name no row (and would overflow PostgreSQL's BIGINT).
MAX_ID = 2**63 - 1

UserRow = tuple[User, Role | None, UserGroup | None]


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def _user_select() -> Any:
    return (
        select(User, Role, UserGroup)
        .outerjoin(Role, Role.id == User.role_id)
        .outerjoin(UserGroup, UserGroup.id == User.group_id)
    )


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def users_page(session: AsyncSession, offset: int, limit: int) -> list[UserRow]:
    """Users ordered by id with their role and group (one statement)."""
    result = await session.execute(_user_select().order_by(User.id).offset(offset).limit(limit))
    return [(user, role, group) for user, role, group in result.all()]


async def user_row(session: AsyncSession, user_id: int) -> UserRow | None:
    if not valid_id(user_id):
        return None
    row = (await session.execute(_user_select().where(User.id == user_id))).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def users_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    wanted = {i for i in ids if valid_id(i)}
    if not wanted:
        return {}
    return {u.id: u for u in await session.scalars(select(User).where(User.id.in_(wanted)))}


async def users_of_roles(session: AsyncSession, role_ids: Sequence[int]) -> dict[int, list[UserRow]]:
    """The users holding each of the roles (one statement), ordered by id."""
    grouped: dict[int, list[UserRow]] = {role_id: [] for role_id in role_ids}
    if not role_ids:
        return grouped
    result = await session.execute(_user_select().where(User.role_id.in_(role_ids)).order_by(User.id))
    for user, role, group in result.all():
        grouped.setdefault(user.role_id or 0, []).append((user, role, group))
    return grouped


async def taken_emails(session: AsyncSession, emails: Iterable[str]) -> set[str]:
    wanted = set(emails)
    if not wanted:
        return set()
    return set(await session.scalars(select(User.email).where(User.email.in_(wanted))))


async def existing_ids(session: AsyncSession, model: type[Role] | type[UserGroup], ids: Iterable[int]) -> set[int]:
    wanted = {i for i in ids if valid_id(i)}
    if not wanted:
        return set()
    return set(await session.scalars(select(model.id).where(model.id.in_(wanted))))


async def count_roles(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Role)) or 0)


async def roles_page(session: AsyncSession, offset: int, limit: int) -> list[Role]:
    return list(await session.scalars(select(Role).order_by(Role.id).offset(offset).limit(limit)))


async def role_by_id(session: AsyncSession, role_id: int) -> Role | None:
    if not valid_id(role_id):
        return None
    return await session.scalar(select(Role).where(Role.id == role_id))


async def roles_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Role]:
    wanted = {i for i in ids if valid_id(i)}
    if not wanted:
        return {}
    return {r.id: r for r in await session.scalars(select(Role).where(Role.id.in_(wanted)))}


async def role_names(session: AsyncSession) -> dict[str, int]:
    """Every role of the account by case-folded name (compared in Python: SQLite's lower() is ASCII-only)."""
    rows = await session.execute(select(Role.id, Role.name))
    return {name.casefold(): role_id for role_id, name in rows.all()}


async def count_users_with_role(session: AsyncSession, role_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(User).where(User.role_id == role_id)) or 0)
