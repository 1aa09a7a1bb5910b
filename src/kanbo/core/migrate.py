"""Schema upgrades with Alembic, from the CLI, on server start and in tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from kanbo.config import get_settings
from kanbo.core.db import create_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", (url or get_settings().db.url).replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s")
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Upgrade the schema. Runs its own event loop, so call it outside one (or in a thread)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str | None = None) -> None:
    await asyncio.to_thread(upgrade, url)


def current_revision(url: str | None = None) -> str | None:
    """The schema revision of the database, ``None`` for a database Kanbo never migrated (an empty one).

    Runs its own event loop. On SQLite, connecting creates the file: look for it first if that matters.
    """
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async def run() -> str | None:
        engine = create_engine(url or get_settings().db.url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())
