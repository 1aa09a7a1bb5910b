"""The loss reason object of ``/api/v4/leads/loss_reasons`` (spec §5.5)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.models.entities import LossReason

BASE = "/api/v4/leads/loss_reasons"


def render_loss_reason(request: Request, reason: LossReason) -> dict[str, Any]:
    return {"id": reason.id, "name": reason.name, "sort": reason.sort, "created_at": reason.created_at,
            "updated_at": reason.updated_at, "_links": {"self": href(request, f"{BASE}/{reason.id}")}}
