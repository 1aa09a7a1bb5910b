"""Installation-wide counters (``UPDATE … RETURNING``), for ids no table sequence can give."""

from __future__ import annotations

from sqlalchemy import String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from kanbo.core.db import Base, IdType


class Counter(Base):
    """Installation-wide counters for ids that cannot come from a table's own sequence.

    The table lives beside the mechanism that uses it, in ``core``, so nothing here reaches up into
    ``models``; ``kanbo.models`` re-exports it with every other table."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(IdType)


async def next_ids(session: AsyncSession, name: str, count: int = 1, *, start: int = 1) -> list[int]:
    """Reserve ``count`` consecutive ids of counter ``name``; the first ever id is ``start``."""
    if count < 1:
        return []
    for _ in range(2):
        last = await session.scalar(
            update(Counter).where(Counter.name == name).values(value=Counter.value + count).returning(Counter.value)
        )
        if last is not None:
            return list(range(last - count + 1, last + 1))
        try:
            async with session.begin_nested():
                await session.execute(insert(Counter).values(name=name, value=start - 1))
        except IntegrityError:
            pass  # created concurrently; the update above now finds it
    raise RuntimeError(f"counter {name} could not be created")  # pragma: no cover


async def current(session: AsyncSession, name: str) -> int | None:
    return await session.scalar(select(Counter.value).where(Counter.name == name))
