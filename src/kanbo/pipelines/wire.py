"""Pipeline and stage objects on the wire (spec §7.2, §7.3)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.models.pipelines import Pipeline, Status

WON, LOST = 142, 143
INCOMING_TYPE = 1
INCOMING_COLOR = "#c1c1c1"
WON_COLOR = "#ccff66"
LOST_COLOR = "#d5d8db"
# Kommo's stage palette (PHP StatusModel::COLORS).
COLORS = (
    "#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a", "#ffdbdb", "#ffc8c8", "#ff8f92",
    "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0", "#f9deff", "#f3beff", "#ccc8f9",
    "#eb93ff", "#f2f3f4", "#e6e8ea",
)
SYSTEM_COLORS = (INCOMING_COLOR, WON_COLOR, LOST_COLOR)
# The numbers the system stages are created with; their places never depend on them (``stage_order``).
INCOMING_SORT, WON_SORT, LOST_SORT = 10, 10000, 11000
MAX_SORT = 2**31 - 1  # an INTEGER column
DESCRIPTION_LEVELS = ("newbie", "candidate", "master")


def is_system(status: Status) -> bool:
    return status.type == INCOMING_TYPE or status.id in (WON, LOST)


def stage_order(status: Status) -> tuple[int, int, int]:
    """The order of a pipeline's stages: by type (Incoming, regular, won, lost), then sort, then id.

    A regular stage may have any sort, 0 or 20000 included: Incoming stays first and 142/143 last."""
    if status.type == INCOMING_TYPE:
        return (0, status.sort, status.id)
    if status.id == WON:
        return (2, status.sort, status.id)
    if status.id == LOST:
        return (3, status.sort, status.id)
    return (1, status.sort, status.id)


def status_path(pipeline_id: int, status_id: int) -> str:
    return f"/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}"


def render_description(status: Status, entry: dict[str, Any], account_id: int) -> dict[str, Any]:
    def stamp(ts: int) -> str:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")

    return {
        "id": entry["id"], "account_id": account_id, "created_at": stamp(entry["created_at"]),
        "updated_at": stamp(entry["updated_at"]), "created_by": entry["created_by"],
        "updated_by": entry["updated_by"], "pipeline_id": status.pipeline_id, "status_id": status.id,
        "level": entry["level"], "description": entry["description"],
    }


def render_status(request: Request, status: Status, *, with_descriptions: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": status.id,
        "name": status.name,
        "sort": status.sort,
        "is_editable": not is_system(status),
        "pipeline_id": status.pipeline_id,
        "color": status.color,
        "type": status.type,
        "account_id": status.account_id,
    }
    if with_descriptions:
        body["descriptions"] = [render_description(status, d, status.account_id) for d in status.descriptions or []]
    body["_links"] = {"self": href(request, status_path(status.pipeline_id, status.id))}
    return body


def render_pipeline(request: Request, pipeline: Pipeline, statuses: list[Status], *,
                    with_descriptions: bool = False) -> dict[str, Any]:
    ordered = sorted(statuses, key=stage_order)
    return {
        "id": pipeline.id,
        "name": pipeline.name,
        "sort": pipeline.sort,
        "is_main": pipeline.is_main,
        "is_unsorted_on": pipeline.is_unsorted_on,
        "is_archive": pipeline.is_archive,
        "account_id": pipeline.account_id,
        "_links": {"self": href(request, f"/api/v4/leads/pipelines/{pipeline.id}")},
        "_embedded": {"statuses": [render_status(request, s, with_descriptions=with_descriptions) for s in ordered]},
    }
