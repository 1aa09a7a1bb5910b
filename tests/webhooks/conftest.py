"""Fixtures shared by the webhook delivery tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from kanbo.config import reset_settings
from tests.webhooks.sink import Sink


@pytest.fixture
def private_destinations(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The sink listens on 127.0.0.1: let webhooks reach loopback, as KANBO_WEBHOOKS_ALLOW_PRIVATE does."""
    monkeypatch.setenv("KANBO_WEBHOOKS_ALLOW_PRIVATE", "true")
    reset_settings()
    yield
    monkeypatch.undo()
    reset_settings()


@pytest_asyncio.fixture
async def sink() -> AsyncIterator[Sink]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    server = await Sink().start()
    try:
        yield server
    finally:
        await server.stop()
