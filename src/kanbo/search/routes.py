"""``GET /api/v4/search`` (Kanbo extension): leads, contacts and companies matching a text, in one request."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.entities.wire import entity_path
from kanbo.http.hal import href
from kanbo.http.responses import HalResponse
from kanbo.http.route import TxRoute
from kanbo.http.wire import query, responses
from kanbo.search import service
from kanbo.search.wire import SearchOut, SearchQuery

router = APIRouter(route_class=TxRoute)


def _render(ctx: Ctx, found: service.Found, row: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row.id, "name": row.name}
    if found.kind.name == "leads":
        body.update(price=row.price, pipeline_id=row.pipeline_id, status_id=row.status_id)
    else:
        body.update(phone=found.first_value(row, "PHONE"), email=found.first_value(row, "EMAIL"))
    body["_links"] = {"self": href(ctx.request, entity_path(found.kind.name, row.id))}
    return body


@router.get("/api/v4/search", name="search", responses=responses(SearchOut))
async def search(ctx: Ctx = Depends(api_context), params: SearchQuery = query(SearchQuery)) -> Response:
    found = await service.search(ctx.session, ctx.principal, params.query, params.limit)
    return HalResponse({
        "query": params.query,
        "_links": {"self": href(ctx.request, ctx.request.url.path, ctx.request.url.query)},
        "_embedded": {each.kind.name: [_render(ctx, each, row) for row in each.rows] for each in found},
    })
