"""The wire of the board summary (Kanbo extension): ``GET /api/v4/leads/pipelines/{pipeline_id}/summary``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field

from kanbo.entities.wire import filter_shape
from kanbo.http.wire import OutModel, SelfLinks, WireModel, last_value
from kanbo.leads.lead_wire import LeadFilter


class PipelineSummaryQuery(WireModel):
    """The ``filter[...]`` and ``query`` of ``GET /api/v4/leads``, read the same way (``page``, ``limit``,
    ``order`` and ``with`` do not apply)."""

    model_config = ConfigDict(str_max_length=1000)

    query: Annotated[str | None, BeforeValidator(last_value)] = Field(
        None, description="As query= of GET /api/v4/leads: name, id, field values")
    filter: Annotated[LeadFilter, BeforeValidator(filter_shape)] = Field(default_factory=LeadFilter)


class StageSummaryOut(OutModel):
    status_id: int
    count: int = Field(description="Leads in the stage that match and that the caller may see")
    price_sum: int = Field(description="The sum of their price")


class PipelineSummaryEmbedded(OutModel):
    statuses: list[StageSummaryOut] = Field(description="Every stage of the pipeline, in board order")


class PipelineSummaryOut(OutModel):
    pipeline_id: int
    count: int = Field(description="Leads of the pipeline that match and that the caller may see")
    price_sum: int
    unsorted_count: int = Field(description="Of them, incoming leads still waiting (in the Incoming stage)")
    links: SelfLinks = Field(alias="_links")
    embedded: PipelineSummaryEmbedded = Field(alias="_embedded")
