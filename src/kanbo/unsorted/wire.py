"""Incoming leads on the wire (spec §8.2, §8.3, §8.1 answers).

Kanbo extension: every object carries ``duplicate_of`` — the ids of existing contacts whose phone or
email matched the incoming lead's contact when it arrived (``[]`` when none).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kanbo.entities.wire import entity_path
from kanbo.http.hal import href
from kanbo.models.activity import Unsorted
from kanbo.unsorted.metadata import CATEGORIES, render_metadata


def unsorted_path(uid: str) -> str:
    return f"/api/v4/leads/unsorted/{uid}"


def _ref(request: Request, kind: str, entity_id: int | None) -> list[dict[str, Any]]:
    if entity_id is None:
        return []
    return [{"id": entity_id, "_links": {"self": href(request, entity_path(kind, entity_id))}}]


def embedded(request: Request, row: Unsorted, keys: tuple[str, ...] = ("leads", "contacts", "companies"),
             ) -> dict[str, Any]:
    """``_embedded`` with the incoming lead's own lead, contact and company as ``[{id, _links}]``."""
    ids = {"leads": row.lead_id, "contacts": row.contact_id, "companies": row.company_id}
    return {key: _ref(request, key, ids[key]) for key in keys}


def render_unsorted(request: Request, row: Unsorted) -> dict[str, Any]:
    """The object of ``GET /api/v4/leads/unsorted[/{uid}]``."""
    return {
        "uid": row.uid,
        "source_uid": row.source_uid,
        "source_name": row.source_name,
        "category": row.category,
        "pipeline_id": row.pipeline_id,
        "created_at": row.created_at,
        "metadata": render_metadata(row.category, row.meta),
        "account_id": row.account_id,
        "duplicate_of": list(row.duplicate_of or []),
        "_links": {"self": href(request, unsorted_path(row.uid))},
        "_embedded": embedded(request, row),
    }


def render_added(request: Request, request_id: str, row: Unsorted) -> dict[str, Any]:
    """One item of the answer to ``POST /api/v4/leads/unsorted/{category}`` (spec §8.3)."""
    return {
        "uid": row.uid,
        "account_id": row.account_id,
        "request_id": request_id,
        "duplicate_of": list(row.duplicate_of or []),
        "_links": {"self": href(request, unsorted_path(row.uid))},
        "_embedded": embedded(request, row),
    }


def render_added_list(request: Request, results: list[tuple[str, Unsorted]]) -> dict[str, Any]:
    return {
        "_total_items": len(results),
        "_links": {"self": href(request, request.url.path)},
        "_embedded": {"unsorted": [render_added(request, rid, row) for rid, row in results]},
    }


def render_resolved(request: Request, row: Unsorted, keys: tuple[str, ...]) -> dict[str, Any]:
    """The answer to accept (leads, contacts, companies) and decline (leads, contacts)."""
    return {
        "uid": row.uid,
        "category": row.category,
        "pipeline_id": row.pipeline_id,
        "created_at": row.created_at,
        "_embedded": embedded(request, row, keys),
    }


def render_linked(request: Request, row: Unsorted, lead_id: int, contact_id: int | None,
                  company_id: int | None) -> dict[str, Any]:
    return {
        "uid": row.uid,
        "_embedded": {"leads": _ref(request, "leads", lead_id), "contacts": _ref(request, "contacts", contact_id),
                      "companies": _ref(request, "companies", company_id), "customers": []},
    }


def render_summary(counts: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    """``counts``: (category, state, rows, total sort seconds of resolved rows) groups."""
    total = accepted = declined = resolved = sort_seconds = 0
    categories = {category: {"total": 0} for category in CATEGORIES}
    for category, state, rows, seconds in counts:
        total += rows
        if category in categories:
            categories[category]["total"] += rows
        if state in ("accepted", "linked"):
            accepted += rows
        elif state == "declined":
            declined += rows
        if state != "new":
            resolved += rows
            sort_seconds += seconds
    return {"total": total, "accepted": accepted, "declined": declined,
            "average_sort_time": round(sort_seconds / resolved) if resolved else 0,
            "categories": categories}
