"""The queries of ``/api/v4/events`` (spec §11.2) on the wire.

The filters keep Kommo's mixed syntax: comma lists or arrays for ids, types, entities and users,
``filter[created_at]`` as a timestamp, ``from,to``, ``[from, to]`` or ``[from]``/``[to]``. The checks
that relate filters to each other (``entity_id`` needs one ``entity``) are the repository's.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from kanbo.core.errors import BadRequest
from kanbo.events.types import ENTITY_PLURALS, ENTITY_SINGULARS
from kanbo.http.query import as_list
from kanbo.http.wire import Id, ListParams, Timestamp, WireModel

MAX_IDS = 100
MAX_ENTITY_IDS = 10
MAX_CREATED_BY = 10
MAX_VALUE = 1000  # the longest value filter[value_*][value] compares
_CATALOG = re.compile(r"^catalog_(\d{1,18})$")


# Queries ------------------------------------------------------------------------------------------

def _values(value: Any, *, commas: bool = True) -> Any:
    """``k=1,2``, ``k[]=1&k[]=2`` or ``k[0]=1`` → a list; any other shape is left to fail as a list."""
    try:
        return as_list(value, split_commas=commas)
    except BadRequest:
        return value


def _last(value: Any) -> Any:
    """A repeated parameter counts once (the last); empty is absent."""
    if isinstance(value, list):
        value = value[-1] if value else None
    return None if value == "" else value


def _blank(value: Any) -> Any:
    return None if value in ("", [], {}) else value


def _entity(name: str) -> str:
    """A plural or singular entity name, or ``catalog_{ID}`` → the singular key events store."""
    key = name.strip().lower()
    if _CATALOG.match(key):
        key = "catalog_element"
    key = ENTITY_SINGULARS.get(key, key)
    if key not in ENTITY_PLURALS:
        raise PydanticCustomError("enum", "unknown entity '{name}'; use one of: {known}, catalog_{{CATALOG_ID}}",
                                  {"name": name, "known": ", ".join(ENTITY_PLURALS)})
    return key


def _period(value: Any) -> Any:
    """A timestamp (from), ``from,to``, ``[from, to]`` or ``{from, to}``; either bound may be empty."""
    if isinstance(value, dict) or value in (None, ""):
        return value or None
    if isinstance(value, list):
        start, end = [*value, None, None][:2]
    else:
        start, _, end = str(value).partition(",")
    return {"from": start, "to": end}


def _statuses(value: Any) -> Any:
    """``[N][pipeline_id|status_id]``: a list, a dict keyed by anything, or one object."""
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        return list(value.values()) if all(isinstance(v, dict) for v in value.values()) else [value]
    return value if isinstance(value, list) else [value]


def _number(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


IdList = Annotated[list[Id], BeforeValidator(_values)]
#: A name or key in a query (event types, entities, ``with`` options): short.
Key = Annotated[str, Field(max_length=64)]
Bound = Annotated[Timestamp | None, BeforeValidator(_number)]


class Period(WireModel):
    from_: Bound = Field(None, alias="from")
    to: Bound = None


class StageRef(WireModel):
    pipeline_id: Annotated[Id | None, BeforeValidator(_number)] = None
    status_id: Annotated[Id | None, BeforeValidator(_number)] = None


class ValueFilter(WireModel):
    """``filter[value_after|value_before][…]``: what the change's values hold. Other keys are refused."""

    model_config = ConfigDict(extra="forbid")

    leads_statuses: Annotated[list[StageRef], BeforeValidator(_statuses), Field(
        description="lead_status_changed: [N][pipeline_id] and/or [N][status_id]")] = Field(default_factory=list)
    responsible_user_id: Annotated[IdList, Field(description="entity_responsible_changed")] = Field(
        default_factory=list)
    custom_field_values: Annotated[IdList, Field(description="Enum ids of custom_field_value_changed")] = Field(
        default_factory=list)
    value: Annotated[list[Annotated[str, Field(max_length=MAX_VALUE)]], BeforeValidator(
        lambda v: _values(v, commas=False)), Field(
        description="The exact value of sale, name and custom field changes")] = Field(default_factory=list)


class EventFilter(WireModel):
    id: Annotated[list[Annotated[Key, AfterValidator(str.lower)]], BeforeValidator(_values),
                  Field(max_length=MAX_IDS)] = Field(default_factory=list)
    type: Annotated[list[Key], BeforeValidator(_values), Field(
        description="Event type keys; custom_field_{FIELD_ID}_value_changed selects one field's changes")] = Field(
        default_factory=list)
    entity: Annotated[list[Annotated[Key, AfterValidator(_entity)]], BeforeValidator(_values), Field(
        description="lead, contact, company, customer, task, catalog_{CATALOG_ID} (or their plurals)")] = Field(
        default_factory=list)
    entity_id: Annotated[IdList, Field(max_length=MAX_ENTITY_IDS, description="Needs exactly one filter[entity]")] \
        = Field(default_factory=list)
    created_by: Annotated[IdList, Field(max_length=MAX_CREATED_BY)] = Field(default_factory=list)
    created_at: Annotated[Period | None, BeforeValidator(_period), Field(
        description="A timestamp (from), from,to, or [from]/[to]")] = None
    value_after: Annotated[ValueFilter | None, BeforeValidator(_blank)] = None
    value_before: Annotated[ValueFilter | None, BeforeValidator(_blank)] = None

    @property
    def entities(self) -> list[str]:
        return list(dict.fromkeys(self.entity))


class EventList(ListParams):
    """``GET /api/v4/events``: newest first, ``order[created_at|id]``, ``with=lead_name,contact_name,
    company_name,note``."""

    orderable = ("created_at", "id")

    filter: Annotated[EventFilter, BeforeValidator(lambda v: v or {})] = Field(  # type: ignore[assignment]
        default_factory=EventFilter)


class EventGet(WireModel):
    """``GET /api/v4/events/{id}``: ``with=`` as for the list."""

    with_: Annotated[list[Key], BeforeValidator(_values)] = Field(
        default_factory=list, alias="with", description="lead_name, contact_name, company_name, note")


def _language(value: Any) -> Any:
    value = _last(value)
    return value if isinstance(value, str) else None  # anything else: the account's language


class EventTypesQuery(WireModel):
    language_code: Annotated[Annotated[str, Field(max_length=35)] | None, BeforeValidator(_language), Field(
        description="es or en; others fall back to the account's language")] = None


class EventStreamQuery(WireModel):
    """``GET /api/v4/events/stream``: the filters of the events list, and where to resume."""

    filter: Annotated[EventFilter, BeforeValidator(lambda v: v or {})] = Field(default_factory=EventFilter)
    since: Annotated[Id | None, BeforeValidator(lambda v: _number(_last(v))), Field(
        description="Resume after this event position (the `id:` of a message); the Last-Event-ID header "
                    "wins. Without either, the stream starts with the next event.")] = None


def resume_position(last_event_id: str | None, since: int | None) -> int | None:
    """Where a stream resumes: ``Last-Event-ID`` (what a reconnecting EventSource sends), else ``since``."""
    text = (last_event_id or "").strip()
    if not text:
        return since
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BadRequest("Last-Event-ID must be the id: of a message of this stream (an event position)")
    return int(text)
