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
from kanbo.core.errors import BadRequest, Unauthorized
from kanbo.core.principal import Principal
from kanbo.core.sequences import Counter
from kanbo.events.commits import counter_name
from kanbo.events.query_wire import EventFilter, StageRef, ValueFilter
from kanbo.http.query import ListQuery
from kanbo.models.accounts import Account
from kanbo.models.entities import Company, Contact, Lead
from kanbo.models.events import Event

CUSTOM_FIELD_TYPE = "custom_field_value_changed"
_FIELD_TYPE = re.compile(r"^custom_field_(\d{1,18})_value_changed$")
# ``with=`` options that add ``_embedded.entity.name`` to the events of one entity type.
NAMED: dict[str, tuple[str, Any]] = {
    "lead_name": ("lead", Lead), "contact_name": ("contact", Contact), "company_name": ("company", Company),
}

# What ``filter[value_*][value]`` compares: the value of the sale, name and custom field events.
_VALUE_PATHS = (("sale_field_value", "sale"), ("name_field_value", "name"), ("custom_field_value", "text"))


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


def _value_filters(side: str, f: ValueFilter, dialect: str) -> list[ColumnElement[bool]]:
    """``filter[value_after|value_before][…]`` → clauses on that column."""
    column = getattr(Event, side)
    clauses: list[ColumnElement[bool]] = []
    if f.leads_statuses:
        clauses.append(_element_exists(column, dialect, _statuses_test(f.leads_statuses, side)))
    if f.responsible_user_id:
        ids = [str(i) for i in f.responsible_user_id]
        clauses.append(_element_exists(column, dialect, lambda at: at("responsible_user", "id").in_(ids)))
    if f.custom_field_values:
        enums = [str(i) for i in f.custom_field_values]
        clauses.append(_element_exists(column, dialect, lambda at: at("custom_field_value", "enum_id").in_(enums)))
    if f.value:
        texts = _texts(f.value)
        clauses.append(_element_exists(column, dialect, lambda at: or_(*(at(*p).in_(texts) for p in _VALUE_PATHS))))
    return clauses


def _statuses_test(stages: list[StageRef], side: str) -> Any:
    pairs = [(None if s.pipeline_id is None else str(s.pipeline_id), None if s.status_id is None else str(s.status_id))
             for s in stages]
    pairs = [pair for pair in pairs if pair != (None, None)]
    if not pairs:
        raise BadRequest(f"filter[{side}][leads_statuses] needs a pipeline_id or a status_id")

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

def _type_clause(types: list[str], dialect: str) -> ColumnElement[bool]:
    plain: list[str] = []
    options: list[ColumnElement[bool]] = []
    for key in types:
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


def filter_clauses(f: EventFilter, dialect: str) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if f.id:
        clauses.append(Event.uid.in_(f.id))
    if f.type:
        clauses.append(_type_clause(f.type, dialect))
    entities = f.entities
    if entities:
        clauses.append(Event.entity_type.in_(entities))
    if f.entity_id:
        if len(entities) != 1:
            raise BadRequest("filter[entity_id] needs exactly one filter[entity]")
        clauses.append(Event.entity_id.in_(f.entity_id))
    if f.created_by:
        clauses.append(Event.created_by.in_(f.created_by))
    if f.created_at is not None:
        if f.created_at.from_ is not None:
            clauses.append(Event.created_at >= f.created_at.from_)
        if f.created_at.to is not None:
            clauses.append(Event.created_at <= f.created_at.to)
    for side in ("value_after", "value_before"):
        value_filter = getattr(f, side)
        if value_filter is not None:
            clauses += _value_filters(side, value_filter, dialect)
    return clauses


# Rights -------------------------------------------------------------------------------------------

def visibility(principal: Principal) -> ColumnElement[bool]:
    """Admins see every event of the account; other users the events of the leads, contacts, companies
    and tasks they may view (for leads also the per-stage rights); events of other entity types only
    admins."""
    if rights.is_admin(principal):
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


def list_statement(principal: Principal, query: ListQuery, f: EventFilter, dialect: str) -> Select[tuple[Event]]:
    statement = select(Event).where(visibility(principal), *filter_clauses(f, dialect))
    order = []
    for key, direction in query.order:
        column = Event.seq if key == "id" else Event.created_at
        order.append(column.desc() if direction == "desc" else column.asc())
    if not any(key == "id" for key, _ in query.order):
        first = query.order[0][1] if query.order else "desc"
        order.append(Event.seq.desc() if first == "desc" else Event.seq.asc())
    return statement.order_by(*order).offset(query.offset).limit(query.limit + 1)


async def list_page(session: AsyncSession, principal: Principal, query: ListQuery, f: EventFilter
                    ) -> tuple[list[Event], bool]:
    """The page's events (one statement: limit + 1 rows) and whether another page follows."""
    rows = list(await session.scalars(list_statement(principal, query, f, dialect_of(session))))
    return rows[:query.limit], len(rows) > query.limit


# The live stream -----------------------------------------------------------------------------------

async def last_position(session: AsyncSession, account_id: int) -> int:
    """The position of the account's last committed event (0: none yet)."""
    value = await session.scalar(select(Counter.value).where(Counter.name == counter_name(account_id)))
    return int(value or 0)


async def last_positions(session: AsyncSession, accounts: list[int]) -> dict[int, int]:
    """:func:`last_position` of several accounts in one statement (accounts without events are absent)."""
    names = {counter_name(account_id): account_id for account_id in accounts}
    rows = await session.execute(select(Counter.name, Counter.value).where(Counter.name.in_(names)))
    return {names[name]: int(value) for name, value in rows}


async def stream_page(session: AsyncSession, principal: Principal, clauses: list[ColumnElement[bool]], after: int,
                      limit: int) -> tuple[list[Event], int, bool]:
    """The events after position ``after`` that ``principal`` may see and ``clauses`` (the stream's filters)
    select, in position order, at most ``limit``; the position to read after next time; whether more may
    follow at once. A page that is not full moves the cursor to the last committed position: the events
    in between are not for this stream, and are not read again. A cursor past the last position (a
    client's id from before a restore) starts over from the last one."""
    last = await last_position(session, principal.account_id)
    after = min(after, last)
    if after == last:
        return [], last, False
    rows = list(await session.scalars(
        select(Event).where(Event.position > after, Event.position <= last, visibility(principal), *clauses)
        .order_by(Event.position).limit(limit)))
    if len(rows) == limit:
        return rows, int(rows[-1].position or after), True
    return rows, last, False


async def account_language(session: AsyncSession, principal: Principal) -> str:
    """The account's language (the default of ``language_code``)."""
    account = await session.get(Account, principal.account_id)
    if account is None:
        raise Unauthorized("The account no longer exists")
    return account.language


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
