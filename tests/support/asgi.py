"""The in-process client's transport: httpx's ASGI transport, which hangs up on an event stream.

httpx's ``ASGITransport`` returns a response only once the app has sent all of it, and an event stream
(``GET /api/v4/events/stream``) never ends by itself: every test that sends any request to every route
(robustness, schemathesis, the rights matrix) would wait forever. This transport behaves like a client
that reads the first chunk of an event stream and goes away: the app is told the client disconnected,
and the response holds what was sent until then. Everything else is httpx's transport unchanged. Tests
of the stream itself read it from a real server (``tests/support/live.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EVENT_STREAM = b"text/event-stream"


def _hanging_up(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()
        stream = False
        completed = False

        async def send_then_hang_up(message: Message) -> None:
            nonlocal stream, completed
            if message["type"] == "http.response.start":
                stream = any(key == b"content-type" and value.startswith(EVENT_STREAM)
                             for key, value in message.get("headers", []))
            await send(message)
            if message["type"] == "http.response.body":
                completed = not message.get("more_body", False)
                if stream and not completed:
                    gone.set()

        async def receive_until_gone() -> Message:
            if gone.is_set():
                return {"type": "http.disconnect"}
            received = asyncio.ensure_future(receive())
            hung_up = asyncio.ensure_future(gone.wait())
            await asyncio.wait([received, hung_up], return_when=asyncio.FIRST_COMPLETED)
            hung_up.cancel()
            if received.done():
                return received.result()
            received.cancel()
            return {"type": "http.disconnect"}

        await app(scope, receive_until_gone, send_then_hang_up)
        if stream and not completed:  # the app stopped writing when the client went: the response ends here
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return wrapped


class ASGITransport(httpx.ASGITransport):
    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app=_hanging_up(app), **options)
