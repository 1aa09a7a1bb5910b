"""Adding, changing, completing, trashing and restoring tasks (spec §9, §24).

Items come validated by their wire models (:mod:`kanbo.tasks.wire`); what needs the database is checked
here. Batches are atomic: every item is checked (users, task types, the entities tasks attach to)
before anything is written. After every write the ``closest_task_at`` of each entity a task left
or joined is recomputed with one UPDATE per entity type, whatever the size of the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Errors, Forbidden, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities.kinds import KINDS
from kanbo.entities.users import UserInfo, users_map
from kanbo.events.service import Change, actor_id, record_many
from kanbo.models.activity import Task
from kanbo.notes.service import add_note
from kanbo.tasks.repository import ENTITY
from kanbo.tasks.types import valid_type_ids
from kanbo.tasks.wire import TaskFields, TaskIn, TaskPatch, TaskUpdate

EVENT_ENTITY = "task"
_TRACKED = ("responsible_user_id", "task_type_id", "text", "complete_till", "is_completed", "result_text")


@dataclass
class _Batch:
    session: AsyncSession
    principal: Principal
    users: dict[int, UserInfo]
    type_ids: set[int]
    errors: Errors = field(default_factory=Errors)


@dataclass
class _Plan:
    request_id: str
    row: Task | None
    values: dict[str, Any]
    result: str | None = None  # a result text sent with this item
    attach: tuple[str, int] | None = None  # a new attachment, to check


async def _batch(session: AsyncSession, principal: Principal) -> _Batch:
    return _Batch(session, principal, await users_map(session), await valid_type_ids(session))


# Checks -----------------------------------------------------------------------------------------

def _user(b: _Batch, rid: str, key: str, user_id: int | None, *, robot: bool = False) -> int | None:
    """A user id that names an active user of the account (``created_by``/``updated_by``: any user of
    the account, or 0 for the robot)."""
    if user_id is None or (robot and user_id == 0):
        return user_id
    info = b.users.get(user_id)
    if info is None or not (robot or info.is_active):
        b.errors.add(rid, key, f"User {user_id} is not {'a' if robot else 'an active'} user of this account.",
                     "NotSupportedChoice")
        return None
    return user_id


def _entity(b: _Batch, item: TaskFields, rid: str, row: Task | None, plan: _Plan) -> None:
    given = item.model_fields_set
    if row is not None and "entity_id" not in given and "entity_type" not in given:
        return
    kind = item.entity_kind if "entity_type" in given else row.entity_type if row else None
    entity_id = item.entity_id if "entity_id" in given else row.entity_id if row else None
    if entity_id is None:  # null, 0, "0" or "": no entity
        if item.entity_type is not None:
            b.errors.add(rid, "entity_id", "entity_id is required with entity_type.", "NotBlank")
            return
        plan.values.update(entity_type=None, entity_id=None)
        return
    if kind is None:
        b.errors.add(rid, "entity_type", "entity_type is required with entity_id.", "NotBlank")
        return
    plan.values.update(entity_type=kind, entity_id=entity_id)
    if row is None or (row.entity_type, row.entity_id) != (kind, entity_id):
        plan.attach = (kind, entity_id)


def _plan(b: _Batch, item: TaskFields, rid: str, row: Task | None) -> _Plan:
    """Column values from one validated item; nulls leave the value as it is."""
    created = row is None
    plan = _Plan(rid, row, {})
    values = plan.values
    for key in ("text", "complete_till", "duration", "is_completed"):
        if getattr(item, key) is not None:
            values[key] = getattr(item, key)
    responsible = _user(b, rid, "responsible_user_id", item.responsible_user_id)
    if responsible is not None:
        values["responsible_user_id"] = responsible
    type_id = item.type_id
    if type_id is not None:
        if type_id in b.type_ids:
            values["task_type_id"] = type_id
        else:
            b.errors.add(rid, "task_type_id", f"Task type {type_id} does not exist.", "NotSupportedChoice")
    _entity(b, item, rid, row, plan)
    for key in ("created_by", "updated_by"):
        actor = _user(b, rid, key, getattr(item, key), robot=True)
        if actor is not None and (created or key == "updated_by"):
            values[key] = actor
    for key in ("created_at", "updated_at"):
        if getattr(item, key) is not None and (created or key == "updated_at"):
            values[key] = getattr(item, key)
    plan.result = item.result_text
    if plan.result is not None and plan.result != (row.result_text if row else None):
        completed = values.get("is_completed", row.is_completed if row else False)
        if not completed:
            b.errors.add(rid, "result", "A result is given when completing the task (is_completed: true).",
                         "InvalidValue")
    return plan


async def _check_entities(b: _Batch, plans: list[_Plan]) -> None:
    """New attachments must name existing, non-deleted entities the user may view: one query per type."""
    wanted: dict[str, set[int]] = {}
    for plan in plans:
        if plan.attach is not None:
            wanted.setdefault(plan.attach[0], set()).add(plan.attach[1])
    found: dict[str, set[int]] = {}
    for name, ids in wanted.items():
        model: Any = KINDS[name].model
        clauses = [model.id.in_(ids), model.is_deleted.is_(False), *rights.visible(b.principal, name, model)]
        found[name] = set(await b.session.scalars(select(model.id).where(*clauses)))
    for plan in plans:
        if plan.attach is not None and plan.attach[1] not in found[plan.attach[0]]:
            name, entity_id = plan.attach
            b.errors.add(plan.request_id, "entity_id", f"{KINDS[name].singular.capitalize()} {entity_id} not found.",
                         "NotFound")


# Effects ----------------------------------------------------------------------------------------

async def refresh_closest(session: AsyncSession, account_id: int,
                          entities: Iterable[tuple[str | None, int | None]]) -> None:
    """``closest_task_at`` = the earliest deadline of the entity's open, non-deleted tasks (or NULL):
    one correlated UPDATE per entity type."""
    by_kind: dict[str, set[int]] = {}
    for name, entity_id in entities:
        if name in KINDS and entity_id:
            by_kind.setdefault(name, set()).add(entity_id)
    for name in sorted(by_kind):
        model: Any = KINDS[name].model
        soonest = (select(func.min(Task.complete_till))
                   .where(Task.account_id == account_id, Task.entity_type == name, Task.entity_id == model.id,
                          Task.is_completed.is_(False), Task.is_deleted.is_(False))
                   .scalar_subquery())
        await session.execute(update(model).where(model.id.in_(sorted(by_kind[name])))
                              .values(closest_task_at=soonest), execution_options={"synchronize_session": False})


async def _record_results(b: _Batch, results: list[tuple[Task, str]]) -> list[Change]:
    """A result of a task attached to an entity becomes a ``task_result`` note on that entity."""
    changes = []
    for row, text in results:
        after: list[dict[str, Any]] = []
        if row.entity_type is not None and row.entity_id is not None:
            note = await add_note(b.session, b.principal, row.entity_type, row.entity_id, "task_result",
                                  {"text": text, "task_id": row.id})
            after = [{"note": {"id": note.id}}]
        changes.append(Change("task_result_added", EVENT_ENTITY, row.id, [], after))
    return changes


def _diff(row: Task, before: dict[str, Any]) -> list[Change]:
    changes = []

    def change(event: str, key: str, inner: str, old: Any, new: Any) -> None:
        changes.append(Change(event, EVENT_ENTITY, row.id, [{key: {inner: old}}], [{key: {inner: new}}]))

    if before["task_type_id"] != row.task_type_id:
        change("task_type_changed", "task_type", "id", before["task_type_id"], row.task_type_id)
    if before["text"] != row.text:
        change("task_text_changed", "task_text", "text", before["text"], row.text)
    if before["complete_till"] != row.complete_till:
        change("task_deadline_changed", "task_deadline", "timestamp", before["complete_till"], row.complete_till)
    if before["responsible_user_id"] != row.responsible_user_id:
        change("entity_responsible_changed", "responsible_user", "id", before["responsible_user_id"],
               row.responsible_user_id)
    if not before["is_completed"] and row.is_completed:
        changes.append(Change("task_completed", EVENT_ENTITY, row.id))
    return changes


# Writes -----------------------------------------------------------------------------------------

def require_adder(principal: Principal) -> None:
    """403 unless the principal may add tasks at all (checked before the body is read)."""
    if not rights.may(principal, ENTITY, "add"):
        raise Forbidden("You may not add tasks")


async def add(session: AsyncSession, principal: Principal, items: Sequence[TaskIn]) -> list[tuple[str, Task]]:
    require_adder(principal)
    b = await _batch(session, principal)
    plans = [_plan(b, item, item.request_id or str(index), None) for index, item in enumerate(items)]
    await _check_entities(b, plans)
    b.errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    rows = []
    for plan in plans:
        columns: dict[str, Any] = {
            "responsible_user_id": principal.user_id, "task_type_id": 1, "duration": 0, "is_completed": False,
            "is_deleted": False, "entity_type": None, "entity_id": None, "created_by": actor, "updated_by": actor,
            "created_at": stamp, "updated_at": stamp, **plan.values,
        }
        row = Task(**columns, result_text=plan.result, completed_at=stamp if columns["is_completed"] else None)
        session.add(row)
        rows.append(row)
    await session.flush()
    changes = [Change("task_added", EVENT_ENTITY, row.id) for row in rows]
    changes += [Change("task_completed", EVENT_ENTITY, row.id) for row in rows if row.is_completed]
    changes += await _record_results(b, [(row, plan.result) for row, plan in zip(rows, plans, strict=True)
                                         if plan.result is not None])
    await refresh_closest(session, principal.account_id, [(row.entity_type, row.entity_id) for row in rows])
    record_many(session, principal, changes)
    await session.flush()
    return [(plan.request_id, row) for plan, row in zip(plans, rows, strict=True)]


async def update_many(session: AsyncSession, principal: Principal, items: Sequence[TaskUpdate]
                      ) -> list[tuple[str, Task]]:
    """Edit, complete (``is_completed: true`` with an optional ``result``) or reopen tasks."""
    return await _update(session, principal, [(item.request_id or str(index), item.id, item)
                                              for index, item in enumerate(items)])


async def update_one(session: AsyncSession, principal: Principal, task_id: int, data: TaskPatch) -> Task:
    """``PATCH /api/v4/tasks/{id}``: a task that is missing (or in the trash) is a 404."""
    return (await _update(session, principal, [("0", task_id, data)], single=True))[0][1]


async def _update(session: AsyncSession, principal: Principal, items: list[tuple[str, int, TaskFields]], *,
                  single: bool = False) -> list[tuple[str, Task]]:
    b = await _batch(session, principal)
    rows = {row.id: row for row in await session.scalars(
        select(Task).where(Task.id.in_({task_id for _, task_id, _ in items}), Task.is_deleted.is_(False)))}
    if single and items[0][1] not in rows:
        raise NotFound(f"Task {items[0][1]} not found")
    plans = []
    for rid, task_id, item in items:
        row = rows.get(task_id)
        if row is None:
            b.errors.add(rid, "id", f"Task {task_id} not found.", "NotFound")
            continue
        info = b.users.get(row.responsible_user_id)
        if not rights.may_row(principal, ENTITY, "edit", row.responsible_user_id, info.group_id if info else None):
            raise Forbidden(f"You may not edit task {task_id}")
        plans.append(_plan(b, item, rid, row))
    await _check_entities(b, plans)
    b.errors.raise_if_any()
    stamp, actor = now(), actor_id(principal)
    changes: list[Change] = []
    affected: list[tuple[str | None, int | None]] = []
    results: list[tuple[Task, str]] = []
    for plan in plans:
        row = plan.row
        assert row is not None
        before = {key: getattr(row, key) for key in _TRACKED}
        affected.append((row.entity_type, row.entity_id))
        for key, value in plan.values.items():
            setattr(row, key, value)
        if row.is_completed and not before["is_completed"]:
            row.completed_at = stamp
        elif before["is_completed"] and not row.is_completed:
            row.completed_at = None  # reopened: the result stays
        if plan.result is not None and plan.result != before["result_text"]:
            row.result_text = plan.result
            results.append((row, plan.result))
        if "updated_at" not in plan.values:
            row.updated_at = stamp
        if "updated_by" not in plan.values:
            row.updated_by = actor
        affected.append((row.entity_type, row.entity_id))
        changes += _diff(row, before)
    await session.flush()
    changes += await _record_results(b, results)
    await refresh_closest(session, principal.account_id, affected)
    record_many(session, principal, changes)
    await session.flush()
    return [(plan.request_id, plan.row) for plan in plans if plan.row is not None]


async def trash(session: AsyncSession, principal: Principal, ids: list[int]) -> None:
    """Move tasks to the trash (Kanbo extension, spec §24): gone from lists, restorable."""
    await _move(session, principal, ids, deleted=True)


async def restore(session: AsyncSession, principal: Principal, ids: list[int]) -> None:
    await _move(session, principal, ids, deleted=False)


async def _move(session: AsyncSession, principal: Principal, ids: list[int], *, deleted: bool) -> None:
    users = await users_map(session)
    found = {row.id: row for row in await session.scalars(select(Task).where(Task.id.in_(set(ids))))}
    errors = Errors()
    for index, task_id in enumerate(ids):
        row = found.get(task_id)
        if row is None or row.is_deleted is deleted:
            errors.add(str(index), "id", f"Task {task_id} not {'found' if deleted else 'in the trash'}.", "NotFound")
            continue
        info = users.get(row.responsible_user_id)
        if not rights.may_row(principal, ENTITY, "delete", row.responsible_user_id, info.group_id if info else None):
            raise Forbidden(f"You may not delete task {task_id}")
    if errors:
        if len(ids) == 1:
            raise NotFound(f"Task {ids[0]} not {'found' if deleted else 'in the trash'}")
        raise ValidationFailed(errors.items())
    stamp = now()
    await session.execute(update(Task).where(Task.id.in_(set(ids))).values(
        is_deleted=deleted, updated_at=stamp, updated_by=actor_id(principal)))
    await refresh_closest(session, principal.account_id, [(found[i].entity_type, found[i].entity_id) for i in ids])
    event = "task_deleted" if deleted else "task_restored"
    record_many(session, principal, [Change(event, EVENT_ENTITY, task_id) for task_id in dict.fromkeys(ids)])
    await session.flush()
