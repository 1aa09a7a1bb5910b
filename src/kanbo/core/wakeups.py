"""Waking sleepers: a thread-safe asyncio event, and ``LISTEN`` on PostgreSQL on a connection of its own.

These are mechanics only; what is announced and who listens is decided higher up (the event log's
:mod:`kanbo.events.commits`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger("kanbo")


class Waker:
    """An asyncio event that may be set from any thread (notifications, commits, finished requests)."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def set(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            self.loop.call_soon_threadsafe(self._event.set)

    async def wait(self, seconds: float) -> bool:
        """Until set or ``seconds`` have passed; whether it was set. Clears the event for the next wait."""
        woken = False
        with contextlib.suppress(TimeoutError):
            woken = await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()
        return woken


class PgListener:
    """``LISTEN <channel>`` on a connection of its own while :meth:`run` runs.

    ``on_notify(payload)`` gets each notification's payload, and ``None`` whenever notifications may
    have been missed: once listening starts, and again after a lost connection is listening anew. It
    is called on the event loop and must not block. A lost connection is replaced at once, then at
    most every ``RETRY_SECONDS`` while connecting fails.
    """

    RETRY_SECONDS = 10.0

    def __init__(self, url: str, channel: str, on_notify: Callable[[str | None], None]) -> None:
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.channel = channel
        self.on_notify = on_notify
        self.connection: Any = None

    async def run(self, stop: asyncio.Event) -> None:
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                lost = asyncio.Event()
                self.connection = await self._connect(lost)
                if self.connection is None:  # polling still works; try again later
                    await asyncio.wait([stopping], timeout=self.RETRY_SECONDS)
                    continue
                self.on_notify(None)  # whatever was committed while no one listened: look now
                waiting = asyncio.ensure_future(lost.wait())
                await asyncio.wait([stopping, waiting], return_when=asyncio.FIRST_COMPLETED)
                waiting.cancel()
                await self._close()
        finally:
            stopping.cancel()
            await self._close()

    async def _connect(self, lost: asyncio.Event) -> Any:
        import asyncpg

        try:
            connection = await asyncio.wait_for(asyncpg.connect(self.dsn), 5)
            await connection.add_listener(self.channel, self._on_notification)
            connection.add_termination_listener(lambda *_: lost.set())
        except Exception as error:
            log.warning("cannot LISTEN %s (%s); polling only until it works", self.channel, error)
            return None
        return connection

    def _on_notification(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self.on_notify(payload)

    async def _close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)
