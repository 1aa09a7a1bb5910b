"""Incoming leads API (spec §8.1): list, one, summary, add (forms, sip; chats as a Kanbo extension),
accept, decline, link; and complex add (spec §5.6). Registered before the leads router so
``/api/v4/leads/unsorted…`` and ``/api/v4/leads/complex`` are never taken for lead paths.

Each route authenticates, then asks the service whether the user may do such a thing at all (so a
refused user gets 403 whatever the body), then reads its typed query or body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import collection
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import Checked, batch, body, checked_batch, query, responses
from kanbo.unsorted import actions, service
from kanbo.unsorted.complex import add_complex
from kanbo.unsorted.complex_wire import MAX_COMPLEX, ComplexAnswer, ComplexLeadIn, ComplexParams
from kanbo.unsorted.wire import (
    ChatsIn,
    FormsIn,
    SipIn,
    UnsortedAcceptedOut,
    UnsortedAcceptIn,
    UnsortedAdded,
    UnsortedDeclinedOut,
    UnsortedDeclineIn,
    UnsortedLinkedOut,
    UnsortedLinkIn,
    UnsortedList,
    UnsortedOut,
    UnsortedPage,
    UnsortedSummaryOut,
    UnsortedSummaryParams,
    render_added_list,
    render_linked,
    render_resolved,
    render_summary,
    render_unsorted,
)

router = APIRouter(route_class=TxRoute)
BASE = "/api/v4/leads/unsorted"


async def viewer(ctx: Ctx = Depends(api_context)) -> Ctx:
    service.require_viewing(ctx.principal)
    return ctx


async def adder(ctx: Ctx = Depends(api_context)) -> Ctx:
    service.require_adding(ctx.principal)
    return ctx


async def sorter(ctx: Ctx = Depends(api_context)) -> Ctx:
    actions.require_sorting(ctx.principal)
    return ctx


@router.get(BASE, name="list_unsorted", responses=responses(UnsortedPage, empty=True))
async def list_unsorted(ctx: Ctx = Depends(viewer), params: UnsortedList = query(UnsortedList)) -> Response:
    q = params.list_query()
    rows, has_next = await service.list_waiting(ctx.session, ctx.principal, q, params.filter)
    return collection(ctx.request, "unsorted", [render_unsorted(ctx.request, row) for row in rows], q,
                      has_next=has_next)


@router.get(BASE + "/summary", name="unsorted_summary", responses=responses(UnsortedSummaryOut))
async def unsorted_summary(ctx: Ctx = Depends(viewer),
                           params: UnsortedSummaryParams = query(UnsortedSummaryParams)) -> Response:
    counts = await service.summary_counts(ctx.session, ctx.principal, params.filter)
    return HalResponse(render_summary(counts))


async def _add(ctx: Ctx, category: str, checked: Checked[Any]) -> Response:
    results = await service.add_items(ctx.session, ctx.principal, category, checked.items, checked.errors)
    return HalResponse(render_added_list(ctx.request, results))


@router.post(BASE + "/forms", name="add_unsorted_forms", responses=responses(UnsortedAdded))
async def add_forms(ctx: Ctx = Depends(adder), items: Checked[FormsIn] = checked_batch(FormsIn)) -> Response:
    return await _add(ctx, "forms", items)


@router.post(BASE + "/sip", name="add_unsorted_sip", responses=responses(UnsortedAdded))
async def add_sip(ctx: Ctx = Depends(adder), items: Checked[SipIn] = checked_batch(SipIn)) -> Response:
    return await _add(ctx, "sip", items)


@router.post(BASE + "/chats", name="add_unsorted_chats", responses=responses(UnsortedAdded))
async def add_chats(ctx: Ctx = Depends(adder), items: Checked[ChatsIn] = checked_batch(ChatsIn)) -> Response:
    """Kanbo extension: Kommo creates chats incoming leads only from its own chat channels."""
    return await _add(ctx, "chats", items)


@router.get(BASE + "/{uid}", name="get_unsorted", responses=responses(UnsortedOut, empty=True))
async def get_unsorted(uid: str, ctx: Ctx = Depends(viewer)) -> Response:
    row = await service.get_waiting(ctx.session, ctx.principal, uid)
    if row is None:
        return no_content()
    return HalResponse(render_unsorted(ctx.request, row))


@router.post(BASE + "/{uid}/accept", name="accept_unsorted", responses=responses(UnsortedAcceptedOut))
async def accept_unsorted(uid: str, ctx: Ctx = Depends(sorter),
                          data: UnsortedAcceptIn = body(UnsortedAcceptIn, required=False)) -> Response:
    row = await actions.accept(ctx.session, ctx.principal, uid, data)
    return HalResponse(render_resolved(ctx.request, row, ("leads", "contacts", "companies")))


@router.delete(BASE + "/{uid}/decline", name="decline_unsorted", responses=responses(UnsortedDeclinedOut))
async def decline_unsorted(uid: str, ctx: Ctx = Depends(sorter),
                           data: UnsortedDeclineIn = body(UnsortedDeclineIn, required=False)) -> Response:
    row = await actions.decline(ctx.session, ctx.principal, uid, data)
    return HalResponse(render_resolved(ctx.request, row, ("leads", "contacts")))


@router.post(BASE + "/{uid}/link", name="link_unsorted", responses=responses(UnsortedLinkedOut))
async def link_unsorted(uid: str, ctx: Ctx = Depends(sorter),
                        data: UnsortedLinkIn = body(UnsortedLinkIn, required=False)) -> Response:
    linked = await actions.link(ctx.session, ctx.principal, uid, data)
    return HalResponse(render_linked(ctx.request, linked.row, linked.lead_id, linked.contact_id, linked.company_id))


@router.post("/api/v4/leads/complex", name="complex_add", responses=responses(ComplexAnswer))
async def complex_add(ctx: Ctx = Depends(adder), params: ComplexParams = query(ComplexParams),
                      items: list[ComplexLeadIn] = batch(ComplexLeadIn, max_items=MAX_COMPLEX)) -> Response:
    added = await add_complex(ctx.session, ctx.principal, items, dedupe=params.duplicate_control)
    return HalResponse([{"id": a.lead_id, "contact_id": a.contact_id, "company_id": a.company_id,
                         "request_id": [a.request_id], "merged": a.merged} for a in added])
