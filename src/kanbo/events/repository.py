"""Reading the event log: filters (spec §11.2), the rights scope, ordering and paging.

A list runs one statement for the page (limit + 1 rows, no COUNT), then for ``with=*_name`` one
statement per entity type present on the page and for ``with=note`` two (the notes, their users'
groups) — whatever the page size. Rights are subqueries inside the page statement.

**Value filters run in SQL, with each dialect's JSON functions.** ``value_after``/``value_before``
are JSON arrays of one-key objects (spec §24). A value filter becomes
``EXISTS (SELECT … FROM <elements of the array> AS e WHERE <text at a path of e> IN (…))`` where the
elements come from ``json_each`` + ``json_extract`` on SQLite and ``jsonb_array_elements`` +
``jsonb_extract_path_text`` on PostgreSQL. Both yield the value at the path as text (JSON numbers
in their shortest form, strings unquoted), so the same comparisons hold on both databases. We chose
this over filtering in Python after the SQL query because paging then stays a plain
``OFFSET``/``LIMIT`` in the database: a Python pass would have to read an unbounded number of rows
(or loop with more statements) to fill a page whose matches are sparse.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest
from kanbo.core.principal import Principal
from kanbo.events.types import ENTITY_PLURALS, ENTITY_SINGULARS
from kanbo.http.query import ListQuery, as_int_list, as_list, to_int
from kanbo.models.entities import Company, Contact, Lead
from kanbo.models.events import Event

ORDERABLE = ("created_at", "id")
MAX_IDS = 100
MAX_ENTITY_IDS = 10
MAX_CREATED_BY = 10
CUSTOM_FIELD_TYPE = "custom_field_value_changed"
_FIELD_TYPE = re.compile(r"^custom_field_(\d{1,18})_value_changed$")
_CATALOG = re.compile(r"^catalog_(\d{1,18})$")
# ``with=`` options that add ``_embedded.entity.name`` to the events of one entity type.
NAMED: dict[str, tuple[str, Any]] = {
    "lead_name": ("lead", Lead), "contact_name": ("contact", Contact), "company_name": ("company", Company),
}

# What ``filter[value_*][value]`` compares: the value of the sale, name and custom field events.
_VALUE_PATHS = (("sale_field_value", "sale"), ("name_field_value", "name"), ("custom_field_value", "text"))


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


# JSON elements -----------------------------------------------------------------------------------

def _element_exists(column: Any, dialect: str, test: Any) -> ColumnElement[bool]:
    """``EXISTS`` an element of the JSON array ``column`` for which ``test(text_at)`` holds.

    ``text_at(*path)`` is the element's value at ``path`` as text (NULL when absent).
    """
    if dialect == "postgresql":
        elements = func.jsonb_array_elements(column).table_valued("value").alias("e")

        def text_at(*path: str) -> ColumnElement[Any]:
            return func.jsonb_extract_path_text(elements.c.value, *path)
    else:
        elements = func.json_each(column).table_valued("value").alias("e")

        def text_at(*path: str) -> ColumnElement[Any]:
            return cast(func.json_extract(elements.c.value, "$." + ".".join(path)), String)

    return select(elements.c.value).where(test(text_at)).exists()


def _texts(values: list[str]) -> list[str]:
    """Exact texts to compare; a number is also compared in its canonical form (``"10.0"`` → ``"10"``)."""
    out: list[str] = []
    for value in values:
        out.append(value)
        try:
            number = float(value)
        except ValueError:
            continue
        if math.isfinite(number) and number.is_integer() and str(int(number)) != value:
            out.append(str(int(number)))
    return out


def _value_filters(side: str, raw: Any, dialect: str) -> list[ColumnElement[bool]]:
    """``filter[value_after|value_before][…]`` → clauses on that column."""
    path = f"filter[{side}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"{path} must be keyed: {path}[responsible_user_id], {path}[leads_statuses][0][status_id], "
                         f"{path}[value], {path}[custom_field_values]")
    column = getattr(Event, side)
    clauses: list[ColumnElement[bool]] = []
    for key, value in raw.items():
        if not _present(value):
            continue
        if key == "leads_statuses":
            clauses.append(_element_exists(column, dialect, _statuses_test(value, f"{path}[leads_statuses]")))
        elif key == "responsible_user_id":
            ids = [str(i) for i in as_int_list(value, f"{path}[responsible_user_id]")]
            clauses.append(_element_exists(column, dialect, lambda at, ids=ids: at("responsible_user", "id").in_(ids)))
        elif key == "custom_field_values":
            ids = [str(i) for i in as_int_list(value, f"{path}[custom_field_values]")]
            clauses.append(_element_exists(column, dialect,
                                           lambda at, ids=ids: at("custom_field_value", "enum_id").in_(ids)))
        elif key == "value":
            texts = _texts(as_list(value, split_commas=False, path=f"{path}[value]"))
            clauses.append(_element_exists(column, dialect, lambda at, texts=texts: or_(
                *(at(*p).in_(texts) for p in _VALUE_PATHS))))
        else:
            raise BadRequest(f"{path}[{key}] is not a supported filter; use leads_statuses, responsible_user_id, "
                             "value or custom_field_values")
    return clauses


def _statuses_test(value: Any, path: str) -> Any:
    entries = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else [value]
    pairs: list[tuple[str | None, str | None]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise BadRequest(f"{path} must be a list of {{pipeline_id, status_id}}: {path}[0][status_id]=142")
        pipeline = entry.get("pipeline_id")
        status = entry.get("status_id")
        pair = (str(to_int(pipeline, f"{path}[{index}][pipeline_id]")) if _present(pipeline) else None,
                str(to_int(status, f"{path}[{index}][status_id]")) if _present(status) else None)
        if pair != (None, None):
            pairs.append(pair)
    if not pairs:
        raise BadRequest(f"{path} needs a pipeline_id or a status_id")

    def test(at: Any) -> ColumnElement[bool]:
        options = []
        for pipeline, status in pairs:
            parts = []
            if pipeline is not None:
                parts.append(at("lead_status", "pipeline_id") == pipeline)
            if status is not None:
                parts.append(at("lead_status", "id") == status)
            options.append(and_(*parts))
        return or_(*options)

    return test


# Filters ------------------------------------------------------------------------------------------

def _entity_types(value: Any) -> list[str]:
    result = []
    for name in as_list(value, path="filter[entity]"):
        key = name.strip().lower()
        if _CATALOG.match(key):
            key = "catalog_element"
        key = ENTITY_SINGULARS.get(key, key)
        if key not in ENTITY_PLURALS:
            raise BadRequest(f"filter[entity]: unknown entity '{name}'; use one of: "
                             + ", ".join(ENTITY_PLURALS) + ", catalog_{CATALOG_ID}")
        if key not in result:
            result.append(key)
    return result


def _type_clause(value: Any, dialect: str) -> ColumnElement[bool]:
    plain: list[str] = []
    options: list[ColumnElement[bool]] = []
    for key in as_list(value, path="filter[type]"):
        match = _FIELD_TYPE.match(key)
        if match is None:
            plain.append(key)
            continue
        field_id = match.group(1)

        def test(at: Any, field_id: str = field_id) -> ColumnElement[bool]:
            return at("custom_field_value", "field_id") == str(int(field_id))

        options.append(and_(Event.type == CUSTOM_FIELD_TYPE, or_(
            _element_exists(Event.value_after, dialect, test), _element_exists(Event.value_before, dialect, test))))
    if plain:
        options.insert(0, Event.type.in_(plain))
    return or_(*options) if options else false()


def _created_at(value: Any) -> ColumnElement[bool] | None:
    """A timestamp (from), ``from,to``, ``[from,to]`` or ``[from]``/``[to]``; either bound may be empty."""
    path = "filter[created_at]"
    if isinstance(value, dict):
        start, end = value.get("from"), value.get("to")
    elif isinstance(value, list):
        parts = [str(v) for v in value]
        start, end = (parts[0] if parts else None), (parts[1] if len(parts) > 1 else None)
    else:
        start, _, end = str(value).partition(",")
    parts_sql = []
    if _present(start) and str(start).strip():
        parts_sql.append(Event.created_at >= to_int(start, f"{path}[from]"))
    if _present(end) and str(end).strip():
        parts_sql.append(Event.created_at <= to_int(end, f"{path}[to]"))
    return and_(*parts_sql) if parts_sql else None


def filter_clauses(query: ListQuery, dialect: str) -> list[ColumnElement[bool]]:
    f = query.filter
    clauses: list[ColumnElement[bool]] = []
    if _present(f.get("id")):
        uids = as_list(f["id"], path="filter[id]")
        if len(uids) > MAX_IDS:
            raise BadRequest(f"filter[id] takes at most {MAX_IDS} ids")
        clauses.append(Event.uid.in_([uid.lower() for uid in uids]))
    if _present(f.get("type")):
        clauses.append(_type_clause(f["type"], dialect))
    entities = _entity_types(f["entity"]) if _present(f.get("entity")) else []
    if entities:
        clauses.append(Event.entity_type.in_(entities))
    if _present(f.get("entity_id")):
        if len(entities) != 1:
            raise BadRequest("filter[entity_id] needs exactly one filter[entity]")
        ids = as_int_list(f["entity_id"], "filter[entity_id]")
        if len(ids) > MAX_ENTITY_IDS:
            raise BadRequest(f"filter[entity_id] takes at most {MAX_ENTITY_IDS} ids")
        clauses.append(Event.entity_id.in_(ids))
    if _present(f.get("created_by")):
        users = as_int_list(f["created_by"], "filter[created_by]")
        if len(users) > MAX_CREATED_BY:
            raise BadRequest(f"filter[created_by] takes at most {MAX_CREATED_BY} users")
        clauses.append(Event.created_by.in_(users))
    if _present(f.get("created_at")):
        clause = _created_at(f["created_at"])
        if clause is not None:
            clauses.append(clause)
    for side in ("value_after", "value_before"):
        if _present(f.get(side)):
            clauses += _value_filters(side, f[side], dialect)
    return clauses


# Rights -------------------------------------------------------------------------------------------

def visibility(principal: Principal) -> ColumnElement[bool]:
    """Admins see every event of the account; other users the events of the leads, contacts, companies
    and tasks they may view (for leads also the per-stage rights); events of other entity types only
    admins."""
    if principal.is_admin:
        return true()
    return or_(*(_scoped(principal, singular, entity)
                 for singular, entity in (("lead", "leads"), ("contact", "contacts"), ("company", "companies"),
                                          ("task", "tasks"))))


def _scoped(principal: Principal, singular: str, entity: str) -> ColumnElement[bool]:
    if not rights.may(principal, entity, "view"):
        return false()
    clauses = rights.visible(principal, entity)
    if rights.letter(principal, entity, "view") == "A" and len(clauses) == 1:  # every row, no stage rights
        return Event.entity_type == singular
    model = rights.MODELS[entity]
    return and_(Event.entity_type == singular, Event.entity_id.in_(select(model.id).where(*clauses)))


# Queries ------------------------------------------------------------------------------------------

def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def list_statement(principal: Principal, query: ListQuery, dialect: str) -> Select[tuple[Event]]:
    statement = select(Event).where(visibility(principal), *filter_clauses(query, dialect))
    order = []
    for key, direction in query.order:
        column = Event.seq if key == "id" else Event.created_at
        order.append(column.desc() if direction == "desc" else column.asc())
    if not any(key == "id" for key, _ in query.order):
        first = query.order[0][1] if query.order else "desc"
        order.append(Event.seq.desc() if first == "desc" else Event.seq.asc())
    return statement.order_by(*order).offset(query.offset).limit(query.limit + 1)


async def fetch_page(session: AsyncSession, statement: Select[tuple[Event]], limit: int) -> tuple[list[Event], bool]:
    rows = list(await session.scalars(statement))
    return rows[:limit], len(rows) > limit


async def get_visible(session: AsyncSession, principal: Principal, uid: str) -> Event | None:
    event: Event | None = await session.scalar(
        select(Event).where(Event.uid == uid.lower(), visibility(principal)))
    return event


async def entity_names(session: AsyncSession, events: list[Event], with_: frozenset[str]
                       ) -> dict[tuple[str, int], str]:
    """``with=lead_name,contact_name,company_name``: one query per entity type present on the page."""
    names: dict[tuple[str, int], str] = {}
    for option, (singular, model) in NAMED.items():
        if option not in with_:
            continue
        ids = sorted({e.entity_id for e in events if e.entity_type == singular})
        if not ids:
            continue
        for entity_id, name in await session.execute(select(model.id, model.name).where(model.id.in_(ids))):
            names[(singular, entity_id)] = name
    return names


def note_ids(event: Event) -> list[int]:
    """Ids of the notes an event refers to (``{"note": {"id": …}}`` in either value list)."""
    found = []
    for element in [*(event.value_after or []), *(event.value_before or [])]:
        note = element.get("note") if isinstance(element, dict) else None
        if isinstance(note, dict) and isinstance(note.get("id"), int) and note["id"] not in found:
            found.append(note["id"])
    return found


@dataclass(frozen=True)
class EmbeddedNote:
    """A note rendered for ``with=note``, with the card it belongs to (its rights are the card's)."""

    entity_type: str  # plural, as notes store it
    entity_id: int
    body: dict[str, Any]


NoteLoader = Callable[[AsyncSession, Request, list[int]], Awaitable[dict[int, EmbeddedNote]]]
_note_loader: NoteLoader | None = None


def register_note_loader(loader: NoteLoader) -> None:
    """The notes domain, above the log, tells it how to load and render notes (``kanbo.wiring``)."""
    global _note_loader
    _note_loader = loader


async def notes_of(session: AsyncSession, request: Request, events: list[Event]) -> dict[int, EmbeddedNote]:
    """``with=note``: the notes the page's events refer to, rendered by the registered loader (a fixed
    number of queries, only when the page has note events). A deleted note is simply absent."""
    ids = sorted({note_id for event in events for note_id in note_ids(event)})
    if not ids:
        return {}
    if _note_loader is None:
        raise RuntimeError("no note loader is registered: call kanbo.wiring.wire() at start-up")
    return await _note_loader(session, request, ids)
