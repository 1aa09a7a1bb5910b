"""A real HTTP server for the test app (event streams need one: the ASGI transport buffers whole responses),
and a reader of ``text/event-stream`` responses."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

STREAM = "/api/v4/events/stream"


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` (its lifespan already running) on a free loopback port in this event loop; the base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    started = time.monotonic()
    while not server.started:
        assert not task.done(), "the test server did not start"
        assert time.monotonic() - started < 10, "the test server did not start within 10 s"
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@dataclass
class Message:
    """One message of an event stream (a comment-only message has only ``comments``)."""

    id: str | None = None
    event: str | None = None
    data: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def body(self) -> Any:
        assert self.data is not None
        return json.loads(self.data)


class Reader:
    """Reads a ``text/event-stream`` response message by message, as the SSE specification parses it."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()
        self.received: list[Message] = []

    async def next(self, seconds: float = 5.0) -> Message | None:
        """The next message within ``seconds``; ``None`` when the server ended the stream."""
        message = Message()
        seen = False
        while True:
            try:
                line = await asyncio.wait_for(anext(self._lines), seconds)
            except StopAsyncIteration:
                return None
            if line == "":
                if seen:
                    self.received.append(message)
                    return message
                continue
            seen = True
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
            elif name == "data":
                message.data = value if message.data is None else message.data + "\n" + value
            elif name == "retry":
                message.retry = int(value)
            elif name in ("id", "event"):
                setattr(message, name, value)

    async def events(self, until: Callable[[Message], bool], seconds: float = 5.0) -> list[Message]:
        """The event messages (comments left out) up to the first that ``until`` accepts, which must come
        within ``seconds``."""
        deadline = time.monotonic() + seconds
        found: list[Message] = []
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no matching message within {seconds} s; got {[m.event for m in found]}"
            try:
                message = await self.next(left)
            except TimeoutError:
                raise AssertionError(f"no matching message within {seconds} s; got {[m.event for m in found]}") \
                    from None
            assert message is not None, "the server ended the stream"
            if message.event is None:
                continue
            found.append(message)
            if until(message):
                return found


@asynccontextmanager
async def stream(target: str | httpx.AsyncClient, headers: dict[str, str] | None = None,
                 query: str = "") -> AsyncIterator[Reader]:
    """Open ``GET /api/v4/events/stream`` on a real server (its base URL, or a client of it holding a browser
    session); its first message (``retry:``) is read already, so the stream's cursor is set."""
    async with contextlib.AsyncExitStack() as stack:
        http = target if isinstance(target, httpx.AsyncClient) else await stack.enter_async_context(
            httpx.AsyncClient(base_url=target, timeout=httpx.Timeout(10, read=None)))
        response = await stack.enter_async_context(http.stream("GET", STREAM + query, headers=headers or {}))
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = Reader(response)
        first = await reader.next()
        assert first is not None and first.retry is not None
        yield reader
