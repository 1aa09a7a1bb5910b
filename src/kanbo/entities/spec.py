"""What each entity type plugs into the shared machinery: its own fields, embeds and events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from kanbo.core.errors import Errors
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import FieldCatalog
from kanbo.entities.fields import UserInfo
from kanbo.entities.kinds import EntityKind
from kanbo.events.service import Change
from kanbo.http.query import ListQuery


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


# (ctx, item, request_id, row or None for a create) → column values to set on the row
ParseFields = Callable[[WriteContext, dict[str, Any], str, Any], dict[str, Any]]
# (ctx, rows, items by row id, created?) → changes (links made from `_embedded`, …)
AfterWrite = Callable[[WriteContext, list[Any], dict[int, dict[str, Any]], bool], Awaitable[list[Change]]]
Prepare = Callable[[WriteContext, list[tuple[str, dict[str, Any]]]], Awaitable[None]]
Preload = Callable[[ReadContext, list[Any]], Awaitable[None]]
RenderExtra = Callable[[ReadContext, Any, dict[str, Any]], None]
ExtraFilters = Callable[[ListQuery, Any], list[Any]]
# (principal, model) → extra rights clauses (per-stage rights of leads), for lists and single reads
# (row, before column values, after column values) → kind-specific changes (stage, price…)
Diff = Callable[[Any, dict[str, Any], dict[str, Any]], list[Change]]


async def _nothing_async(*args: Any) -> None:
    return None


async def _no_changes(*args: Any) -> list[Change]:
    return []


@dataclass(frozen=True)
class EntitySpec:
    kind: EntityKind
    parse_fields: ParseFields
    render_extra: RenderExtra
    prepare: Prepare = _nothing_async
    preload: Preload = _nothing_async
    after_write: AfterWrite = _no_changes
    extra_filters: ExtraFilters | None = None
    diff: Diff | None = None
    tracked: tuple[str, ...] = ("name", "responsible_user_id")
    orderable: tuple[str, ...] = ("created_at", "updated_at", "id")
