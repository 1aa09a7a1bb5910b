"""``/api/v4/leads/pipelines`` and ``/api/v4/leads/pipelines/{id}/statuses`` (spec §7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, href
from kanbo.http.query import as_list, parse_query_string
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.accounts import Account
from kanbo.pipelines import service
from kanbo.pipelines.wire import render_pipeline, render_status, stage_order

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/leads/pipelines"


def _with(ctx: Ctx) -> frozenset[str]:
    return frozenset(as_list(parse_query_string(ctx.request.scope.get("query_string", b"")).get("with")))


@router.get(BASE)
async def list_pipelines(ctx: Ctx = Depends(api_context)) -> Response:
    views = await service.list_pipelines(ctx.session)
    descriptions = "descriptions" in _with(ctx)
    items = [render_pipeline(ctx.request, v.pipeline, v.statuses, with_descriptions=descriptions) for v in views]
    return collection(ctx.request, "pipelines", items, extra={"_total_items": len(items)})


@router.get(BASE + "/{pipeline_id:id}")
async def get_pipeline(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    view = await service.get_pipeline(ctx.session, pipeline_id)
    if view is None:
        return no_content()
    return HalResponse(render_pipeline(ctx.request, view.pipeline, view.statuses,
                                       with_descriptions="descriptions" in _with(ctx)))


@router.post(BASE)
async def add_pipelines(ctx: Ctx = Depends(api_context)) -> Response:
    items = await read_batch(ctx.request)
    account = await ctx.session.get(Account, ctx.principal.account_id)
    views = await service.add_pipelines(ctx.session, ctx.principal, items, account.language if account else "en")
    rendered = [{**render_pipeline(ctx.request, v.pipeline, v.statuses), "request_id": v.request_id} for v in views]
    return HalResponse({"_total_items": len(rendered), "_links": {"self": href(ctx.request, BASE)},
                        "_embedded": {"pipelines": rendered}})


@router.patch(BASE + "/{pipeline_id:id}")
async def update_pipeline(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    data = await read_object(ctx.request)
    view = await service.update_pipeline(ctx.session, ctx.principal, pipeline_id, data)
    return HalResponse(render_pipeline(ctx.request, view.pipeline, view.statuses))


@router.delete(BASE + "/{pipeline_id:id}")
async def delete_pipeline(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_pipeline(ctx.session, ctx.principal, pipeline_id)
    return no_content()


@router.get(BASE + "/{pipeline_id:id}/statuses")
async def list_statuses(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    view = await service.get_pipeline(ctx.session, pipeline_id)
    if view is None:
        return no_content()
    descriptions = "descriptions" in _with(ctx)
    items = [render_status(ctx.request, s, with_descriptions=descriptions) for s in sorted(view.statuses,
                                                                                          key=stage_order)]
    return collection(ctx.request, "statuses", items, extra={"_total_items": len(items)})


@router.get(BASE + "/{pipeline_id:id}/statuses/{status_id:id}")
async def get_status(pipeline_id: int, status_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    status = await service.get_status(ctx.session, pipeline_id, status_id)
    if status is None:
        return no_content()
    return HalResponse(render_status(ctx.request, status, with_descriptions="descriptions" in _with(ctx)))


@router.post(BASE + "/{pipeline_id:id}/statuses")
async def add_statuses(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    items = await read_batch(ctx.request)
    created = await service.add_statuses(ctx.session, ctx.principal, pipeline_id, items)
    rendered: list[dict[str, Any]] = [{**render_status(ctx.request, s), "request_id": rid} for rid, s in created]
    return HalResponse({"_total_items": len(rendered),
                        "_links": {"self": href(ctx.request, f"{BASE}/{pipeline_id}/statuses")},
                        "_embedded": {"statuses": rendered}})


@router.patch(BASE + "/{pipeline_id:id}/statuses/{status_id:id}")
async def update_status(pipeline_id: int, status_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    data = await read_object(ctx.request)
    status = await service.update_status(ctx.session, ctx.principal, pipeline_id, status_id, data)
    return HalResponse(render_status(ctx.request, status))


@router.delete(BASE + "/{pipeline_id:id}/statuses/{status_id:id}")
async def delete_status(pipeline_id: int, status_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_status(ctx.session, ctx.principal, pipeline_id, status_id)
    return no_content()
