"""Incoming leads API (spec §8.1): list, one, summary, add (forms, sip; chats as a Kanbo extension),
accept, decline, link. Registered before the leads router so ``/api/v4/leads/unsorted…`` is never
taken for a lead path."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_batch, read_json
from kanbo.http.hal import collection
from kanbo.http.query import parse_list_query, parse_query_string
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.unsorted import actions, service
from kanbo.unsorted.complex import router as complex_router
from kanbo.unsorted.wire import (
    render_added_list,
    render_linked,
    render_resolved,
    render_summary,
    render_unsorted,
)

router = APIRouter(route_class=TxRoute)
router.include_router(complex_router)  # POST /api/v4/leads/complex
BASE = "/api/v4/leads/unsorted"


@router.get(BASE, name="list_unsorted")
async def list_unsorted(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""), orderable=("created_at", "updated_at", "id"))
    rows, has_next = await service.list_waiting(ctx.session, ctx.principal, query)
    return collection(ctx.request, "unsorted", [render_unsorted(ctx.request, row) for row in rows], query,
                      has_next=has_next)


@router.get(BASE + "/summary", name="unsorted_summary")
async def unsorted_summary(ctx: Ctx = Depends(api_context)) -> Response:
    params = parse_query_string(ctx.request.scope.get("query_string", b""))
    raw_filter = params.get("filter")
    counts = await service.summary_counts(ctx.session, ctx.principal, raw_filter if isinstance(raw_filter, dict)
                                          else {})
    return HalResponse(render_summary(counts))


async def _add(ctx: Ctx, category: str) -> Response:
    items = await read_batch(ctx.request)
    results = await service.add_incoming(ctx.session, ctx.principal, category, items)
    return HalResponse(render_added_list(ctx.request, results))


@router.post(BASE + "/forms", name="add_unsorted_forms")
async def add_forms(ctx: Ctx = Depends(api_context)) -> Response:
    return await _add(ctx, "forms")


@router.post(BASE + "/sip", name="add_unsorted_sip")
async def add_sip(ctx: Ctx = Depends(api_context)) -> Response:
    return await _add(ctx, "sip")


@router.post(BASE + "/chats", name="add_unsorted_chats")
async def add_chats(ctx: Ctx = Depends(api_context)) -> Response:
    """Kanbo extension: Kommo creates chats incoming leads only from its own chat channels."""
    return await _add(ctx, "chats")


@router.get(BASE + "/{uid}", name="get_unsorted")
async def get_unsorted(uid: str, ctx: Ctx = Depends(api_context)) -> Response:
    row = await service.get_waiting(ctx.session, ctx.principal, uid)
    if row is None:
        return no_content()
    return HalResponse(render_unsorted(ctx.request, row))


@router.post(BASE + "/{uid}/accept", name="accept_unsorted")
async def accept_unsorted(uid: str, ctx: Ctx = Depends(api_context)) -> Response:
    row = await actions.accept(ctx.session, ctx.principal, uid, await read_json(ctx.request, required=False))
    return HalResponse(render_resolved(ctx.request, row, ("leads", "contacts", "companies")))


@router.delete(BASE + "/{uid}/decline", name="decline_unsorted")
async def decline_unsorted(uid: str, ctx: Ctx = Depends(api_context)) -> Response:
    row = await actions.decline(ctx.session, ctx.principal, uid, await read_json(ctx.request, required=False))
    return HalResponse(render_resolved(ctx.request, row, ("leads", "contacts")))


@router.post(BASE + "/{uid}/link", name="link_unsorted")
async def link_unsorted(uid: str, ctx: Ctx = Depends(api_context)) -> Response:
    linked = await actions.link(ctx.session, ctx.principal, uid, await read_json(ctx.request, required=False))
    return HalResponse(render_linked(ctx.request, linked.row, linked.lead_id, linked.contact_id, linked.company_id))
