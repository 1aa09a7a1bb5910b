"""Creating and dropping the database of one test run.

PostgreSQL tests never skip: when the server named by ``KANBO_TEST_PG_URL`` cannot be reached, the run
starts a private one from the installed binaries (``tests/support/pgserver.py``), and fails with a
clear message when none is installed.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support.pgserver import NoPostgres, start_private_server

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
_admin_url: str | None = None


def kind() -> str:
    return os.environ.get("KANBO_TEST_DB", "sqlite").lower()


def pg_admin_url() -> str:
    """The server this run creates its databases on: the configured one, else a private one."""
    global _admin_url
    if _admin_url is None:
        configured = os.environ.get("KANBO_TEST_PG_URL", DEFAULT_PG)
        try:
            asyncio.run(_pg_execute(configured, "SELECT 1"))
            _admin_url = configured
        except Exception as unreachable:  # asyncpg raises several unrelated types
            try:
                server = start_private_server()
            except NoPostgres as error:
                pytest.fail(f"PostgreSQL is not reachable at {configured} ({unreachable}) and no private server "
                            f"could be started: {error}", pytrace=False)
            atexit.register(server.stop)
            _admin_url = server.admin_url
    return _admin_url


@dataclass
class TestDatabase:
    url: str
    kind: str
    name: str = ""

    def drop(self) -> None:
        if self.kind == "postgresql":
            asyncio.run(_pg_execute(pg_admin_url(), f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


async def _pg_execute(url: str, sql: str) -> None:
    import asyncpg

    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(plain, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def new_pg_database() -> tuple[str, str]:
    """Create an empty PostgreSQL database; return (url, name)."""
    admin = pg_admin_url()
    name = f"kanbo_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_execute(admin, f'CREATE DATABASE "{name}"'))
    base, _, _ = admin.rpartition("/")
    return f"{base}/{name}", name


def create_test_database(directory: Path) -> TestDatabase:
    if kind() == "postgresql":
        url, name = new_pg_database()
        return TestDatabase(url=url, kind="postgresql", name=name)
    return TestDatabase(url=f"sqlite+aiosqlite:///{directory / 'kanbo.db'}", kind="sqlite")


T = TypeVar("T")


def in_thread(work: Callable[[], T]) -> T:
    """Blocking work that runs its own event loop (``asyncio.run``), away from the test session's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@contextlib.contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new empty PostgreSQL database for one test (or module), dropped afterwards."""
    url, name = in_thread(new_pg_database)
    try:
        yield url
    finally:
        in_thread(TestDatabase(url=url, kind="postgresql", name=name).drop)
