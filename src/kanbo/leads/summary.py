"""``GET /api/v4/leads/pipelines/{pipeline_id}/summary`` (Kanbo extension): the board's totals per stage."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import href
from kanbo.http.responses import HalResponse
from kanbo.http.route import TxRoute
from kanbo.http.wire import query, responses
from kanbo.leads import summary_service as service
from kanbo.leads.summary_wire import PipelineSummaryOut, PipelineSummaryQuery

router = APIRouter(route_class=TxRoute)


async def viewer(ctx: Ctx = Depends(api_context)) -> Ctx:
    service.require_viewing(ctx.principal)
    return ctx


@router.get("/api/v4/leads/pipelines/{pipeline_id:id}/summary", name="pipeline_summary",
            responses=responses(PipelineSummaryOut))
async def pipeline_summary(pipeline_id: int, ctx: Ctx = Depends(viewer),
                           params: PipelineSummaryQuery = query(PipelineSummaryQuery)) -> Response:
    summary = await service.pipeline_summary(ctx.session, ctx.principal, pipeline_id, params)
    stages = [{"status_id": s.status_id, "count": s.count, "price_sum": s.price_sum} for s in summary.stages]
    return HalResponse({
        "pipeline_id": summary.pipeline_id,
        "count": sum(s.count for s in summary.stages),
        "price_sum": sum(s.price_sum for s in summary.stages),
        "unsorted_count": summary.unsorted_count,
        "_links": {"self": href(ctx.request, ctx.request.url.path, ctx.request.url.query)},
        "_embedded": {"statuses": stages},
    })
