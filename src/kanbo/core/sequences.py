"""Installation-wide counters (an upsert ``… RETURNING``), for ids no table sequence can give."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from kanbo.core.db import Base, IdType


class Counter(Base):
    """Installation-wide counters for ids that cannot come from a table's own sequence.

    The table lives beside the mechanism that uses it, in ``core``, so nothing here reaches up into
    ``models``; ``kanbo.models`` re-exports it with every other table."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(IdType)


def _bump(dialect: str, name: str, count: int, start: int) -> Any:
    """One statement: create the counter at ``start - 1 + count`` or add ``count``; returns the new value.

    On PostgreSQL the counter's row stays locked until the transaction ends, so two transactions that
    bump one counter get their ranges in the order they commit."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Counter).values(name=name, value=start - 1 + count)
    return statement.on_conflict_do_update(index_elements=[Counter.name], set_={"value": Counter.value + count}) \
        .returning(Counter.value)


async def next_ids(session: AsyncSession, name: str, count: int = 1, *, start: int = 1) -> list[int]:
    """Reserve ``count`` consecutive ids of counter ``name``; the first ever id is ``start``."""
    if count < 1:
        return []
    last = int(await session.scalar(_bump(session.get_bind().dialect.name, name, count, start)))
    return list(range(last - count + 1, last + 1))


def reserve(session: Session, name: str, count: int) -> int:
    """:func:`next_ids` for a synchronous session (commit hooks): the first of ``count`` ids, from 1."""
    last = int(session.scalar(_bump(session.get_bind().dialect.name, name, count, 1)))
    return last - count + 1


async def current(session: AsyncSession, name: str) -> int | None:
    return await session.scalar(select(Counter.value).where(Counter.name == name))
