"""Pure ASGI middleware: path normalisation, request ids, the request body limit, JSON for JSON clients."""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kanbo.core.errors import PayloadTooLarge
from kanbo.http.negotiation import HAL, JSON, prefers_plain_json
from kanbo.http.problems import problem

_SLASHES = re.compile(r"/{2,}")
_RAW_SLASHES = re.compile(rb"/{2,}")
_HAL, _JSON = HAL.encode(), JSON.encode()


class KanboMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if "//" in path:  # some clients build `//api/v4/...`
            scope = dict(scope)
            scope["path"] = _SLASHES.sub("/", path)
            raw_path = scope.get("raw_path")
            if isinstance(raw_path, bytes):
                scope["raw_path"] = _RAW_SLASHES.sub(b"/", raw_path)
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        plain_json = prefers_plain_json(_header(scope, b"accept"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if plain_json:
                    headers = [(k, _JSON) if k == b"content-type" and v == _HAL else (k, v) for k, v in headers]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await problem(self._too_large())(scope, receive, send_with_id)
            return

        received = 0
        limit = self.max_body_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send_with_id)

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"Request body is larger than {self.max_body_bytes} bytes")


def _header(scope: Scope, name: bytes) -> Any:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None
