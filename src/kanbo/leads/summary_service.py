"""The board summary (Kanbo extension): per stage of a pipeline, how many leads and their total price.

Counts only what the caller may see (the one rights policy: view letter and stage rights) and matches the
same ``filter[...]`` and ``query`` as the lead list, so a filtered board shows matching totals. Fixed
statement count: the pipeline with its stages (two), the field catalog (three, for custom field filters
and ``query``), then one ``GROUP BY status_id``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Forbidden, NotFound
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import load_catalog
from kanbo.entities.kinds import LEADS
from kanbo.entities.repository import list_clauses
from kanbo.leads.spec import extra_filters
from kanbo.leads.summary_wire import PipelineSummaryQuery
from kanbo.models.entities import Lead
from kanbo.pipelines.service import get_pipeline
from kanbo.pipelines.wire import stage_order


@dataclass(frozen=True)
class StageTotal:
    status_id: int
    count: int = 0
    price_sum: int = 0


@dataclass(frozen=True)
class PipelineSummary:
    pipeline_id: int
    stages: list[StageTotal]
    unsorted_count: int


def require_viewing(principal: Principal) -> None:
    """403 unless the principal may view some leads (as the incoming leads' summary)."""
    if not rights.may(principal, "leads", "view"):
        raise Forbidden("You may not view leads")


async def pipeline_summary(session: AsyncSession, principal: Principal, pipeline_id: int,
                           params: PipelineSummaryQuery) -> PipelineSummary:
    """Every stage of the pipeline in board order with the count and price sum of the matching leads the
    principal may see (zero where it sees none, stages it may not view included); 404 for no such pipeline."""
    view = await get_pipeline(session, pipeline_id)
    if view is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    catalog = await load_catalog(session, LEADS.name)
    clauses = list_clauses(LEADS, principal, params.filter, catalog, text=params.query, extra=extra_filters)
    waiting = func.sum(case((Lead.is_unsorted.is_(True), 1), else_=0))
    rows = await session.execute(
        select(Lead.status_id, func.count(), func.coalesce(func.sum(Lead.price), 0), func.coalesce(waiting, 0))
        .where(Lead.pipeline_id == pipeline_id, *clauses).group_by(Lead.status_id))
    totals: dict[int, StageTotal] = {}
    unsorted = 0
    for status_id, count, price_sum, unsorted_here in rows:
        totals[status_id] = StageTotal(status_id, int(count), int(price_sum))
        unsorted += int(unsorted_here)
    stages = [totals.get(status.id, StageTotal(status.id)) for status in sorted(view.statuses, key=stage_order)]
    return PipelineSummary(pipeline_id, stages, unsorted)
