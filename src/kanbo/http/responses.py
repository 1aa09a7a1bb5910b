"""Response classes with Kommo's exact content types."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class HalResponse(Response):
    media_type = "application/hal+json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class ProblemResponse(Response):
    media_type = "application/problem+json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def no_content() -> Response:
    """204 with an empty body and no content type."""
    return Response(status_code=204)
