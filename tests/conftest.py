"""Test harness: one migrated database per run (SQLite or PostgreSQL), one app, account factories.

Choose the database with ``KANBO_TEST_DB=sqlite|postgresql`` (``make test`` runs both). The
PostgreSQL server comes from ``KANBO_TEST_PG_URL`` (default: the local one, database ``test``); each
run creates and drops its own database there. When that server cannot be reached the run starts a
private one from the installed binaries; with none installed it fails. PostgreSQL tests never skip.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

os.environ.setdefault("KANBO_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_ARGON2_PROFILE", "test")
os.environ.setdefault("KANBO_SESSION_RATE_LIMIT_RPS", "0")
os.environ.setdefault("KANBO_WORKER_IN_PROCESS", "false")  # no background webhook worker in tests

from tests.support.databases import TestDatabase, create_test_database


def pytest_report_header(config: pytest.Config) -> str:
    return f"kanbo database: {os.environ.get('KANBO_TEST_DB', 'sqlite')}"


@pytest.fixture(scope="session")
def test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    database = create_test_database(Path(tmp_path_factory.mktemp("db")))
    os.environ["KANBO_DATABASE_URL"] = database.url
    from kanbo.config import reset_settings
    from kanbo.core import migrate

    reset_settings()
    migrate.upgrade(database.url)
    try:
        yield database
    finally:
        database.drop()


@pytest_asyncio.fixture(scope="session")
async def app(test_database: TestDatabase) -> AsyncIterator[object]:
    from kanbo.app import create_app

    application = create_app(test_database.url)
    async with application.router.lifespan_context(application):
        yield application


@pytest_asyncio.fixture(scope="session")
async def db(app: object) -> object:
    return app.state.db  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def fresh_login_throttle(request: pytest.FixtureRequest) -> None:
    """Failed sign-ins of one test do not throttle the next (the app lives for the whole session)."""
    if "app" in request.fixturenames:
        throttle = getattr(request.getfixturevalue("app").state, "login_throttle", None)
        if throttle is not None:
            throttle.reset()


@pytest_asyncio.fixture
async def client(app: object) -> AsyncIterator[object]:
    import httpx

    from tests.support.asgi import ASGITransport

    transport = ASGITransport(app=app)  # hangs up on event streams after their first chunk
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        yield http


@pytest_asyncio.fixture(scope="session")
async def live_url(app: object) -> AsyncIterator[str]:
    """The app on a real HTTP server (started when a test first asks): event streams need one."""
    from tests.support.live import serving

    async with serving(app) as url:
        yield url


@pytest_asyncio.fixture
async def tenant(db: object) -> object:
    """A fresh account with an admin and a long-lived admin token."""
    from tests.support.factories import make_tenant

    return await make_tenant(db)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def event_loop_policy() -> asyncio.AbstractEventLoopPolicy:
    return asyncio.DefaultEventLoopPolicy()
