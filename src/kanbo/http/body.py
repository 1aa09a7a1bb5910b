"""Request bodies: JSON whatever the Content-Type says, batches of at most 250 items."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request

from kanbo.core.errors import BadRequest
from kanbo.http.query import MAX_QUERY_PAIRS, parse_form_body


async def _body(request: Request) -> bytes:
    """The raw body; NUL characters are refused (PostgreSQL cannot store them in text)."""
    raw = await request.body()
    if b"\x00" in raw or b"\\u0000" in raw:
        raise BadRequest("Request body may not contain NUL characters")
    return raw


async def read_json(request: Request, *, required: bool = True) -> Any:
    """Parse the body as JSON; a form body is accepted as PHP-style nested fields."""
    raw = await _body(request)
    if not raw.strip():
        if required:
            raise BadRequest("Request data can not be empty")
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        try:
            return parse_form_body(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise BadRequest("Request body is not valid UTF-8") from None
    raise BadRequest("Request body is not valid JSON")


def read_plain_form(raw: bytes) -> dict[str, str]:
    """A flat ``application/x-www-form-urlencoded`` body (the last value of a repeated field), bounded
    like query strings: more than :data:`MAX_QUERY_PAIRS` fields is a 400."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("Request body is not valid UTF-8") from None
    try:
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_QUERY_PAIRS))
    except ValueError:
        raise BadRequest(f"Too many parameters: at most {MAX_QUERY_PAIRS} are accepted") from None


async def read_form_or_json(request: Request) -> dict[str, Any]:
    """For the OAuth token endpoint: JSON or ``application/x-www-form-urlencoded``."""
    raw = await _body(request)
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return read_plain_form(raw)
    if not isinstance(data, dict):
        raise BadRequest("Request body must be a JSON object")
    return data
