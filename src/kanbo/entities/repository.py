"""List queries over leads, contacts and companies: the shared filters, rights scope and paging.

A list request runs a fixed number of statements: this query (limit + 1 rows, no COUNT), then one
query per kind of embedded data for the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest
from kanbo.core.principal import Principal
from kanbo.custom_fields.values import FieldCatalog, filter_clause, is_phone_query, search_clause, sort_keys
from kanbo.entities.kinds import EntityKind
from kanbo.entities.wire import EntityFilter, EntityRange, is_field_key
from kanbo.http.query import MAX_INT, ListQuery, as_range
from kanbo.models.entities import EntityColumns
from kanbo.tags.service import tag_filter_clause
from kanbo.tags.wire import fold, folded

ExtraFilters = Callable[[Any, Any], list[ColumnElement[bool]]]


def _between(column: Any, start: int | None, end: int | None) -> ColumnElement[bool] | None:
    parts = []
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column <= end)
    return and_(*parts) if parts else None


def range_clause(column: Any, value: Any, path: str) -> ColumnElement[bool] | None:
    """``column`` within the untyped ``x[from]``/``x[to]`` of a query (tasks and notes use it)."""
    bounds = as_range(value, path)
    return _between(column, bounds.start, bounds.end)


def if_modified_since(header: str | None) -> int | None:
    """An HTTP-date → unix seconds; an unparseable header is ignored (spec §24)."""
    if not header:
        return None
    try:
        return int(parsedate_to_datetime(header).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def bounds_clause(column: Any, bounds: EntityRange | None) -> ColumnElement[bool] | None:
    """``column`` within typed ``[from]``/``[to]`` bounds; ``None`` when there are none."""
    return None if bounds is None else _between(column, bounds.from_, bounds.to)


def shared_filters(kind: EntityKind, filters: EntityFilter, text: str | None,
                   catalog: FieldCatalog) -> list[ColumnElement[bool]]:
    model: Any = kind.model
    clauses: list[ColumnElement[bool]] = []
    if filters.id:
        clauses.append(model.id.in_(filters.id))
    if filters.name:
        clauses.append(model.name.in_(filters.name))
    for key in ("created_by", "updated_by", "responsible_user_id"):
        if getattr(filters, key):
            clauses.append(getattr(model, key).in_(getattr(filters, key)))
    for key in ("created_at", "updated_at", "closest_task_at"):
        clause = bounds_clause(getattr(model, key), getattr(filters, key))
        if clause is not None:
            clauses.append(clause)
    if filters.custom_fields_values:
        clauses.append(filter_clause(catalog, model.id, filters.custom_fields_values))
    if filters.tags:
        clauses.append(tag_filter_clause(kind.name, model.id, filters.tags))
    text = (text or "").strip()
    if text:
        # An id only when ASCII digits that fit a BIGINT ("²" or 30 digits are no id).
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_INT else None
        found = search_clause(catalog, model.id, text, [number] if number is not None else [])
        # Where phones live, a phone number is looked up by the phone rule through indexes only; other texts
        # (and every text for leads) are also searched in names (a substring of every name: a scan).
        phone_only = is_phone_query(text) and catalog.field("PHONE") is not None
        clauses.append(found if phone_only else or_(name_contains(model.name, text), found))
    return clauses


def name_contains(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, case-insensitively beyond ASCII too (``иван`` finds ``Иван``) on both
    databases; ``%`` and ``_`` are literal."""
    return folded(column).like(f"%{_escape(fold(text))}%", escape="\\")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_clauses(kind: EntityKind, principal: Principal, filters: EntityFilter, catalog: FieldCatalog, *,
                 text: str | None = None, extra: ExtraFilters | None = None,
                 only_deleted: bool = False) -> list[ColumnElement[bool]]:
    """The WHERE of a list of ``kind`` (and of what counts its rows, as the board summary): live (or
    trashed) rows the principal may view, matching ``filter[...]`` and ``query``."""
    model: Any = kind.model
    clauses = [model.is_deleted.is_(only_deleted), *rights.visible(principal, kind.name, model)]
    if kind.name != "leads":  # contacts and companies of an incoming lead appear once it is accepted
        clauses.append(model.is_unsorted.is_(False))
    clauses += shared_filters(kind, filters, text, catalog)
    if extra is not None:
        clauses += extra(filters, model)
    return clauses


def list_statement(kind: EntityKind, principal: Principal, query: ListQuery, filters: EntityFilter,
                   catalog: FieldCatalog, *, text: str | None = None, modified_since: int | None = None,
                   extra: ExtraFilters | None = None) -> Select[Any]:
    model: Any = kind.model
    clauses = list_clauses(kind, principal, filters, catalog, text=text, extra=extra,
                           only_deleted=query.has("only_deleted"))
    if modified_since is not None:
        clauses.append(model.updated_at >= modified_since)
    statement = select(model).where(*clauses)
    order: list[Any] = []
    for key, direction in query.order:
        statement, column = _sort_column(statement, model, catalog, key)
        ordered = column.desc() if direction == "desc" else column.asc()
        # Only where a key may be missing: NULLS LAST on a NOT NULL column would keep PostgreSQL from
        # reading its index backwards (order[updated_at]=desc).
        order.append(ordered.nulls_last() if key == "closest_task_at" or is_field_key(key) else ordered)
    if not any(key == "id" for key, _ in query.order):
        order.append(model.id.asc())
    return statement.order_by(*order).offset(query.offset).limit(query.limit + 1)


def _sort_column(statement: Select[Any], model: Any, catalog: FieldCatalog, key: str) -> tuple[Select[Any], Any]:
    """What ``order[key]`` sorts by: a column (names case-insensitively), or a custom field's key (its
    values outer-joined, one grouped read of the index: the statement count stays the same)."""
    if key == "name":
        return statement, folded(model.name)
    if not is_field_key(key):
        return statement, getattr(model, key)
    field = catalog.fields.get(int(key))
    if field is None:
        raise BadRequest(f"order[{key}]: no such custom field of {catalog.entity_type}")
    keys = sort_keys(catalog, field)
    return statement.outerjoin(keys, keys.c.entity_id == model.id), keys.c.key


async def fetch_page(session: AsyncSession, statement: Select[Any], limit: int) -> tuple[list[Any], bool]:
    rows = list(await session.scalars(statement))
    return rows[:limit], len(rows) > limit


async def get_visible(session: AsyncSession, kind: EntityKind, principal: Principal, entity_id: int,
                      *, include_deleted: bool = False) -> EntityColumns | None:
    """One entity the principal may view, or ``None`` (missing, another account's, or not visible)."""
    model: Any = kind.model
    clauses = [model.id == entity_id, *rights.visible(principal, kind.name, model)]
    if not include_deleted:
        clauses.append(model.is_deleted.is_(False))
    row: EntityColumns | None = await session.scalar(select(model).where(*clauses))
    return row


async def load_for_update(session: AsyncSession, kind: EntityKind, ids: list[int]) -> dict[int, EntityColumns]:
    model: Any = kind.model
    if not ids:
        return {}
    rows = await session.scalars(select(model).where(model.id.in_(ids), model.is_deleted.is_(False)))
    return {row.id: row for row in rows}
