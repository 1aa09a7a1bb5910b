"""Adding, changing, completing, trashing and restoring tasks (spec §9, §24).

Batches are atomic: every item is parsed and checked (users, task types, the entities tasks attach
to) before anything is written. After every write the ``closest_task_at`` of each entity a task left
or joined is recomputed with one UPDATE per entity type, whatever the size of the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Errors, Forbidden, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.core.values import MAX_INT, as_int
from kanbo.custom_fields.types import as_bool, as_text, as_timestamp
from kanbo.entities.fields import UserInfo, actor_field, int_field, user_field, users_map
from kanbo.entities.kinds import KINDS, kind_of
from kanbo.events.service import Change, actor_id, record_many
from kanbo.models.activity import Task
from kanbo.notes.service import add_note
from kanbo.tasks.types import valid_type_ids

Items = list[tuple[str, dict[str, Any]]]
ENTITY = "tasks"  # the rights key
EVENT_ENTITY = "task"
MAX_DURATION = 2**31 - 1
MAX_TEXT = 65535  # also the longest text a task_result note holds
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


# Parsing ----------------------------------------------------------------------------------------

def _text(b: _Batch, item: dict[str, Any], rid: str, values: dict[str, Any], created: bool) -> None:
    raw = item.get("text")
    if raw is None and not created:
        return  # PATCH bodies echoing whole tasks may carry nulls
    text = as_text(raw) if raw is not None else None
    if raw is not None and text is None:
        b.errors.add(rid, "text", "This value should be of type string.", "InvalidType")
    elif text is None or not text.strip():
        b.errors.add(rid, "text", "This value should not be blank.", "NotBlank")
    elif len(text) > MAX_TEXT:
        b.errors.add(rid, "text", f"This value is too long ({MAX_TEXT} characters at most).", "TooLong")
    else:
        values["text"] = text.strip()


def _deadline(b: _Batch, item: dict[str, Any], rid: str, values: dict[str, Any], created: bool) -> None:
    raw = item.get("complete_till")
    if raw is None:
        if created:
            b.errors.add(rid, "complete_till", "This value should not be blank.", "NotBlank")
        return
    stamp = as_timestamp(raw)
    if stamp is None or not 0 <= stamp <= MAX_INT:
        b.errors.add(rid, "complete_till", "This value should be a unix timestamp or an RFC 3339 date.",
                     "InvalidType")
    else:
        values["complete_till"] = stamp


def _result(b: _Batch, item: dict[str, Any], rid: str) -> str | None:
    """``{"text": …}``; ``null``, ``[]`` (how a task without result is rendered) and ``{}`` mean none."""
    raw = item.get("result")
    if isinstance(raw, dict):
        raw, path = raw.get("text"), "result.text"
    else:
        path = "result"
    if raw is None or raw == [] or raw == "":
        return None
    text = as_text(raw)
    if text is None:
        b.errors.add(rid, path, 'This value should be an object {"text": string}.' if path == "result"
                     else "This value should be of type string.", "InvalidType")
        return None
    if len(text) > MAX_TEXT:
        b.errors.add(rid, path, f"This value is too long ({MAX_TEXT} characters at most).", "TooLong")
        return None
    return text.strip() or None


def _entity(b: _Batch, item: dict[str, Any], rid: str, row: Task | None, plan: _Plan) -> None:
    created = row is None
    if not created and "entity_id" not in item and "entity_type" not in item:
        return
    raw_type = item.get("entity_type", row.entity_type if row else None)
    raw_id = item.get("entity_id", row.entity_id if row else None)
    if raw_id in (None, 0, "", "0"):  # PHP's empty(): no entity
        if "entity_type" in item and item["entity_type"] not in (None, ""):
            b.errors.add(rid, "entity_id", "entity_id is required with entity_type.", "NotBlank")
            return
        plan.values.update(entity_type=None, entity_id=None)
        return
    entity_id = as_int(raw_id)
    if entity_id is None or entity_id < 1:
        b.errors.add(rid, "entity_id", "This value should be a positive integer.", "InvalidType")
        return
    if raw_type in (None, ""):
        b.errors.add(rid, "entity_type", "entity_type is required with entity_id.", "NotBlank")
        return
    kind = kind_of(raw_type) if isinstance(raw_type, str) else None
    if kind is None:
        b.errors.add(rid, "entity_type", "Tasks attach to leads, contacts or companies.", "NotSupportedChoice")
        return
    plan.values.update(entity_type=kind.name, entity_id=entity_id)
    if row is None or (row.entity_type, row.entity_id) != (kind.name, entity_id):
        plan.attach = (kind.name, entity_id)


def _parse(b: _Batch, item: dict[str, Any], rid: str, row: Task | None) -> _Plan:
    """Column values from one item. Read-only keys clients echo (id, group_id, account_id, _links…)
    are ignored; nulls in a PATCH leave the value as it is."""
    created = row is None
    errors = b.errors
    plan = _Plan(rid, row, {})
    values = plan.values
    _text(b, item, rid, values, created)
    _deadline(b, item, rid, values, created)
    responsible = user_field(item, "responsible_user_id", errors, rid, b.users)
    if responsible is not None:
        values["responsible_user_id"] = responsible
    type_key = "task_type_id" if item.get("task_type_id") is not None else "task_type"
    type_id = int_field(item, type_key, errors, rid, path="task_type_id", minimum=None)
    if type_id is not None:
        if type_id in b.type_ids:
            values["task_type_id"] = type_id
        else:
            errors.add(rid, "task_type_id", f"Task type {type_id} does not exist.", "NotSupportedChoice")
    if item.get("duration") is not None:
        duration = as_int(item["duration"])
        if duration is None or not 0 <= duration <= MAX_DURATION:
            errors.add(rid, "duration", "This value should be a whole number of seconds, 0 or more.",
                       "InvalidType")
        else:
            values["duration"] = duration
    if item.get("is_completed") is not None:
        flag = as_bool(item["is_completed"])
        if flag is None:
            errors.add(rid, "is_completed", "This value should be of type bool.", "InvalidType")
        else:
            values["is_completed"] = flag
    _entity(b, item, rid, row, plan)
    for key in ("created_by", "updated_by"):
        actor = actor_field(item, key, errors, rid, b.users)
        if actor is not None and (created or key == "updated_by"):
            values[key] = actor
    for key in ("created_at", "updated_at"):
        stamp = int_field(item, key, errors, rid)
        if stamp is not None and (created or key == "updated_at"):
            values[key] = stamp
    plan.result = _result(b, item, rid)
    if plan.result is not None and plan.result != (row.result_text if row else None):
        completed = values.get("is_completed", row.is_completed if row else False)
        if not completed:
            errors.add(rid, "result", "A result is given when completing the task (is_completed: true).",
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

async def add(session: AsyncSession, principal: Principal, items: Items) -> list[tuple[str, Task]]:
    if not rights.may(principal, ENTITY, "add"):
        raise Forbidden("You may not add tasks")
    b = await _batch(session, principal)
    plans = [_parse(b, item, rid, None) for rid, item in items]
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


async def update_many(session: AsyncSession, principal: Principal, items: Items, *,
                      fixed_id: int | None = None) -> list[tuple[str, Task]]:
    """Edit, complete (``is_completed: true`` with an optional ``result``) or reopen tasks."""
    b = await _batch(session, principal)
    ids: list[int] = []
    for rid, item in items:
        task_id = fixed_id if fixed_id is not None else int_field(item, "id", b.errors, rid, minimum=1)
        if task_id is None and item.get("id") is None:
            b.errors.add(rid, "id", "This value should not be blank.", "NotBlank")
        ids.append(task_id or 0)
    b.errors.raise_if_any()
    rows = {row.id: row for row in await session.scalars(
        select(Task).where(Task.id.in_(set(ids)), Task.is_deleted.is_(False)))}
    if fixed_id is not None and fixed_id not in rows:
        raise NotFound(f"Task {fixed_id} not found")
    plans = []
    for (rid, item), task_id in zip(items, ids, strict=True):
        row = rows.get(task_id)
        if row is None:
            b.errors.add(rid, "id", f"Task {task_id} not found.", "NotFound")
            continue
        info = b.users.get(row.responsible_user_id)
        if not rights.may_row(principal, ENTITY, "edit", row.responsible_user_id, info.group_id if info else None):
            raise Forbidden(f"You may not edit task {task_id}")
        plans.append(_parse(b, item, rid, row))
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
