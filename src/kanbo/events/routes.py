"""``/api/v4/events`` (spec §11): the event log, one event by its string id, and the event types."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import Unauthorized
from kanbo.events import repository as repo
from kanbo.events.types import language
from kanbo.events.wire import BASE, Embeds, render_event, render_types
from kanbo.http.hal import collection
from kanbo.http.query import as_list, parse_list_query, parse_query_string
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.models.accounts import Account
from kanbo.models.events import Event

router = APIRouter(route_class=TxRoute)
_UID = re.compile(r"^[0-9A-Za-z]{1,26}$")


@router.get(BASE)
async def list_events(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope.get("query_string", b""), orderable=repo.ORDERABLE)
    statement = repo.list_statement(ctx.principal, query, repo.dialect_of(ctx.session))
    rows, has_next = await repo.fetch_page(ctx.session, statement, query.limit)
    embeds = await _embeds(ctx, rows, query.with_)
    items = [render_event(ctx.request, row, embeds) for row in rows]
    return collection(ctx.request, "events", items, query, has_next=has_next)


async def _embeds(ctx: Ctx, events: list[Event], with_: frozenset[str]) -> Embeds:
    """``with=``: entity names (one query per entity type on the page) and notes (two queries)."""
    embeds = Embeds(names=await repo.entity_names(ctx.session, events, with_))
    if "note" in with_:
        embeds.notes = await repo.notes_of(ctx.session, ctx.request, events)
    return embeds


# Declared before ``/events/{id}`` so that ``types`` is not taken for an event id.
@router.get(BASE + "/types")
async def event_types(ctx: Ctx = Depends(api_context)) -> Response:
    params = parse_query_string(ctx.request.scope.get("query_string", b""))
    requested = params.get("language_code")
    account = await ctx.session.get(Account, ctx.principal.account_id)
    if account is None:
        raise Unauthorized("The account no longer exists")
    lang = language(requested if isinstance(requested, str) else None, account.language)
    return HalResponse(render_types(ctx.request, lang))


@router.get(BASE + "/{event_id}")
async def get_event(event_id: str, ctx: Ctx = Depends(api_context)) -> Response:
    if not _UID.match(event_id):
        return no_content()
    with_ = frozenset(as_list(parse_query_string(ctx.request.scope.get("query_string", b"")).get("with")))
    event = await repo.get_visible(ctx.session, ctx.principal, event_id)
    if event is None:
        return no_content()
    return HalResponse(render_event(ctx.request, event, await _embeds(ctx, [event], with_)))
