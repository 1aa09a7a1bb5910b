"""``/api/v4/events`` (spec §11): the event log, one event by its string id, and the event types."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.events import repository as repo
from kanbo.events.query_wire import EventGet, EventList, EventTypesQuery
from kanbo.events.types import language
from kanbo.events.wire import BASE, Embeds, EventOut, EventsPage, EventTypesOut, render_event, render_types
from kanbo.http.hal import collection
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import query, responses
from kanbo.models.events import Event

router = APIRouter(route_class=TxRoute)
_UID = re.compile(r"^[0-9A-Za-z]{1,26}$")


@router.get(BASE, name="list_events", responses=responses(EventsPage, empty=True))
async def list_events(ctx: Ctx = Depends(api_context), params: EventList = query(EventList)) -> Response:
    q = params.list_query()
    rows, has_next = await repo.list_page(ctx.session, ctx.principal, q, params.filter)
    embeds = await _embeds(ctx, rows, q.with_)
    items = [render_event(ctx.request, row, embeds) for row in rows]
    return collection(ctx.request, "events", items, q, has_next=has_next)


async def _embeds(ctx: Ctx, events: list[Event], with_: frozenset[str]) -> Embeds:
    """``with=``: entity names (one query per entity type on the page) and notes (two queries)."""
    embeds = Embeds(names=await repo.entity_names(ctx.session, events, with_))
    if "note" in with_:
        embeds.notes = await repo.notes_of(ctx.session, ctx.request, events)
    return embeds


# Declared before ``/events/{id}`` so that ``types`` is not taken for an event id.
@router.get(BASE + "/types", name="event_types", responses=responses(EventTypesOut))
async def event_types(ctx: Ctx = Depends(api_context), params: EventTypesQuery = query(EventTypesQuery)) -> Response:
    lang = language(params.language_code, await repo.account_language(ctx.session, ctx.principal))
    return HalResponse(render_types(ctx.request, lang))


@router.get(BASE + "/{event_id}", name="get_event", responses=responses(EventOut, empty=True))
async def get_event(event_id: str, ctx: Ctx = Depends(api_context), params: EventGet = query(EventGet)) -> Response:
    if not _UID.match(event_id):
        return no_content()
    event = await repo.get_visible(ctx.session, ctx.principal, event_id)
    if event is None:
        return no_content()
    return HalResponse(render_event(ctx.request, event, await _embeds(ctx, [event], frozenset(params.with_))))
