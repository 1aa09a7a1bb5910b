"""Field definitions: reading, batch create/update, delete (spec §12.1). Only admins change them.

Deleting a field, or removing enums from one, rewrites the stored values of every entity that had
them (found through the value index) inside the request's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.db import bound_account
from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.catalog import load_catalog
from kanbo.custom_fields.field_wire import FieldPatch, FieldUpdate, NewField
from kanbo.custom_fields.index import ENTITY_MODELS, reindex
from kanbo.custom_fields.types import MAX_ID
from kanbo.custom_fields.validation import Context, FieldPlan, validate_change, validate_new
from kanbo.models.accounts import Account
from kanbo.models.custom_fields import CustomField, CustomFieldEnum, CustomFieldGroup, FieldValue
from kanbo.models.pipelines import Status

CHUNK = 500


@dataclass
class FieldView:
    field: CustomField
    enums: list[CustomFieldEnum]
    request_id: str | None = None


ADMIN_ACTION = "change custom fields and field groups"


def require_admin(principal: Principal) -> None:
    rights.require_admin(principal, ADMIN_ACTION)


async def _enums_of(session: AsyncSession, field_ids: list[int]) -> dict[int, list[CustomFieldEnum]]:
    by_field: dict[int, list[CustomFieldEnum]] = {field_id: [] for field_id in field_ids}
    if field_ids:
        enums = await session.scalars(
            select(CustomFieldEnum).where(CustomFieldEnum.field_id.in_(field_ids))
            .order_by(CustomFieldEnum.sort, CustomFieldEnum.id)
        )
        for enum in enums:
            by_field[enum.field_id].append(enum)
    return by_field


async def _views(session: AsyncSession, fields: list[CustomField]) -> list[FieldView]:
    enums = await _enums_of(session, [f.id for f in fields])
    return [FieldView(f, enums[f.id]) for f in fields]


# Reading -------------------------------------------------------------------------------------

async def list_fields(session: AsyncSession, entity_type: str, *, types: list[str], ids: list[int] | None,
                      order: list[tuple[str, str]], offset: int, limit: int) -> tuple[list[FieldView], int]:
    conditions: list[Any] = [CustomField.entity_type == entity_type]
    if types:
        conditions.append(CustomField.type.in_(types))
    if ids is not None:
        conditions.append(CustomField.id.in_([i for i in ids if 0 < i <= MAX_ID]))
    total = await session.scalar(select(func.count()).select_from(CustomField).where(*conditions)) or 0
    columns = {"sort": CustomField.sort, "id": CustomField.id}
    ordering = [columns[key].desc() if direction == "desc" else columns[key].asc() for key, direction in order]
    if not order:
        ordering = [CustomField.sort.asc(), CustomField.id.asc()]
    elif order[-1][0] != "id":
        ordering.append(CustomField.id.asc())
    fields = list(await session.scalars(
        select(CustomField).where(*conditions).order_by(*ordering).offset(offset).limit(limit)
    ))
    return await _views(session, fields), total


async def get_field(session: AsyncSession, entity_type: str, field_id: int) -> FieldView | None:
    if not 0 < field_id <= MAX_ID:
        return None
    field = await session.scalar(
        select(CustomField).where(CustomField.id == field_id, CustomField.entity_type == entity_type)
    )
    if field is None:
        return None
    return (await _views(session, [field]))[0]


# Writing -------------------------------------------------------------------------------------

async def _context(session: AsyncSession, entity_type: str) -> Context:
    fields = list(await session.scalars(select(CustomField).where(CustomField.entity_type == entity_type)))
    enums = await _enums_of(session, [f.id for f in fields])
    groups = set(await session.scalars(
        select(CustomFieldGroup.id).where(CustomFieldGroup.entity_type == entity_type)
    ))
    stages = {(pipeline_id, status_id) for pipeline_id, status_id
              in (await session.execute(select(Status.pipeline_id, Status.id))).all()}
    currency = await session.scalar(select(Account.currency).where(Account.id == bound_account(session)))
    return Context(entity_type=entity_type, fields={f.id: f for f in fields}, enums=enums, groups=groups,
                   stages=stages, currency=currency or "USD")


async def add_fields(session: AsyncSession, principal: Principal, entity_type: str, items: list[NewField],
                     errors: Errors | None = None) -> list[FieldView]:
    """Create the batch's fields, or none: ``errors`` may already hold the items that failed their model;
    every error is raised at once."""
    require_admin(principal)
    ctx = await _context(session, entity_type)
    errors = errors if errors is not None else Errors()
    plans = [validate_new(ctx, item, errors) for item in items]
    errors.raise_if_any()
    stamp = now()
    created: list[tuple[FieldPlan, CustomField]] = []
    for plan in plans:
        assert plan is not None
        field = CustomField(**plan.changes, created_at=stamp, updated_at=stamp)
        session.add(field)
        created.append((plan, field))
    await session.flush()
    for plan, field in created:
        for enum in plan.enums or []:
            session.add(CustomFieldEnum(field_id=field.id, value=enum.value, sort=enum.sort, code=enum.code))
    await session.flush()
    views = await _views(session, [field for _, field in created])
    for view, (plan, _) in zip(views, created, strict=True):
        view.request_id = plan.request_id
    return views


async def update_fields(session: AsyncSession, principal: Principal, entity_type: str, items: list[FieldUpdate],
                        errors: Errors | None = None) -> list[FieldView]:
    """Batch PATCH: every item names its field by ``id``; ``errors`` as in :func:`add_fields`."""
    require_admin(principal)
    ctx = await _context(session, entity_type)
    errors = errors if errors is not None else Errors()
    plans: list[FieldPlan] = []
    seen: set[int] = set()
    for item in items:
        request_id = item.request_id or "0"
        field = ctx.fields.get(item.id)
        if field is None:
            errors.add(request_id, "id", f"No custom field {item.id} of {entity_type}.", "NotFound")
            continue
        if field.id in seen:
            errors.add(request_id, "id", f"Custom field {field.id} is listed twice.", "NotUnique")
            continue
        seen.add(field.id)
        plan = validate_change(ctx, request_id, item, field, errors)
        if plan is not None:
            plans.append(plan)
    errors.raise_if_any()
    return await _apply(session, entity_type, ctx, plans)


async def update_field(session: AsyncSession, principal: Principal, entity_type: str, field_id: int,
                       data: FieldPatch) -> FieldView:
    """``PATCH /custom_fields/{id}``: 404 for a field the entity type does not have."""
    require_admin(principal)
    ctx = await _context(session, entity_type)
    field = ctx.fields.get(field_id)
    if field is None:
        raise NotFound(f"Custom field {field_id} of {entity_type} not found")
    errors = Errors()
    plan = validate_change(ctx, "0", data, field, errors)
    errors.raise_if_any()
    assert plan is not None
    [view] = await _apply(session, entity_type, ctx, [plan])
    view.request_id = None
    return view


async def _apply(session: AsyncSession, entity_type: str, ctx: Context, plans: list[FieldPlan]) -> list[FieldView]:
    stamp = now()
    removed: dict[int, set[int]] = {}
    for plan in plans:
        field = plan.field
        assert field is not None
        for key, value in plan.changes.items():
            setattr(field, key, value)
        field.updated_at = stamp
        if plan.enums is not None:
            existing = {e.id: e for e in ctx.enums.get(field.id, [])}
            for enum_plan in plan.enums:
                if enum_plan.id is not None:
                    enum = existing.pop(enum_plan.id)
                    enum.value, enum.sort, enum.code = enum_plan.value, enum_plan.sort, enum_plan.code
                else:
                    session.add(CustomFieldEnum(field_id=field.id, value=enum_plan.value, sort=enum_plan.sort,
                                                code=enum_plan.code))
            for enum in existing.values():
                await session.delete(enum)
            if existing:
                removed[field.id] = set(existing)
    await session.flush()
    if removed:
        await _purge_enums(session, entity_type, removed)
    views = await _views(session, [plan.field for plan in plans if plan.field is not None])
    for view, plan in zip(views, plans, strict=True):
        view.request_id = plan.request_id
    return views


async def delete_field(session: AsyncSession, principal: Principal, entity_type: str, field_id: int) -> None:
    require_admin(principal)
    field = await session.scalar(
        select(CustomField).where(CustomField.id == field_id, CustomField.entity_type == entity_type)
    ) if 0 < field_id <= MAX_ID else None
    if field is None:
        raise NotFound(f"Custom field {field_id} of {entity_type} not found")
    if field.is_predefined or not field.is_deletable:
        raise BadRequest(f"Custom field {field_id} ({field.code or field.name}) is predefined and cannot be deleted")
    await _purge_field(session, entity_type, field.id)
    await session.execute(delete(CustomFieldEnum).where(CustomFieldEnum.field_id == field.id)
                          .execution_options(synchronize_session=False))
    await session.delete(field)
    await session.flush()


# Removing values of deleted fields and enums ---------------------------------------------------

async def _entities(session: AsyncSession, entity_type: str, ids: list[int]) -> list[Any]:
    model = ENTITY_MODELS[entity_type]
    rows: list[Any] = []
    for start in range(0, len(ids), CHUNK):
        rows.extend(await session.scalars(select(model).where(model.id.in_(ids[start:start + CHUNK]))))
    return rows


async def _purge_field(session: AsyncSession, entity_type: str, field_id: int) -> None:
    ids = list(await session.scalars(
        select(FieldValue.entity_id).where(FieldValue.entity_type == entity_type, FieldValue.field_id == field_id)
        .distinct()
    ))
    for entity in await _entities(session, entity_type, ids):
        entity.custom_fields = [item for item in entity.custom_fields or []
                                if not (isinstance(item, dict) and item.get("field_id") == field_id)]
    await session.execute(
        delete(FieldValue).where(FieldValue.entity_type == entity_type, FieldValue.field_id == field_id)
        .execution_options(synchronize_session=False)
    )


async def _purge_enums(session: AsyncSession, entity_type: str, removed: dict[int, set[int]]) -> None:
    """Drop values that chose a removed enum; multitext values (phones…) move to the field's first enum."""
    catalog = await load_catalog(session, entity_type)
    ids = list(await session.scalars(
        select(FieldValue.entity_id).where(
            FieldValue.entity_type == entity_type,
            or_(*(and_(FieldValue.field_id == field_id, FieldValue.enum_id.in_(sorted(enum_ids)))
                  for field_id, enum_ids in removed.items())),
        ).distinct()
    ))
    rewritten: dict[int, list[dict[str, Any]]] = {}
    for entity in await _entities(session, entity_type, ids):
        stored: list[dict[str, Any]] = []
        for item in entity.custom_fields or []:
            field_id = item.get("field_id") if isinstance(item, dict) else None
            if field_id not in removed:
                stored.append(item)
                continue
            field = catalog.fields.get(field_id)
            remaining = catalog.enums.get(field_id) or []
            fallback = remaining[0] if remaining and field is not None and field.type == "multitext" else None
            values = []
            for value in item.get("values") or []:
                if value.get("enum_id") not in removed[field_id]:
                    values.append(value)
                elif fallback is not None:
                    values.append({**value, "enum_id": fallback.id})
            if values:
                stored.append({**item, "values": values})
        entity.custom_fields = stored
        rewritten[entity.id] = stored
    await reindex(session, catalog, rewritten)
