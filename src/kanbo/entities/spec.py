"""What each entity type plugs into the shared machinery: its own fields, embeds and events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from kanbo.core.errors import Errors
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import FieldCatalog
from kanbo.entities.kinds import EntityKind
from kanbo.entities.users import UserInfo
from kanbo.events.service import Change
from kanbo.http.wire import BatchItem


@dataclass
class WriteContext:
    session: AsyncSession
    principal: Principal
    users: dict[int, UserInfo]
    catalog: FieldCatalog
    errors: Errors
    # Whatever the kind's `prepare` loaded once for the batch (stages, loss reasons…).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadContext:
    request: Request
    session: AsyncSession
    principal: Principal
    users: dict[int, UserInfo]
    catalog: FieldCatalog
    with_: frozenset[str]
    # Whatever the kind's `preload` loaded once for the page (links, loss reasons…).
    extra: dict[str, Any] = field(default_factory=dict)


# The hooks get the kind's own models (`LeadIn`, `LeadFilter`…), typed `Any` here.
# (ctx, item, request_id, row or None for a create) → column values to set on the row
ParseFields = Callable[[WriteContext, Any, str, Any], dict[str, Any]]
# (ctx, rows, items by row id, created?) → changes (links made from `_embedded`, …)
AfterWrite = Callable[[WriteContext, list[Any], dict[int, Any], bool], Awaitable[list[Change]]]
Prepare = Callable[[WriteContext, Sequence[Any]], Awaitable[None]]
Preload = Callable[[ReadContext, list[Any]], Awaitable[None]]
RenderExtra = Callable[[ReadContext, Any, dict[str, Any]], None]
# (the typed `filter[...]`, model) → extra WHERE clauses
ExtraFilters = Callable[[Any, Any], list[Any]]
# (row, before column values, after column values) → kind-specific changes (stage, price…)
Diff = Callable[[Any, dict[str, Any], dict[str, Any]], list[Change]]


async def _nothing_async(*args: Any) -> None:
    return None


async def _no_changes(*args: Any) -> list[Change]:
    return []


@dataclass(frozen=True)
class KindWire:
    """The models of one kind's routes: request bodies and query (``kanbo.entities.wire``) and the
    documented answers (``kanbo.entities.answers_wire``)."""

    new: type[BatchItem]  # an item of POST (an EntityIn)
    update: type[BatchItem]  # an item of PATCH (an EntityIn with HasId)
    params: type[BaseModel]  # the list query (an EntityList)
    page: type[BaseModel]  # a list page
    item: type[BaseModel]  # one entity, or its trashed form with with=only_deleted
    full: type[BaseModel]  # one entity
    added: type[BaseModel]
    updated: type[BaseModel]


@dataclass(frozen=True)
class EntitySpec:
    kind: EntityKind
    wire: KindWire
    parse_fields: ParseFields
    render_extra: RenderExtra
    prepare: Prepare = _nothing_async
    preload: Preload = _nothing_async
    after_write: AfterWrite = _no_changes
    extra_filters: ExtraFilters | None = None
    diff: Diff | None = None
    tracked: tuple[str, ...] = ("name", "responsible_user_id")
