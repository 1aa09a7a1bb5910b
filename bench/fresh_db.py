"""Fresh benchmark databases (no Kanbo import: ``bench/wire.py`` runs other revisions' code in children)."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import make_url


def recreate_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database that ``url`` names (through the server's ``postgres`` one)."""
    target = make_url(url)

    async def recreate() -> None:
        import asyncpg

        connection = await asyncpg.connect(host=target.host, port=target.port or 5432, user=target.username,
                                           password=target.password, database="postgres")
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
            await connection.execute(f'CREATE DATABASE "{target.database}"')
        finally:
            await connection.close()

    asyncio.run(recreate())
