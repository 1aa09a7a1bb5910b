"""Notes of leads, contacts and companies (spec §10): reads, the API's batch add and edit, pin, delete,
and :func:`add_note`, the library other services (tasks, calls, incoming leads) write notes with.

Rights follow the card: reading a note needs the view right on its entity, adding and editing need the
edit right on it (for leads also the per-stage rights). Batches are atomic: every item is validated
before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import BadRequest, Errors, Forbidden, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities.kinds import EntityKind, kind_of
from kanbo.entities.repository import get_visible
from kanbo.entities.users import UserInfo, users_map
from kanbo.events.service import Change, actor_id, record_many
from kanbo.http.query import ListQuery
from kanbo.models.activity import Note
from kanbo.models.users import User
from kanbo.notes.params_wire import ADDED_EVENTS, CREATABLE, DELETABLE, SERVICE_ONLY, check_params, is_editable, stored
from kanbo.notes.wire import NoteEdit, NoteIn, NotesFilter


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

async def list_notes(session: AsyncSession, principal: Principal, kind: EntityKind, query: ListQuery,
                     f: NotesFilter, *, entity_id: int | None = None,
                     modified_since: int | None = None) -> tuple[list[Note], bool]:
    """One page (limit + 1 rows, no COUNT) and whether a next page exists."""
    clauses: list[ColumnElement[bool]] = [Note.entity_type == kind.name]
    if entity_id is None:
        clauses.append(Note.entity_id.in_(visible_entity_ids(principal, kind)))
        if f.entity_id:
            clauses.append(Note.entity_id.in_(f.entity_id))
    else:
        entity = await get_visible(session, kind, principal, entity_id)
        if entity is None:
            return [], False
        clauses.append(Note.entity_id == entity_id)
    if f.id:
        clauses.append(Note.id.in_(f.id))
    if f.note_type:
        clauses.append(Note.note_type.in_(f.note_type))
    if f.updated_at is not None and f.updated_at.from_ is not None:
        clauses.append(Note.updated_at >= f.updated_at.from_)
    if f.updated_at is not None and f.updated_at.to is not None:
        clauses.append(Note.updated_at <= f.updated_at.to)
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

def _note_type(note_type: str, errors: Errors, request_id: str) -> bool:
    """For :func:`add_note`: a creatable type or one only services write."""
    allowed = CREATABLE + SERVICE_ONLY
    if note_type in (None, ""):
        errors.add(request_id, "note_type", "This value should not be blank.", "NotBlank")
        return False
    if note_type not in allowed:
        errors.add(request_id, "note_type", f"The value you selected is not a valid choice: {', '.join(allowed)}.",
                   "NotSupportedChoice")
        return False
    return True


def _user(users: dict[int, UserInfo], user_id: int | None, key: str, errors: Errors, request_id: str, *,
          robot: bool) -> int | None:
    """A user id of the body that must name a user of the account: an active one for a responsible
    user; an author (``robot``) may also be any user of the account or 0."""
    if user_id is None or (robot and user_id == 0):
        return user_id
    info = users.get(user_id)
    if info is None or not (robot or info.is_active):
        state = "a user" if robot else "an active user"
        errors.add(request_id, key, f"User {user_id} is not {state} of this account.", "NotSupportedChoice")
        return None
    return user_id


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
    clean: dict[str, Any] = {}
    if _note_type(note_type, errors, "0"):
        clean, problems = check_params(note_type, params)
        for problem in problems:
            errors.add("0", problem.path, problem.detail, problem.code)
    errors.raise_if_any()
    row = (await _entities(session, kind, {entity_id}, include_deleted=not check_rights)).get(entity_id)
    if row is None:
        raise ValidationFailed.single("entity_id", _not_found(kind, entity_id), code="NotFound")
    if check_rights:
        if principal is None:
            raise Forbidden("Checking rights needs a principal")
        _require_edit(principal, kind, row, await users_map(session))
    author = created_by if created_by is not None else actor_id(principal)
    note = _new(kind, entity_id, note_type, clean, author=author, responsible=author, stamp=now())
    session.add(note)
    await session.flush()
    record_many(session, principal, _added(kind, [note]))
    await session.flush()
    return note


async def add_notes(session: AsyncSession, principal: Principal, kind: EntityKind, items: Sequence[NoteIn], *,
                    entity_id: int | None = None) -> list[tuple[str, Note]]:
    """``POST /api/v4/{entity}/notes`` (each item names its ``entity_id``) or ``…/{entity_id}/notes``
    (the path wins). Items come validated, ``params`` by their type; the users they name and the cards
    are checked here."""
    users = await users_map(session)
    errors = Errors()
    plans: list[tuple[str, int, NoteIn]] = []
    for index, item in enumerate(items):
        request_id = item.request_id or str(index)
        _user(users, item.created_by, "created_by", errors, request_id, robot=True)
        _user(users, item.responsible_user_id, "responsible_user_id", errors, request_id, robot=False)
        target = entity_id if entity_id is not None else item.entity_id
        if target is None:
            errors.add(request_id, "entity_id", "This value should not be blank.", "NotBlank")
            continue
        plans.append((request_id, target, item))
    errors.raise_if_any()
    rows = await _entities(session, kind, {target for _, target, _ in plans})
    for request_id, target, _item in plans:
        row = rows.get(target)
        if row is None:
            errors.add(request_id, "entity_id", _not_found(kind, target), "NotFound")
            continue
        _require_edit(principal, kind, row, users)
    errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    results = []
    for request_id, target, item in plans:
        assert item.params is not None
        author = item.created_by if item.created_by is not None else actor
        responsible = item.responsible_user_id if item.responsible_user_id is not None else author
        note = _new(kind, target, item.note_type, stored(item.params), author=author, responsible=responsible,
                    stamp=stamp)
        if item.created_at is not None:
            note.created_at = item.created_at
        if item.updated_at is not None:
            note.updated_at = item.updated_at
        session.add(note)
        results.append((request_id, note))
    await session.flush()
    record_many(session, principal, _added(kind, [note for _, note in results]))
    await session.flush()
    return results


async def update_notes(session: AsyncSession, principal: Principal, kind: EntityKind, items: Sequence[NoteEdit], *,
                       note_id: int | None = None, entity_id: int | None = None) -> list[tuple[str, Note]]:
    """``PATCH`` of notes: ``params`` keys replace the stored ones and are revalidated for the note's type;
    the type itself cannot change. ``note_id`` (and ``entity_id``) come from the path of a single edit,
    whose missing note is a 404 (and whose errors are item ``0``); otherwise each item's ``id``."""
    errors = Errors()
    edits: list[tuple[str, int, NoteEdit]] = []
    for index, item in enumerate(items):
        request_id = "0" if note_id is not None else item.request_id or str(index)
        number = note_id if note_id is not None else item.id
        if number is None:
            errors.add(request_id, "id", "This value should not be blank.", "NotBlank")
            continue
        edits.append((request_id, number, item))
    errors.raise_if_any()
    notes = {note.id: note for note in await session.scalars(
        select(Note).where(Note.id.in_({number for _, number, _ in edits}), Note.entity_type == kind.name))}
    if note_id is not None and (note_id not in notes or entity_id not in (None, notes[note_id].entity_id)):
        raise NotFound(f"Note {note_id} not found")
    rows = await _entities(session, kind, {note.entity_id for note in notes.values()})
    users = await users_map(session)
    plans = []
    for request_id, number, item in edits:
        note = notes.get(number)
        if note is None:
            errors.add(request_id, "id", f"Note {number} not found.", "NotFound")
            continue
        if item.entity_id is not None and item.entity_id != note.entity_id:
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
        if item.note_type not in (None, note.note_type):
            errors.add(request_id, "note_type", "The type of a note cannot be changed.", "InvalidValue")
            continue
        params = None
        if item.params is not None:
            params, problems = check_params(note.note_type, {**(note.params or {}), **item.params})
            for problem in problems:
                errors.add(request_id, problem.path, problem.detail, problem.code)
        updated_by = _user(users, item.updated_by, "updated_by", errors, request_id, robot=True)
        plans.append((note, params, updated_by, item.updated_at))
    errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    for note, params, updated_by, updated_at in plans:
        if params is not None:
            note.params = params
        note.updated_by = updated_by if updated_by is not None else actor
        note.updated_at = updated_at if updated_at is not None else stamp
    await session.flush()
    return [(request_id, notes[number]) for request_id, number, _ in edits]


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
    if not rights.is_admin(principal) and note.created_by != principal.user_id:
        raise Forbidden("Only the author of a note or an administrator may delete it")
    record_many(session, principal, [Change("common_note_deleted", kind.singular, note.entity_id,
                                            before=[{"note": {"id": note.id}}])])
    await session.delete(note)
    await session.flush()
