"""The wire of ``/api/v4/leads/loss_reasons`` (spec §5.5): request models, the loss reason object and
the documented answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints
from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.http.wire import BatchItem, ListParams, OutModel, SelfLinks, WireModel, hal_page, hal_written
from kanbo.models.entities import LossReason

BASE = "/api/v4/leads/loss_reasons"

#: A reason's name: not blank once stripped, at most 255 characters.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
#: The sort column is a 32-bit INTEGER.
Sort = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class LossReasonIn(BatchItem):
    """One item of ``POST /api/v4/leads/loss_reasons``."""

    name: Name
    sort: Sort | None = None


class LossReasonPatch(WireModel):
    """``PATCH /api/v4/leads/loss_reasons/{id}``: what is given (and not null) changes."""

    name: Name | None = None
    sort: Sort | None = None


class LossReasonList(ListParams):
    """``GET /api/v4/leads/loss_reasons``: pages only (no filter, no order)."""



class LossReasonOut(OutModel):
    id: int
    name: str
    sort: int
    created_at: int
    updated_at: int
    links: SelfLinks = Field(alias="_links")


class LossReasonAdded(LossReasonOut):
    request_id: str


LossReasonsPage = hal_page("LossReasonsPage", "loss_reasons", LossReasonOut, total=True)
LossReasonsAdded = hal_written("LossReasonsAdded", "loss_reasons", LossReasonAdded)


def render_loss_reason(request: Request, reason: LossReason) -> dict[str, Any]:
    return {"id": reason.id, "name": reason.name, "sort": reason.sort, "created_at": reason.created_at,
            "updated_at": reason.updated_at, "_links": {"self": href(request, f"{BASE}/{reason.id}")}}
