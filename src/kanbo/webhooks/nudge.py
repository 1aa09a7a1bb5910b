"""Wake the webhook worker as soon as events are committed instead of at its next poll.

* In one process (``kanbo serve`` with its embedded worker): a session that wrote outbox rows wakes
  every worker of the process right after its commit.
* Across processes on PostgreSQL: the same transaction sends ``NOTIFY kanbo_outbox``, which PostgreSQL
  delivers only if the transaction commits; every worker listens on a connection of its own
  (:class:`PgListener`).

Polling stays as the safety net: a lost notification costs at most one poll interval, never an event.

The event log only flags a session that wrote outbox rows (``events.service.OUTBOX_WRITTEN``);
:func:`install`, called at start-up by every process that serves or writes, hooks the commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kanbo.events.service import OUTBOX_WRITTEN

log = logging.getLogger("kanbo.webhooks")

CHANNEL = "kanbo_outbox"


class Waker:
    """An asyncio event that may be set from any thread (notifications, commits, finished requests)."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def set(self) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            self.loop.call_soon_threadsafe(self._event.set)

    async def wait(self, seconds: float) -> None:
        """Until set or ``seconds`` have passed; clears the event for the next wait."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), seconds)
        self._event.clear()


_wakers: set[Waker] = set()
_lock = threading.Lock()


def register(waker: Waker) -> None:
    with _lock:
        _wakers.add(waker)


def unregister(waker: Waker) -> None:
    with _lock:
        _wakers.discard(waker)


def wake_all() -> None:
    with _lock:
        wakers = list(_wakers)
    for waker in wakers:
        waker.set()


def _notify_other_processes(session: Session) -> None:
    if session.info.get(OUTBOX_WRITTEN) and session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


def _wake_this_process(session: Session) -> None:
    if session.info.pop(OUTBOX_WRITTEN, False):
        wake_all()


def _forget(session: Session) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)


_HOOKS = (("before_commit", _notify_other_processes), ("after_commit", _wake_this_process),
          ("after_rollback", _forget))


def install() -> None:
    """Hook every session's commits (idempotent): NOTIFY on PostgreSQL, wake this process's workers."""
    for name, hook in _HOOKS:
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


class PgListener:
    """``LISTEN kanbo_outbox`` on a connection of its own; reconnects (at most every 10 s) when lost."""

    RETRY_SECONDS = 10.0

    def __init__(self, url: str, waker: Waker) -> None:
        self.url = url
        self.waker = waker
        self._connection: Any = None
        self._tried_at = float("-inf")

    async def ensure(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            return
        loop = asyncio.get_running_loop()
        if loop.time() - self._tried_at < self.RETRY_SECONDS:
            return
        self._tried_at = loop.time()
        try:
            import asyncpg

            dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            connection = await asyncio.wait_for(asyncpg.connect(dsn), 5)
            await connection.add_listener(CHANNEL, self._on_notify)
            # A lost connection wakes the worker, whose next round listens again.
            connection.add_termination_listener(self._on_notify)
        except Exception as error:  # polling still works; try again later
            log.warning("webhook worker cannot LISTEN for new events (%s); polling only", error)
            self._connection = None
            return
        self._connection = connection
        self.waker.set()  # events committed while no one listened: look now

    def _on_notify(self, *args: Any) -> None:
        self.waker.set()

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._connection.close(), 5)
            self._connection = None
