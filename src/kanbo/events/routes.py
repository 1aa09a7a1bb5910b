"""``/api/v4/events`` (spec §11): the event log, one event by its string id, and the event types; and
Kanbo's live stream of new events (``/api/v4/events/stream``, :mod:`kanbo.events.live`)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.events import repository as repo
from kanbo.events.live import EventStream, EventStreamResponse, LiveStreams
from kanbo.events.query_wire import EventGet, EventList, EventStreamQuery, EventTypesQuery, resume_position
from kanbo.events.types import language
from kanbo.events.wire import (
    BASE,
    Embeds,
    EventOut,
    EventsPage,
    EventStreamMessage,
    EventTypesOut,
    render_event,
    render_types,
)
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


STREAM_DESCRIPTION = """Kanbo's extension (not in Kommo): the account's new events as server-sent events, for live
updates. Each event the caller may see (the same rights as GET /api/v4/events) is one message:

    id: 1234
    event: lead_status_changed
    data: {"id":"01j…","type":"lead_status_changed","entity_id":7,…}

`id` is the event's position (the account's events are numbered in commit order), `event` its type,
`data` the event exactly as GET /api/v4/events renders it. The stream opens with `retry: 3000` and sends
`: ping` comments while idle. It starts with the next event, or resumes after the position in the
`Last-Event-ID` header (sent by a reconnecting EventSource) or `?since=`, missing nothing and repeating
nothing. `filter[...]` narrows it as it narrows the events list. At most `KANBO_STREAMS_PER_USER` open
streams per user and API process (429 beyond)."""


# Declared before ``/events/{id}`` so that ``stream`` and ``types`` are not taken for event ids.
@router.get(BASE + "/stream", name="stream_events", description=STREAM_DESCRIPTION,
            responses=responses(EventStreamMessage, media_type=EventStreamResponse.media_type))
async def stream_events(
        ctx: Ctx = Depends(api_context), params: EventStreamQuery = query(EventStreamQuery),
        last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", description=(
            "Resume after this position (the id: of the last message received)"))] = None) -> Response:
    clauses = repo.filter_clauses(params.filter, repo.dialect_of(ctx.session))  # a bad filter: 400, before streaming
    cursor = resume_position(last_event_id, params.since)
    if cursor is None:
        cursor = await repo.last_position(ctx.session, ctx.principal.account_id)
    live: LiveStreams = ctx.request.app.state.live
    return EventStreamResponse(EventStream(live, ctx.request, ctx.principal, clauses, cursor))



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
