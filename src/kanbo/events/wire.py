"""The event object (spec §11.3) and the event types list (§11.1) on the wire: the rendering and the
response models that document it (the queries are in :mod:`kanbo.events.query_wire`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema
from starlette.requests import Request

from kanbo.events.repository import EmbeddedNote, note_ids
from kanbo.events.types import ENTITY_PLURALS, EVENT_TYPES
from kanbo.http.hal import href
from kanbo.http.wire import OutModel, SelfLinks, hal_page
from kanbo.models.events import Event

BASE = "/api/v4/events"


# Responses ----------------------------------------------------------------------------------------

@dataclass
class Embeds:
    """What ``with=`` loaded for a page: entity names by (type, id), rendered notes by id."""

    names: dict[tuple[str, int], str] = field(default_factory=dict)
    notes: dict[int, EmbeddedNote] = field(default_factory=dict)


def render_event(request: Request, event: Event, embeds: Embeds | None = None) -> dict[str, Any]:
    embeds = embeds or Embeds()
    plural = ENTITY_PLURALS.get(event.entity_type, event.entity_type)
    entity: dict[str, Any] = {"id": event.entity_id}
    name = embeds.names.get((event.entity_type, event.entity_id))
    if name is not None:
        entity["name"] = name
    entity["_links"] = {"self": href(request, f"/api/v4/{plural}/{event.entity_id}")}
    embedded: dict[str, Any] = {"entity": entity}
    note = _note(event, embeds)
    if note is not None:
        embedded["note"] = note
    return {
        "id": event.uid,
        "type": event.type,
        "entity_id": event.entity_id,
        "entity_type": event.entity_type,
        "created_by": event.created_by,
        "created_at": event.created_at,
        "value_after": list(event.value_after or []),
        "value_before": list(event.value_before or []),
        "account_id": event.account_id,
        "_links": {"self": href(request, f"{BASE}/{event.uid}")},
        "_embedded": embedded,
    }


def _note(event: Event, embeds: Embeds) -> dict[str, Any] | None:
    if not embeds.notes:
        return None
    plural = ENTITY_PLURALS.get(event.entity_type)
    for note_id in note_ids(event):
        note = embeds.notes.get(note_id)
        # only a note of the event's own card (its rights are the card's)
        if note is not None and note.entity_type == plural and note.entity_id == event.entity_id:
            return note.body
    return None


def render_types(request: Request, lang: str) -> dict[str, Any]:
    items = [{"key": t.key, "type": t.type, "lang": t.name(lang)} for t in EVENT_TYPES]
    query = f"language_code={lang}"
    return {
        "_total_items": len(items),
        "_links": {"self": href(request, f"{BASE}/types", query)},
        "_embedded": {"events_types": items},
    }


class EventEntity(OutModel):
    id: int
    name: str | SkipJsonSchema[None] = Field(None, description="With with=lead_name, contact_name or company_name")
    links: SelfLinks = Field(alias="_links")


class EventEmbedded(OutModel):
    entity: EventEntity
    note: dict[str, Any] | SkipJsonSchema[None] = Field(None, description="With with=note: the note, as the notes "
                                                                          "API renders it")


class EventOut(OutModel):
    id: str = Field(description="ULID-shaped")
    type: str
    entity_id: int
    entity_type: str = Field(description="Singular: lead, contact, company, task…")
    created_by: int = Field(description="0: the robot")
    created_at: int
    value_after: list[dict[str, Any]]
    value_before: list[dict[str, Any]]
    account_id: int
    links: SelfLinks = Field(alias="_links")
    embedded: EventEmbedded = Field(alias="_embedded")


class EventTypeOut(OutModel):
    key: str
    type: int
    lang: str


class EventTypesEmbedded(OutModel):
    events_types: list[EventTypeOut]


class EventTypesOut(OutModel):
    total_items: int = Field(alias="_total_items")
    links: SelfLinks = Field(alias="_links")
    embedded: EventTypesEmbedded = Field(alias="_embedded")


EventsPage = hal_page("EventsPage", "events", EventOut)


class EventStreamMessage(OutModel):
    """One message of ``GET /api/v4/events/stream`` (text/event-stream), by its SSE fields. The stream also
    opens with a ``retry:`` message and sends comment lines (``: ping``) while idle."""

    id: str = Field(description="The event's position: the account's events are numbered 1, 2, 3… in commit "
                                "order. Send it back as Last-Event-ID (or ?since=) to resume")
    event: str = Field(description="The event's type (lead_added, lead_status_changed…)")
    data: str = Field(description="The event as JSON, exactly as GET /api/v4/events renders it (EventOut)")
    retry: int | SkipJsonSchema[None] = Field(None, description="Milliseconds to wait before reconnecting "
                                                                  "(the first message only)")
