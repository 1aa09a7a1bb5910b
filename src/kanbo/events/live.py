"""Live updates: ``GET /api/v4/events/stream`` sends the account's new events as server-sent events.

Each stream reads the log from a cursor, the event *position* (:mod:`kanbo.events.commits` explains why
positions and not ``seq``): the events after it that the user may see, exactly as the events list
chooses them (``repository.visibility``: the rights policy's view and stage rights) and renders them.
It holds no database connection while it waits: every read opens a short session of its own.

It waits for a wake-up. :class:`LiveStreams`, one per API process, subscribes to the log's commit
announcements and wakes the streams of the account that committed: at once for a commit of this
process, through ``NOTIFY``/``LISTEN`` for one of another process on PostgreSQL. As a safety net it
also reads the accounts' last positions every ``KANBO_STREAM_POLL_SECONDS`` (one statement for all
its streams) and wakes the streams of an account that moved, so a lost notification (or a writer on
SQLite in another process) costs seconds, never an event.

Every ``KANBO_STREAM_HEARTBEAT_SECONDS`` of silence a stream sends a comment, so proxies keep it open;
every minute it checks the credentials again (a revoked token or a deactivated user ends it, and
changed rights apply). A stream ends when the client goes, when reading fails (the client reconnects
and resumes from its last id), and when the process shuts down (:meth:`LiveStreams.end_all`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import Counter
from collections.abc import AsyncIterator

import orjson
from sqlalchemy import ColumnElement
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from kanbo.auth.principal import authenticate
from kanbo.config import get_settings
from kanbo.core.db import Database, bind_account
from kanbo.core.errors import KanboError, TooManyRequests
from kanbo.core.principal import Principal
from kanbo.core.wakeups import Waker
from kanbo.events import commits
from kanbo.events import repository as repo
from kanbo.events.wire import render_event
from kanbo.models.events import Event

log = logging.getLogger("kanbo")

RETRY_MS = 3000  # the reconnection delay the stream asks of EventSource
PAGE = 100  # events per read; a longer backlog is read page after page
REAUTH_SECONDS = 60.0
PING = b": ping\n\n"


class LiveStreams:
    """This process's open streams: who is woken by which account's commits, the cap of streams per user,
    the safety-net poll, and the end of every stream when the process shuts down."""

    def __init__(self, db: Database) -> None:
        settings = get_settings().stream
        self.db = db
        self.per_user = settings.per_user
        self.heartbeat_seconds = settings.heartbeat_seconds
        self.poll_seconds = settings.poll_seconds
        self.closing = False
        self._lock = threading.Lock()
        self._wakers: dict[int, set[Waker]] = {}  # account → its streams' wakers
        self._users: Counter[tuple[int, int]] = Counter()  # (account, user) → open streams
        self._seen: dict[int, int] = {}  # account → last position at the previous poll
        self._stack = contextlib.AsyncExitStack()
        self._poller: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        commits.subscribe(self.wake)
        await self._stack.enter_async_context(commits.listening(self.db))
        self._poller = asyncio.create_task(self._poll_forever(), name="kanbo-stream-poll")

    async def close(self) -> None:
        self.closing = True
        self.wake(None)
        commits.unsubscribe(self.wake)
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self._stack.aclose()

    def end_all(self) -> None:
        """End every stream (process shutdown). Safe from a signal handler: it takes no lock."""
        self.closing = True
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: no stream is left
                self._loop.call_soon_threadsafe(self.wake, None)

    def wake(self, account_id: int | None) -> None:
        """Wake the streams of an account (``None``: every stream). Any thread."""
        with self._lock:
            if account_id is None:
                wakers = [waker for group in self._wakers.values() for waker in group]
            else:
                wakers = list(self._wakers.get(account_id, ()))
        for waker in wakers:
            waker.set()

    def admit(self, principal: Principal) -> Waker:
        """A place for one more stream of the user, or 429 when the user holds ``per_user`` already."""
        key = (principal.account_id, principal.user_id)
        with self._lock:
            if self._users[key] >= self.per_user:
                raise TooManyRequests(f"Too many open event streams: at most {self.per_user} per user",
                                      retry_after=10)
            self._users[key] += 1
            waker = Waker()
            self._wakers.setdefault(principal.account_id, set()).add(waker)
        return waker

    def leave(self, principal: Principal, waker: Waker) -> None:
        key = (principal.account_id, principal.user_id)
        with self._lock:
            group = self._wakers.get(principal.account_id)
            if group is None or waker not in group:
                return  # left already
            group.discard(waker)
            if not group:
                del self._wakers[principal.account_id]
                self._seen.pop(principal.account_id, None)
            self._users[key] -= 1
            if self._users[key] <= 0:
                del self._users[key]

    def open_streams(self) -> int:
        with self._lock:
            return sum(len(group) for group in self._wakers.values())

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.poll()
            except Exception as error:  # the database may be away for a while; the next poll tries again
                log.warning("event streams: cannot look for new events (%s)", error)

    async def poll(self) -> None:
        """Wake the streams of every account whose last position moved since the previous poll."""
        with self._lock:
            accounts = sorted(self._wakers)
        if not accounts:
            return
        async with self.db.transaction(write=False) as session:
            positions = await repo.last_positions(session, accounts)
        for account_id, position in positions.items():
            if self._seen.get(account_id) != position:
                self._seen[account_id] = position
                self.wake(account_id)


class EventStream:
    """One client's stream: its cursor, its principal (checked again every minute) and its filters."""

    def __init__(self, live: LiveStreams, request: Request, principal: Principal,
                 clauses: list[ColumnElement[bool]], cursor: int) -> None:
        self.live = live
        self.request = request
        self.principal = principal
        self.clauses = clauses
        self.cursor = cursor
        self.waker = live.admit(principal)

    def leave(self) -> None:
        self.live.leave(self.principal, self.waker)

    async def messages(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            checked_at = sent_at = loop.time()
            woken = True  # read once at the start: what was missed since the cursor
            while not self.live.closing:
                if loop.time() - checked_at >= REAUTH_SECONDS:
                    if not await self._authenticate():
                        return
                    checked_at, woken = loop.time(), True
                if woken:
                    events, more = await self._read()
                    if events:
                        yield b"".join(self._message(event) for event in events)
                        sent_at = loop.time()
                    if more:
                        continue
                idle = self.live.heartbeat_seconds - (loop.time() - sent_at)
                if idle <= 0:
                    yield PING
                    sent_at, idle = loop.time(), self.live.heartbeat_seconds
                woken = await self.waker.wait(min(idle, REAUTH_SECONDS - (loop.time() - checked_at)))
        except Exception as error:  # the client reconnects and resumes from the last id it got
            log.warning("event stream ended by an error (%s)", error)
        finally:
            self.leave()

    async def _read(self) -> tuple[list[Event], bool]:
        async with self.live.db.transaction(write=False) as session:
            bind_account(session, self.principal.account_id)
            events, self.cursor, more = await repo.stream_page(session, self.principal, self.clauses, self.cursor,
                                                               PAGE)
        return events, more

    async def _authenticate(self) -> bool:
        """Check the request's credentials again; whether the stream may go on."""
        try:
            async with self.live.db.transaction(write=False) as session:
                self.principal = await authenticate(self.request, session, count=False)  # the same user
        except KanboError:
            return False
        return True

    def _message(self, event: Event) -> bytes:
        data = orjson.dumps(render_event(self.request, event))
        return b"id: %d\nevent: %s\ndata: %s\n\n" % (event.position or 0, event.type.encode(), data)


class EventStreamResponse(StreamingResponse):
    """``text/event-stream``, unbuffered by proxies; the stream's place is given back however it ends."""

    media_type = "text/event-stream"

    def __init__(self, stream: EventStream) -> None:
        super().__init__(stream.messages(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.stream.leave()  # also when the body never started (the client left first)
