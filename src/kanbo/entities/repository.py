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
from kanbo.core.values import as_int
from kanbo.custom_fields.values import FieldCatalog, filter_clause, is_phone_query, search_clause
from kanbo.entities.kinds import EntityKind
from kanbo.http.query import ListQuery, as_int_list, as_list, as_range
from kanbo.models.entities import EntityColumns
from kanbo.tags.service import tag_filter_clause

ORDERABLE = ("created_at", "updated_at", "id")
ExtraFilters = Callable[[ListQuery, Any], list[ColumnElement[bool]]]


def range_clause(column: Any, value: Any, path: str) -> ColumnElement[bool] | None:
    bounds = as_range(value, path)
    parts = []
    if bounds.start is not None:
        parts.append(column >= bounds.start)
    if bounds.end is not None:
        parts.append(column <= bounds.end)
    return and_(*parts) if parts else None


def if_modified_since(header: str | None) -> int | None:
    """An HTTP-date → unix seconds; an unparseable header is ignored (spec §24)."""
    if not header:
        return None
    try:
        return int(parsedate_to_datetime(header).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def shared_filters(kind: EntityKind, query: ListQuery, catalog: FieldCatalog) -> list[ColumnElement[bool]]:
    model: Any = kind.model
    f = query.filter
    clauses: list[ColumnElement[bool]] = []
    if f.get("id") not in (None, ""):
        clauses.append(model.id.in_(as_int_list(f["id"], "filter[id]")))
    if f.get("name") not in (None, ""):
        clauses.append(model.name.in_(as_list(f["name"], split_commas=False, path="filter[name]")))
    for key in ("created_by", "updated_by", "responsible_user_id"):
        if f.get(key) not in (None, ""):
            clauses.append(getattr(model, key).in_(as_int_list(f[key], f"filter[{key}]")))
    for key in ("created_at", "updated_at", "closest_task_at"):
        if key in f:
            clause = range_clause(getattr(model, key), f[key], f"filter[{key}]")
            if clause is not None:
                clauses.append(clause)
    if f.get("custom_fields_values") not in (None, ""):
        if not isinstance(f["custom_fields_values"], dict):
            raise BadRequest("filter[custom_fields_values] must be keyed by field id: "
                             "filter[custom_fields_values][FIELD_ID][]=value")
        clauses.append(filter_clause(catalog, model.id, f["custom_fields_values"]))
    if f.get("tags") not in (None, ""):
        clauses.append(tag_filter_clause(kind.name, model.id, f["tags"]))
    text = query.text("query")
    if text:
        text = text.strip()
        number = as_int(text) if text.isascii() and text.isdigit() else None  # "²" or 30 digits: no id
        found = search_clause(catalog, model.id, text, [number] if number is not None else [])
        # Where phones live, a phone number is looked up by the phone rule through indexes only; other texts
        # (and every text for leads) are also searched in names (a substring of every name: a scan).
        phone_only = is_phone_query(text) and catalog.field("PHONE") is not None
        clauses.append(found if phone_only else or_(model.name.ilike(f"%{_escape(text)}%", escape="\\"), found))
    return clauses


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_statement(kind: EntityKind, principal: Principal, query: ListQuery, catalog: FieldCatalog, *,
                   modified_since: int | None = None, extra: ExtraFilters | None = None) -> Select[Any]:
    model: Any = kind.model
    only_deleted = query.has("only_deleted")
    clauses = [model.is_deleted.is_(only_deleted), *rights.visible(principal, kind.name, model)]
    if kind.name != "leads":  # contacts and companies of an incoming lead appear once it is accepted
        clauses.append(model.is_unsorted.is_(False))
    clauses += shared_filters(kind, query, catalog)
    if extra is not None:
        clauses += extra(query, model)
    if modified_since is not None:
        clauses.append(model.updated_at >= modified_since)
    statement = select(model).where(*clauses)
    order = [getattr(model, key).desc() if direction == "desc" else getattr(model, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(model.id.asc())
    return statement.order_by(*order).offset(query.offset).limit(query.limit + 1)


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
