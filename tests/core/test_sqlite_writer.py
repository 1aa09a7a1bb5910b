"""SQLite has one writer: the writing transactions of one process take turns in order instead of
racing for the file lock (whose busy handler polls, and fails once the busy timeout has passed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from kanbo.config import reset_settings
from kanbo.core.db import Database


async def test_concurrent_writers_of_one_process_take_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A busy timeout of 1 ms: any writer that had to wait for the file lock would fail.
    monkeypatch.setenv("KANBO_SQLITE_BUSY_TIMEOUT_MS", "1")
    reset_settings()
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}")
    order: list[int] = []
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
            await session.execute(text("INSERT INTO counter VALUES (0)"))

        async def write(i: int) -> None:
            async with db.transaction() as session:
                await session.execute(text("UPDATE counter SET n = n + 1"))
                await asyncio.sleep(0.01)  # hold the write lock across a suspension
                order.append(i)

        await asyncio.gather(*(write(i) for i in range(20)))
        async with db.transaction(write=False) as session:
            assert await session.scalar(text("SELECT n FROM counter")) == 20
        assert order == list(range(20))  # first come, first served
    finally:
        await db.dispose()
        monkeypatch.undo()
        reset_settings()


async def test_readers_do_not_wait_for_the_writer(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'readers.db'}")
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (n INTEGER)"))
        async with db.transaction() as writer:
            await writer.execute(text("INSERT INTO t VALUES (1)"))
            async with db.transaction(write=False) as reader:  # would deadlock if reads took turns too
                assert await asyncio.wait_for(reader.scalar(text("SELECT count(*) FROM t")), 5) == 0
    finally:
        await db.dispose()
