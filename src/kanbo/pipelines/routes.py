"""``/api/v4/leads/pipelines`` and ``/api/v4/leads/pipelines/{id}/statuses`` (spec §7)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts.context import admin_context
from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import collection, created
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.models.accounts import Account
from kanbo.pipelines import service
from kanbo.pipelines.wire import (
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    PipelineQuery,
    PipelinesPage,
    PipelinesWritten,
    StageIn,
    StagePatch,
    StatusesPage,
    StatusesWritten,
    StatusOut,
    render_pipeline,
    render_status,
    stage_order,
)

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/leads/pipelines"


@router.get(BASE, responses=responses(PipelinesPage, empty=True))
async def list_pipelines(ctx: Ctx = Depends(api_context), params: PipelineQuery = query(PipelineQuery)) -> Response:
    views = await service.list_pipelines(ctx.session)
    items = [render_pipeline(ctx.request, v.pipeline, v.statuses, with_descriptions=params.descriptions)
             for v in views]
    return collection(ctx.request, "pipelines", items, extra={"_total_items": len(items)})


@router.get(BASE + "/{pipeline_id:id}", responses=responses(PipelineOut, empty=True))
async def get_pipeline(pipeline_id: int, ctx: Ctx = Depends(api_context),
                       params: PipelineQuery = query(PipelineQuery)) -> Response:
    view = await service.get_pipeline(ctx.session, pipeline_id)
    if view is None:
        return no_content()
    return HalResponse(render_pipeline(ctx.request, view.pipeline, view.statuses,
                                       with_descriptions=params.descriptions))


@router.post(BASE, responses=responses(PipelinesWritten))
async def add_pipelines(ctx: Ctx = admin_context("change pipelines and stages"),
                        items: list[PipelineIn] = batch(PipelineIn)) -> Response:
    account = await ctx.session.get(Account, ctx.principal.account_id)
    views = await service.add_pipelines(ctx.session, ctx.principal, items, account.language if account else "en")
    rendered = [{**render_pipeline(ctx.request, v.pipeline, v.statuses), "request_id": v.request_id} for v in views]
    return created(ctx.request, "pipelines", rendered, extra={"_total_items": len(rendered)})


@router.patch(BASE + "/{pipeline_id:id}", responses=responses(PipelineOut))
async def update_pipeline(pipeline_id: int, ctx: Ctx = admin_context("change pipelines and stages"),
                          data: PipelinePatch = body(PipelinePatch)) -> Response:
    view = await service.update_pipeline(ctx.session, ctx.principal, pipeline_id, data)
    return HalResponse(render_pipeline(ctx.request, view.pipeline, view.statuses))


@router.delete(BASE + "/{pipeline_id:id}", responses=responses())
async def delete_pipeline(pipeline_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_pipeline(ctx.session, ctx.principal, pipeline_id)
    return no_content()


@router.get(BASE + "/{pipeline_id:id}/statuses", responses=responses(StatusesPage, empty=True))
async def list_statuses(pipeline_id: int, ctx: Ctx = Depends(api_context),
                        params: PipelineQuery = query(PipelineQuery)) -> Response:
    view = await service.get_pipeline(ctx.session, pipeline_id)
    if view is None:
        return no_content()
    items = [render_status(ctx.request, s, with_descriptions=params.descriptions)
             for s in sorted(view.statuses, key=stage_order)]
    return collection(ctx.request, "statuses", items, extra={"_total_items": len(items)})


@router.get(BASE + "/{pipeline_id:id}/statuses/{status_id:id}", responses=responses(StatusOut, empty=True))
async def get_status(pipeline_id: int, status_id: int, ctx: Ctx = Depends(api_context),
                     params: PipelineQuery = query(PipelineQuery)) -> Response:
    status = await service.get_status(ctx.session, pipeline_id, status_id)
    if status is None:
        return no_content()
    return HalResponse(render_status(ctx.request, status, with_descriptions=params.descriptions))


@router.post(BASE + "/{pipeline_id:id}/statuses", responses=responses(StatusesWritten))
async def add_statuses(pipeline_id: int, ctx: Ctx = admin_context("change pipelines and stages"),
                       items: list[StageIn] = batch(StageIn)) -> Response:
    added = await service.add_statuses(ctx.session, ctx.principal, pipeline_id, items)
    rendered: list[dict[str, Any]] = [{**render_status(ctx.request, s), "request_id": rid} for rid, s in added]
    return created(ctx.request, "statuses", rendered, extra={"_total_items": len(rendered)})


@router.patch(BASE + "/{pipeline_id:id}/statuses/{status_id:id}", responses=responses(StatusOut))
async def update_status(pipeline_id: int, status_id: int, ctx: Ctx = admin_context("change pipelines and stages"),
                        data: StagePatch = body(StagePatch)) -> Response:
    status = await service.update_status(ctx.session, ctx.principal, pipeline_id, status_id, data)
    return HalResponse(render_status(ctx.request, status))


@router.delete(BASE + "/{pipeline_id:id}/statuses/{status_id:id}", responses=responses())
async def delete_status(pipeline_id: int, status_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await service.delete_status(ctx.session, ctx.principal, pipeline_id, status_id)
    return no_content()
