"""Schema upgrades with Alembic, from the CLI, on server start and in tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

from kanbo.config import get_settings

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
