"""Fixtures shared by the webhook delivery tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.webhooks.sink import Sink


@pytest_asyncio.fixture
async def sink() -> AsyncIterator[Sink]:
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    server = await Sink().start()
    try:
        yield server
    finally:
        await server.stop()
