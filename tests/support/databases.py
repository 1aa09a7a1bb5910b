"""Creating and dropping the database of one test run."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def kind() -> str:
    return os.environ.get("KANBO_TEST_DB", "sqlite").lower()


def pg_admin_url() -> str:
    return os.environ.get("KANBO_TEST_PG_URL", DEFAULT_PG)


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
    """Create an empty PostgreSQL database; return (url, name). Fails under CI when unreachable."""
    admin = pg_admin_url()
    name = f"kanbo_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_pg_execute(admin, f'CREATE DATABASE "{name}"'))
    except (OSError, Exception) as error:  # asyncpg raises several unrelated types
        message = f"PostgreSQL is not reachable at {admin}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    base, _, _ = admin.rpartition("/")
    return f"{base}/{name}", name


def create_test_database(directory: Path) -> TestDatabase:
    if kind() == "postgresql":
        url, name = new_pg_database()
        return TestDatabase(url=url, kind="postgresql", name=name)
    return TestDatabase(url=f"sqlite+aiosqlite:///{directory / 'kanbo.db'}", kind="sqlite")
