"""Notes of leads, contacts and companies (spec §10): reads, the API's batch add and edit, pin, delete,
and :func:`add_note`, the library other services (tasks, calls, incoming leads) write notes with.

Rights follow the card: reading a note needs the view right on its entity, adding and editing need the
edit right on it (for leads also the per-stage rights). Batches are atomic: every item is validated
before anything is written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest, Errors, Forbidden, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities.fields import UserInfo, actor_field, as_int, int_field, user_field, users_map
from kanbo.entities.kinds import EntityKind, kind_of
from kanbo.entities.repository import get_visible, range_clause
from kanbo.events.service import Change, actor_id, record_many
from kanbo.http.query import ListQuery, as_int_list, as_list, to_int
from kanbo.models.activity import Note
from kanbo.models.users import User
from kanbo.notes.params import ADDED_EVENTS, CREATABLE, DELETABLE, SERVICE_ONLY, Report, is_editable, merge, validate

Items = list[tuple[str, dict[str, Any]]]
ORDERABLE = ("updated_at", "id")


def entity_kind(entity_type: str) -> EntityKind:
    """``leads``/``contacts``/``companies`` (or the singular) → its kind."""
    kind = kind_of(entity_type)
    if kind is None:
        raise ValueError(f"notes belong to leads, contacts or companies, not {entity_type!r}")
    return kind


# Rights ---------------------------------------------------------------------------------------

def visible_entity_ids(principal: Principal, kind: EntityKind) -> Select[Any]:
    """The ids of the entities whose notes the principal may read (not in the trash, view right)."""
    model: Any = kind.model
    return select(model.id).where(model.is_deleted.is_(False), *rights.visible(principal, kind.name, model))


def may_edit(principal: Principal, kind: EntityKind, row: Any, users: dict[int, UserInfo]) -> bool:
    """May the principal add or edit notes of this entity: its edit right, for leads also the stage's."""
    info = users.get(row.responsible_user_id)
    return rights.may_entity(principal, kind.name, "edit", row, info.group_id if info else None)


def _require_edit(principal: Principal, kind: EntityKind, row: Any, users: dict[int, UserInfo]) -> None:
    if not may_edit(principal, kind, row, users):
        raise Forbidden(f"You may not change the notes of {kind.singular} {row.id}")


# Reads ----------------------------------------------------------------------------------------

def _updated_at_clause(value: Any) -> ColumnElement[bool] | None:
    """``filter[updated_at]``: ``[from]``/``[to]``, or one timestamp meaning "changed at or after"."""
    if isinstance(value, dict | list):
        return range_clause(Note.updated_at, value, "filter[updated_at]")
    if value in (None, ""):
        return None
    return Note.updated_at >= to_int(value, "filter[updated_at]")


async def list_notes(session: AsyncSession, principal: Principal, kind: EntityKind, query: ListQuery, *,
                     entity_id: int | None = None, modified_since: int | None = None) -> tuple[list[Note], bool]:
    """One page (limit + 1 rows, no COUNT) and whether a next page exists."""
    f = query.filter
    clauses: list[ColumnElement[bool]] = [Note.entity_type == kind.name]
    if entity_id is None:
        clauses.append(Note.entity_id.in_(visible_entity_ids(principal, kind)))
        if f.get("entity_id") not in (None, ""):
            clauses.append(Note.entity_id.in_(as_int_list(f["entity_id"], "filter[entity_id]")))
    else:
        entity = await get_visible(session, kind, principal, entity_id)
        if entity is None:
            return [], False
        clauses.append(Note.entity_id == entity_id)
    if f.get("id") not in (None, ""):
        clauses.append(Note.id.in_(as_int_list(f["id"], "filter[id]")))
    if f.get("note_type") not in (None, ""):
        clauses.append(Note.note_type.in_(as_list(f["note_type"], path="filter[note_type]")))
    updated = _updated_at_clause(f.get("updated_at"))
    if updated is not None:
        clauses.append(updated)
    if modified_since is not None:
        clauses.append(Note.updated_at >= modified_since)
    order = [getattr(Note, key).desc() if direction == "desc" else getattr(Note, key).asc()
             for key, direction in query.order]
    if not any(key == "id" for key, _ in query.order):
        order.append(Note.id.asc())
    statement = select(Note).where(*clauses).order_by(*order).offset(query.offset).limit(query.limit + 1)
    rows = list(await session.scalars(statement))
    return rows[:query.limit], len(rows) > query.limit


async def get_note(session: AsyncSession, principal: Principal, kind: EntityKind, note_id: int,
                   entity_id: int | None = None) -> Note | None:
    """One note the principal may read (one query), or ``None``."""
    clauses = [Note.id == note_id, Note.entity_type == kind.name,
               Note.entity_id.in_(visible_entity_ids(principal, kind))]
    if entity_id is not None:
        clauses.append(Note.entity_id == entity_id)
    note: Note | None = await session.scalar(select(Note).where(*clauses))
    return note


async def groups_of(session: AsyncSession, notes: list[Note]) -> dict[int, int | None]:
    """The group of each note's responsible user (one query for a whole page)."""
    ids = {note.responsible_user_id for note in notes if note.responsible_user_id}
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.group_id).where(User.id.in_(ids)))
    return {row.id: row.group_id for row in rows}


# Writes ---------------------------------------------------------------------------------------

def _reporter(errors: Errors, request_id: str) -> Report:
    def report(path: str, detail: str, code: str) -> None:
        errors.add(request_id, path, detail, code)

    return report


def _type_and_params(note_type: Any, params: Any, errors: Errors, request_id: str, *,
                     allow_service: bool) -> tuple[str, dict[str, Any]] | None:
    if note_type in (None, ""):
        errors.add(request_id, "note_type", "This value should not be blank.", "NotBlank")
        return None
    allowed = CREATABLE + SERVICE_ONLY if allow_service else CREATABLE
    if not isinstance(note_type, str) or note_type not in allowed:
        errors.add(request_id, "note_type", f"The value you selected is not a valid choice: {', '.join(allowed)}.",
                   "NotSupportedChoice")
        return None
    return note_type, validate(note_type, params, _reporter(errors, request_id))


def _entity_id(item: dict[str, Any], errors: Errors, request_id: str) -> int | None:
    if item.get("entity_id") is None:
        errors.add(request_id, "entity_id", "This value should not be blank.", "NotBlank")
        return None
    number = as_int(item["entity_id"])
    if number is None or number < 1:
        errors.add(request_id, "entity_id", "This value should be a positive integer.", "InvalidType")
        return None
    return number


async def _entities(session: AsyncSession, kind: EntityKind, ids: set[int], *,
                    include_deleted: bool = False) -> dict[int, Any]:
    if not ids:
        return {}
    model: Any = kind.model
    clauses = [model.id.in_(ids)]
    if not include_deleted:
        clauses.append(model.is_deleted.is_(False))
    return {row.id: row for row in await session.scalars(select(model).where(*clauses))}


def _not_found(kind: EntityKind, entity_id: int) -> str:
    return f"{kind.singular.capitalize()} {entity_id} not found."


def _added(kind: EntityKind, notes: list[Note]) -> list[Change]:
    return [Change(ADDED_EVENTS[note.note_type], kind.singular, note.entity_id, after=[{"note": {"id": note.id}}])
            for note in notes if note.note_type in ADDED_EVENTS]


def _new(kind: EntityKind, entity_id: int, note_type: str, params: dict[str, Any], *, author: int,
         responsible: int | None, stamp: int) -> Note:
    return Note(entity_type=kind.name, entity_id=entity_id, note_type=note_type, params=params,
                responsible_user_id=responsible, is_pinned=False, created_by=author, updated_by=author,
                created_at=stamp, updated_at=stamp)


async def add_note(session: AsyncSession, principal: Principal | None, entity_type: str, entity_id: int,
                   note_type: str, params: dict[str, Any], *, check_rights: bool = False,
                   created_by: int | None = None) -> Note:
    """Add one note to a card for another service, in the caller's transaction.

    ``entity_type`` is ``leads``/``contacts``/``companies``; ``note_type`` any creatable type or
    ``task_result`` (``{"text", "task_id"}``, not editable). Bad params raise :class:`ValidationFailed`
    (paths ``params.<key>``), a missing entity one at ``entity_id``; with ``check_rights`` the principal
    needs the edit right on the entity (403) and a trashed entity counts as missing. The author
    (``created_by``, default the principal; 0 for the robot) is also the note's responsible user. The
    note is flushed (it has its id) and its event recorded.
    """
    kind = entity_kind(entity_type)
    errors = Errors()
    parsed = _type_and_params(note_type, params, errors, "0", allow_service=True)
    errors.raise_if_any()
    assert parsed is not None
    row = (await _entities(session, kind, {entity_id}, include_deleted=not check_rights)).get(entity_id)
    if row is None:
        raise ValidationFailed.single("entity_id", _not_found(kind, entity_id), code="NotFound")
    if check_rights:
        if principal is None:
            raise Forbidden("Checking rights needs a principal")
        _require_edit(principal, kind, row, await users_map(session))
    author = created_by if created_by is not None else actor_id(principal)
    note = _new(kind, entity_id, parsed[0], parsed[1], author=author, responsible=author, stamp=now())
    session.add(note)
    await session.flush()
    record_many(session, principal, _added(kind, [note]))
    await session.flush()
    return note


async def add_notes(session: AsyncSession, principal: Principal, kind: EntityKind, items: Items, *,
                    entity_id: int | None = None) -> list[tuple[str, Note]]:
    """``POST /api/v4/{entity}/notes`` (each item names its ``entity_id``) or ``…/{entity_id}/notes``."""
    users = await users_map(session)
    errors = Errors()
    plans = []
    for request_id, item in items:
        target = entity_id if entity_id is not None else _entity_id(item, errors, request_id)
        parsed = _type_and_params(item.get("note_type"), item.get("params"), errors, request_id, allow_service=False)
        columns: dict[str, Any] = {}
        for key in ("created_by", "responsible_user_id"):
            field = user_field if key == "responsible_user_id" else actor_field
            value = field(item, key, errors, request_id, users)
            if value is not None:
                columns[key] = value
        for key in ("created_at", "updated_at"):
            stamp = int_field(item, key, errors, request_id)
            if stamp is not None:
                columns[key] = stamp
        plans.append((request_id, target, parsed, columns))
    errors.raise_if_any()
    rows = await _entities(session, kind, {plan[1] for plan in plans if plan[1] is not None})
    for request_id, target, _parsed, _columns in plans:
        assert target is not None
        row = rows.get(target)
        if row is None:
            errors.add(request_id, "entity_id", _not_found(kind, target), "NotFound")
            continue
        _require_edit(principal, kind, row, users)
    errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    results = []
    for request_id, target, parsed, columns in plans:
        assert target is not None and parsed is not None
        author = columns.pop("created_by", actor)
        note = _new(kind, target, parsed[0], parsed[1], author=author,
                    responsible=columns.pop("responsible_user_id", author), stamp=stamp)
        for key, value in columns.items():
            setattr(note, key, value)
        session.add(note)
        results.append((request_id, note))
    await session.flush()
    record_many(session, principal, _added(kind, [note for _, note in results]))
    await session.flush()
    return results


async def update_notes(session: AsyncSession, principal: Principal, kind: EntityKind, items: Items, *,
                       note_id: int | None = None, entity_id: int | None = None) -> list[tuple[str, Note]]:
    """``PATCH`` of notes: ``params`` keys replace the stored ones and are revalidated for the note's type;
    the type itself cannot change. ``note_id`` (and ``entity_id``) come from the path of a single edit,
    whose missing note is a 404."""
    errors = Errors()
    ids: list[int] = []
    for request_id, item in items:
        number = note_id if note_id is not None else int_field(item, "id", errors, request_id, minimum=1)
        if number is None and "id" not in item:
            errors.add(request_id, "id", "This value should not be blank.", "NotBlank")
        ids.append(number or 0)
    errors.raise_if_any()
    notes = {note.id: note for note in await session.scalars(
        select(Note).where(Note.id.in_(set(ids)), Note.entity_type == kind.name))}
    if note_id is not None and (note_id not in notes or entity_id not in (None, notes[note_id].entity_id)):
        raise NotFound(f"Note {note_id} not found")
    rows = await _entities(session, kind, {note.entity_id for note in notes.values()})
    users = await users_map(session)
    plans = []
    for (request_id, item), number in zip(items, ids, strict=True):
        note = notes.get(number)
        if note is None:
            errors.add(request_id, "id", f"Note {number} not found.", "NotFound")
            continue
        given_entity = as_int(item.get("entity_id")) if item.get("entity_id") is not None else None
        if given_entity is not None and given_entity != note.entity_id:
            errors.add(request_id, "entity_id", f"Note {number} belongs to {kind.singular} {note.entity_id}.",
                       "InvalidValue")
            continue
        row = rows.get(note.entity_id)
        if row is None:
            errors.add(request_id, "entity_id", _not_found(kind, note.entity_id), "NotFound")
            continue
        _require_edit(principal, kind, row, users)
        if not is_editable(note.note_type):
            errors.add(request_id, "note_type", f"Notes of type {note.note_type} cannot be edited.", "NotEditable")
            continue
        if item.get("note_type") not in (None, note.note_type):
            errors.add(request_id, "note_type", "The type of a note cannot be changed.", "InvalidValue")
            continue
        params = merge(note.note_type, note.params or {}, item["params"], _reporter(errors, request_id)) \
            if item.get("params") is not None else None
        updated_by = actor_field(item, "updated_by", errors, request_id, users)
        updated_at = int_field(item, "updated_at", errors, request_id)
        plans.append((request_id, note, params, updated_by, updated_at))
    errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    for _request_id, note, params, updated_by, updated_at in plans:
        if params is not None:
            note.params = params
        note.updated_by = updated_by if updated_by is not None else actor
        note.updated_at = updated_at if updated_at is not None else stamp
    await session.flush()
    return [(plan[0], plan[1]) for plan in plans]


async def _load_for_change(session: AsyncSession, principal: Principal, kind: EntityKind, note_id: int,
                           entity_id: int | None) -> tuple[Note, Any, dict[int, UserInfo]]:
    note = await session.scalar(select(Note).where(Note.id == note_id, Note.entity_type == kind.name))
    if note is None or entity_id not in (None, note.entity_id):
        raise NotFound(f"Note {note_id} not found")
    row = (await _entities(session, kind, {note.entity_id})).get(note.entity_id)
    if row is None:
        raise NotFound(_not_found(kind, note.entity_id))
    return note, row, await users_map(session)


async def set_pinned(session: AsyncSession, principal: Principal, kind: EntityKind, note_id: int,
                     pinned: bool) -> None:
    """Pin or unpin a note in its card's feed (edit right on the card; ``updated_at`` is kept)."""
    note, row, users = await _load_for_change(session, principal, kind, note_id, None)
    _require_edit(principal, kind, row, users)
    note.is_pinned = pinned
    await session.flush()


async def delete_note(session: AsyncSession, principal: Principal, kind: EntityKind, note_id: int,
                      entity_id: int | None = None) -> None:
    """Kanbo extension: delete a ``common`` note; only its author or an administrator may."""
    note, row, users = await _load_for_change(session, principal, kind, note_id, entity_id)
    info = users.get(row.responsible_user_id)
    if not rights.may_entity(principal, kind.name, "view", row, info.group_id if info else None):
        raise Forbidden(f"You may not see {kind.singular} {row.id}")
    if note.note_type not in DELETABLE:
        raise BadRequest(f"Only common notes can be deleted; note {note_id} is {note.note_type}")
    if not principal.is_admin and note.created_by != principal.user_id:
        raise Forbidden("Only the author of a note or an administrator may delete it")
    record_many(session, principal, [Change("common_note_deleted", kind.singular, note.entity_id,
                                            before=[{"note": {"id": note.id}}])])
    await session.delete(note)
    await session.flush()
