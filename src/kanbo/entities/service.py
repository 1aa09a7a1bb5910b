"""Adding, updating, trashing and restoring leads, contacts and companies.

Batches are atomic: the items arrive as the kind's models (``LeadIn``…, typed by ``entities/wire.py``);
what needs the database (users, stages, custom field definitions and values, tags, links) is checked for
every item before anything is written; one invalid item fails the request with per-item errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Errors, Forbidden, ItemErrors, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.values import event_changes, load_catalog, reindex, write_values
from kanbo.entities.repository import load_for_update
from kanbo.entities.spec import EntitySpec, WriteContext
from kanbo.entities.users import active_user, known_actor, users_map
from kanbo.entities.wire import EntityIn, HasId
from kanbo.events.service import Change, actor_id, record_many
from kanbo.http.wire import field_errors
from kanbo.models.entities import EntityColumns
from kanbo.tags.service import TagOps, apply_tag_ops

#: The untyped form other services still pass: ``[(request_id, body item)]``.
Items = list[tuple[str, dict[str, Any]]]
#: A batch: the kind's models, or untyped pairs (validated here with the same models).
Batch = Sequence[EntityIn] | Items


def as_items(model: type[BaseModel], items: Sequence[Any]) -> list[EntityIn]:
    """The batch as ``model`` items; an untyped ``(request_id, dict)`` pair is validated like a body
    item (every failing item is named in one 400), its ``request_id`` kept."""
    typed: list[EntityIn] = []
    failed: list[ItemErrors] = []
    for entry in items:
        if isinstance(entry, EntityIn):
            typed.append(entry)
            continue
        request_id, raw = entry
        try:
            parsed = model.model_validate(raw)
        except ValidationError as exc:
            failed.append(ItemErrors(request_id, field_errors(exc.errors(include_url=False))))
            continue
        assert isinstance(parsed, EntityIn)
        parsed.request_id = request_id
        typed.append(parsed)
    if failed:
        raise ValidationFailed(failed)
    return typed


def request_id(item: EntityIn) -> str:
    return item.request_id if item.request_id is not None else "0"


async def _context(session: AsyncSession, principal: Principal, spec: EntitySpec) -> WriteContext:
    return WriteContext(session=session, principal=principal, users=await users_map(session),
                        catalog=await load_catalog(session, spec.kind.name), errors=Errors())


def _common(ctx: WriteContext, item: EntityIn, rid: str, created: bool) -> dict[str, Any]:
    """Columns every entity shares: the users must exist (the responsible one active; ``0`` is the robot
    for ``created_by``/``updated_by``). ``created_*`` count on create only."""
    values: dict[str, Any] = {}
    if active_user(item.responsible_user_id, ctx.users, ctx.errors, rid, "responsible_user_id"):
        values["responsible_user_id"] = item.responsible_user_id
    for key in ("created_by", "updated_by"):
        actor = getattr(item, key)
        if known_actor(actor, ctx.users, ctx.errors, rid, key) and (created or key == "updated_by"):
            values[key] = actor
    for key in ("created_at", "updated_at"):
        stamp = getattr(item, key)
        if stamp is not None and (created or key == "updated_at"):
            values[key] = stamp
    return values


def _tag_ops(item: EntityIn) -> TagOps | None:
    """``_embedded.tags`` (the whole set; ``null`` clears it), ``tags_to_add`` and ``tags_to_delete``."""
    ops = TagOps()
    given = False
    if item.embedded is not None and "tags" in item.embedded.model_fields_set:
        given = True
        ops.replace = [ref.ref() for ref in item.embedded.tags or []]
    if item.tags_to_add is not None:
        given = True
        ops.add = [ref.ref() for ref in item.tags_to_add]
    if item.tags_to_delete is not None:
        given = True
        ops.remove = [ref.ref() for ref in item.tags_to_delete]
    return ops if given else None


def _field_values(item: EntityIn) -> list[dict[str, Any]] | None:
    if item.custom_fields_values is None:
        return None
    return [entry.raw() for entry in item.custom_fields_values]


def _snapshot(row: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(row, key) for key in keys}


def _shared_diff(spec: EntitySpec, row: Any, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    singular = spec.kind.singular
    changes = []
    if before.get("name") != after.get("name"):
        changes.append(Change("name_field_changed", singular, row.id, [{"name_field_value": {"name": before["name"]}}],
                              [{"name_field_value": {"name": after["name"]}}]))
    if before.get("responsible_user_id") != after.get("responsible_user_id"):
        changes.append(Change("entity_responsible_changed", singular, row.id,
                              [{"responsible_user": {"id": before["responsible_user_id"]}}],
                              [{"responsible_user": {"id": after["responsible_user_id"]}}]))
    if spec.diff is not None:
        changes += spec.diff(row, before, after)
    return changes


async def add(session: AsyncSession, principal: Principal, spec: EntitySpec, items: Batch, *,
              options: dict[str, Any] | None = None) -> list[tuple[str, Any]]:
    """Add a batch of ``spec.wire.new`` items. ``options`` reach the kind's hooks through ``ctx.extra``;
    services use ``{"incoming": True}`` to create the lead of an incoming lead in the Incoming stage
    (``is_unsorted``)."""
    if not rights.may(principal, spec.kind.name, "add"):
        raise Forbidden(f"You may not add {spec.kind.name}")
    typed = as_items(spec.wire.new, items)
    ctx = await _context(session, principal, spec)
    ctx.extra.update(options or {})
    await spec.prepare(ctx, typed)
    stamp = now()
    plans = []
    for item in typed:
        rid = request_id(item)
        values = _common(ctx, item, rid, created=True)
        values.update(spec.parse_fields(ctx, item, rid, None))
        written = write_values(ctx.catalog, [], _field_values(item), ctx.errors, rid)
        plans.append((rid, item, values, written, _tag_ops(item)))
    ctx.errors.raise_if_any()
    rows = []
    for _request_id, _item, values, written, _tags in plans:
        row = spec.kind.model(**{
            "name": "", "responsible_user_id": principal.user_id, "created_by": actor_id(principal),
            "updated_by": actor_id(principal), "created_at": stamp, "updated_at": stamp, "is_deleted": False,
            "is_unsorted": bool(ctx.extra.get("incoming")), **values, "custom_fields": written.stored,
        })
        session.add(row)
        rows.append(row)
    await session.flush()
    changes = [Change(f"{spec.kind.singular}_added", spec.kind.singular, row.id) for row in rows]
    changes += await _write_tags(ctx, spec, rows, [p[4] for p in plans], [p[0] for p in plans])
    by_id = {row.id: plan[1] for row, plan in zip(rows, plans, strict=True)}
    ctx.extra["request_ids"] = {row.id: plan[0] for row, plan in zip(rows, plans, strict=True)}
    changes += await spec.after_write(ctx, rows, by_id, True)
    ctx.errors.raise_if_any()
    await reindex(session, ctx.catalog, {row.id: row.custom_fields for row in rows})
    record_many(session, principal, changes)
    await session.flush()
    return [(plan[0], row) for plan, row in zip(plans, rows, strict=True)]


async def _write_tags(ctx: WriteContext, spec: EntitySpec, rows: list[Any], ops: list[TagOps | None],
                      request_ids: list[str]) -> list[Change]:
    by_entity = {row.id: op for row, op in zip(rows, ops, strict=True) if op is not None}
    if not by_entity:
        return []
    rid_by_entity = {row.id: rid for row, rid in zip(rows, request_ids, strict=True)}
    return await apply_tag_ops(ctx.session, ctx.principal, spec.kind.name, by_entity, ctx.errors, rid_by_entity)


async def update_many(session: AsyncSession, principal: Principal, spec: EntitySpec, items: Batch,
                      *, fixed_id: int | None = None) -> list[tuple[str, Any]]:
    """Update a batch of ``spec.wire.update`` items (each names its ``id``), or with ``fixed_id`` one
    ``spec.wire.new`` item (``PATCH /api/v4/{entity}/{id}``: an unknown id is a 404)."""
    typed = as_items(spec.wire.new if fixed_id is not None else spec.wire.update, items)
    ctx = await _context(session, principal, spec)
    ids = [fixed_id if fixed_id is not None else item.id if isinstance(item, HasId) else 0 for item in typed]
    rows = await load_for_update(session, spec.kind, ids)
    if fixed_id is not None and fixed_id not in rows:
        raise NotFound(f"{spec.kind.singular.capitalize()} {fixed_id} not found")
    await spec.prepare(ctx, typed)
    plans = []
    for item, entity_id in zip(typed, ids, strict=True):
        rid = request_id(item)
        row = rows.get(entity_id)
        if row is None:
            ctx.errors.add(rid, "id", f"{spec.kind.singular.capitalize()} {entity_id} not found.", "NotFound")
            continue
        group = ctx.users.get(row.responsible_user_id)
        if not rights.may_entity(principal, spec.kind.name, "edit", row, group.group_id if group else None):
            raise Forbidden(f"You may not edit {spec.kind.singular} {entity_id}")
        values = _common(ctx, item, rid, created=False)
        values.update(spec.parse_fields(ctx, item, rid, row))
        raw_values = _field_values(item)
        written = write_values(ctx.catalog, row.custom_fields, raw_values, ctx.errors, rid) \
            if raw_values is not None else None
        plans.append((rid, item, row, values, written, _tag_ops(item)))
    ctx.errors.raise_if_any()
    stamp = now()
    changes: list[Change] = []
    for _rid, _item, row, values, written, _tags in plans:
        tracked = spec.tracked
        before = _snapshot(row, tracked)
        for key, value in values.items():
            setattr(row, key, value)
        if written is not None:
            row.custom_fields = written.stored
            changes += event_changes(spec.kind.singular, row.id, ctx.catalog, written.changes)
        if "updated_at" not in values:
            row.updated_at = stamp
        if "updated_by" not in values:
            row.updated_by = actor_id(principal)
        changes += _shared_diff(spec, row, before, _snapshot(row, tracked))
    plan_rows = [p[2] for p in plans]
    changes += await _write_tags(ctx, spec, plan_rows, [p[5] for p in plans], [p[0] for p in plans])
    ctx.extra["request_ids"] = {p[2].id: p[0] for p in plans}
    changes += await spec.after_write(ctx, plan_rows, {p[2].id: p[1] for p in plans}, False)
    ctx.errors.raise_if_any()
    await reindex(session, ctx.catalog, {p[2].id: p[2].custom_fields for p in plans if p[4] is not None})
    record_many(session, principal, changes)
    await session.flush()
    return [(p[0], p[2]) for p in plans]


async def trash(session: AsyncSession, principal: Principal, spec: EntitySpec, ids: list[int]) -> None:
    """Move entities to the trash (Kanbo extension, spec §24): invisible to lists, restorable."""
    await _move(session, principal, spec, ids, deleted=True)


async def restore(session: AsyncSession, principal: Principal, spec: EntitySpec, ids: list[int]) -> None:
    await _move(session, principal, spec, ids, deleted=False)


async def _move(session: AsyncSession, principal: Principal, spec: EntitySpec, ids: list[int], *,
                deleted: bool) -> None:
    model: Any = spec.kind.model
    users = await users_map(session)
    rows: list[EntityColumns] = list(await session.scalars(select(model).where(model.id.in_(ids))))
    found = {row.id: row for row in rows}
    errors = Errors()
    for index, entity_id in enumerate(ids):
        row = found.get(entity_id)
        if row is None or row.is_deleted is not (not deleted):
            state = "in the trash" if not deleted else "found"
            errors.add(str(index), "id", f"{spec.kind.singular.capitalize()} {entity_id} not {state}.", "NotFound")
            continue
        info = users.get(row.responsible_user_id)
        if not rights.may_entity(principal, spec.kind.name, "delete", row, info.group_id if info else None):
            raise Forbidden(f"You may not delete {spec.kind.singular} {entity_id}")
    if errors:
        if len(ids) == 1:
            raise NotFound(f"{spec.kind.singular.capitalize()} {ids[0]} not found")
        raise ValidationFailed(errors.items())
    stamp = now()
    await session.execute(update(model).where(model.id.in_(ids)).values(
        is_deleted=deleted, deleted_at=stamp if deleted else None, updated_at=stamp,
        updated_by=actor_id(principal)))
    event = f"{spec.kind.singular}_{'deleted' if deleted else 'restored'}"
    record_many(session, principal, [Change(event, spec.kind.singular, entity_id) for entity_id in ids])
    await session.flush()
