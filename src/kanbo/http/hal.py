"""HAL envelopes with absolute links built on the request's own scheme, host and port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, quote_from_bytes, unquote_plus

from starlette.requests import Request
from starlette.responses import Response

from kanbo.http.query import ListQuery
from kanbo.http.responses import HalResponse, no_content


def base_url(request: Request) -> str:
    """``scheme://host[:port]`` of the request, worked out once per request (a list renders a link
    per item)."""
    known: str | None = request.scope.get("kanbo.base_url")
    if known is None:
        host = request.headers.get("host") or request.url.netloc
        known = request.scope["kanbo.base_url"] = f"{request.url.scheme}://{host}"
    return known


def api_host(request: Request) -> str:
    """The host (with port) clients should use for this account: Kommo's ``referer``/``api_domain``."""
    return request.headers.get("host") or request.url.netloc


def href(request: Request, path: str, query: str = "") -> dict[str, str]:
    url = base_url(request) + path
    if query:
        url += "?" + query
    return {"href": url}


def self_links(request: Request, path: str) -> dict[str, Any]:
    return {"self": href(request, path)}


# Everything printable in ASCII stays as the client sent it; spaces and non-ASCII bytes are encoded.
_QUERY_SAFE = "!#$%&'()*+,-./:;=?@[]^_`{|}~"


def _raw_query(request: Request) -> str:
    return quote_from_bytes(request.scope.get("query_string", b""), safe=_QUERY_SAFE)


def _query_with_page(request: Request, page: int) -> str:
    """Every original query parameter, as the client sent it, with ``page`` replaced."""
    pairs = []
    for pair in _raw_query(request).split("&"):
        if not pair:
            continue
        key = unquote_plus(pair.partition("=")[0])
        if key == "page":
            continue
        pairs.append(pair)
    pairs.append(f"page={page}")
    return "&".join(pairs)


def _path(request: Request) -> str:
    return quote(request.url.path, safe="/:@!$&'()*+,;=-._~")


def item(request: Request, body: dict[str, Any], status_code: int = 200) -> HalResponse:
    return HalResponse(body, status_code=status_code)


def collection(
    request: Request,
    key: str,
    items: Sequence[dict[str, Any]],
    query: ListQuery | None = None,
    *,
    has_next: bool = False,
    total: int | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """A HAL list page, or 204 with an empty body when the page holds nothing."""
    if not items:
        return no_content()
    page = query.page if query else 1
    path = _path(request)
    raw_query = _raw_query(request)
    links: dict[str, Any] = {"self": href(request, path, raw_query)}
    if query is not None:
        if has_next:
            links["next"] = href(request, path, _query_with_page(request, page + 1))
        links["first"] = href(request, path, _query_with_page(request, 1))
        if page > 1:
            links["prev"] = href(request, path, _query_with_page(request, page - 1))
    body: dict[str, Any] = {}
    if total is not None and query is not None:
        body["_total_items"] = total
        body["_page"] = page
        body["_page_count"] = max(1, -(-total // query.limit))
    elif query is not None:
        body["_page"] = page
    if extra:
        body.update(extra)
    body["_links"] = links
    body["_embedded"] = {key: list(items)}
    return HalResponse(body)


def created(
    request: Request, key: str, items: Sequence[dict[str, Any]], extra: dict[str, Any] | None = None
) -> HalResponse:
    """Answer of a batch write: ``{"_links": {"self"}, "_embedded": {key: [...]}}``."""
    body: dict[str, Any] = dict(extra or {})
    body["_links"] = {"self": href(request, _path(request))}
    body["_embedded"] = {key: list(items)}
    return HalResponse(body)
