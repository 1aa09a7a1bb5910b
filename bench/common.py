"""What the UI benchmarks share (``bench/board.py``, ``bench/palette.py``): a fresh database, an account
filled by ``kanbo demo``'s own filler (:func:`kanbo.seed.fill`), the in-process API, timings. Not a test."""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("KANBO_WORKER_IN_PROCESS", "false")
os.environ.setdefault("KANBO_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_SESSION_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_ARGON2_PROFILE", "test")

import httpx
from fresh_db import recreate_postgres
from sqlalchemy import event

from kanbo.core.db import Database
from kanbo.models.accounts import Account
from kanbo.seed import fill


def database_url(url: str, name: str) -> str:
    """A temporary SQLite file by default; a PostgreSQL URL's database is dropped and created anew."""
    if not url:
        return f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/{name}.db"
    recreate_postgres(url)
    return url


@dataclass
class Bench:
    db: Database
    api: httpx.AsyncClient
    tenant: Any  # tests.support.factories.Tenant
    users: list[Any]  # the other members (Member), responsible for some of the leads


@asynccontextmanager
async def filled(url: str, leads: int, users: int = 4) -> AsyncIterator[Bench]:
    """A migrated database with one account (country US, ``users`` members besides the admin; the first may
    view only the leads it is responsible for) holding ``leads`` leads in its one pipeline, a contact each
    and a company per ten (``kanbo demo``)."""
    from tests.support.factories import make_tenant, restricted_rights

    from kanbo.app import create_app
    from kanbo.core import migrate

    await asyncio.to_thread(migrate.upgrade, url)
    app = create_app(url)
    async with app.router.lifespan_context(app):
        db: Database = app.state.db  # type: ignore[attr-defined]
        tenant = await make_tenant(db)
        own = restricted_rights(leads={"view": "M", "edit": "M", "delete": "M", "export": "M"})
        members = [await tenant.add_user(name=f"Seller {i}", rights=own if i == 0 else None) for i in range(users)]
        started = time.monotonic()
        async with db.transaction() as session:
            account = await session.get(Account, tenant.id)
            assert account is not None
            account.country = "US"
            await fill(session, account, leads)
        print(f"{db.dialect}: {leads:,} leads, contacts and their companies in {time.monotonic() - started:.1f} s")
        if db.dialect == "postgresql":  # autovacuum would soon analyse such an insert
            async with db.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.exec_driver_sql("ANALYZE")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as api:
            yield Bench(db, api, tenant, members)


async def timed(work: Callable[[], Awaitable[Any]], repeat: int) -> tuple[float, float, Any]:
    """p50 and p95 in ms of ``repeat`` runs after three warm-up runs, and the last result."""
    result = None
    for _ in range(3):
        result = await work()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await work()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))], result


class StatementClock:
    """Durations in ms of the statements containing ``marker`` (the database's part of a request)."""

    def __init__(self, db: Database, marker: str) -> None:
        self.engine, self.marker = db.engine.sync_engine, marker
        self.durations: list[float] = []
        self.statements: list[tuple[str, Any]] = []

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, *args: Any) -> None:
        context._bench_started = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, *args: Any) -> None:
        if self.marker in statement:
            self.durations.append((time.perf_counter() - context._bench_started) * 1000)
            self.statements.append((statement, parameters))

    def __enter__(self) -> StatementClock:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def median(self) -> float:
        return statistics.median(self.durations) if self.durations else float("nan")


async def explain(db: Database, statement: str, parameters: Any) -> str:
    """The plan of one captured statement (``EXPLAIN ANALYZE`` on PostgreSQL)."""
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN ANALYZE "
    async with db.engine.connect() as connection:
        rows = (await connection.exec_driver_sql(prefix + statement, parameters)).all()
    return "\n".join(str(row[-1]) for row in rows)


async def get_json(api: httpx.AsyncClient, headers: Any, path: str) -> Any:
    response = await api.get(path, headers=headers)
    assert response.status_code in (200, 204), (path, response.status_code, response.text[:300])
    return response.json() if response.status_code == 200 else None
