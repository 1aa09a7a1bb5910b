"""``ListParams`` as a list route reads it: the query string of a list, with a route's own limits."""

from __future__ import annotations

from collections.abc import Iterable

from kanbo.http.query import ListQuery
from kanbo.http.wire import ListParams, validate_query


def parse_list_query(raw: str | bytes, *, default_limit: int = 50, max_limit: int = 250,
                     orderable: Iterable[str] = ()) -> ListQuery:
    params = type("Params", (ListParams,), {"__annotations__": {}})
    params.default_limit, params.max_limit, params.orderable = default_limit, max_limit, tuple(orderable)
    return validate_query(params, raw).list_query()
