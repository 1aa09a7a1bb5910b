"""Field groups (spec §12.5): string ids such as ``leads_1591337000``; a field belongs to at most one."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.group_wire import GroupIn, GroupPatch
from kanbo.custom_fields.service import require_admin
from kanbo.models.custom_fields import CustomField, CustomFieldGroup


@dataclass
class GroupView:
    group: CustomFieldGroup
    fields: list[int] = field(default_factory=list)
    request_id: str | None = None


async def _with_fields(session: AsyncSession, entity_type: str, groups: list[CustomFieldGroup]) -> list[GroupView]:
    by_group: dict[str, list[int]] = {g.id: [] for g in groups}
    if groups:
        rows = await session.execute(
            select(CustomField.group_id, CustomField.id)
            .where(CustomField.entity_type == entity_type, CustomField.group_id.in_(list(by_group)))
            .order_by(CustomField.sort, CustomField.id)
        )
        for group_id, field_id in rows.all():
            by_group[group_id].append(field_id)
    return [GroupView(g, by_group[g.id]) for g in groups]


async def list_groups(session: AsyncSession, entity_type: str, *, offset: int, limit: int
                      ) -> tuple[list[GroupView], int]:
    condition = CustomFieldGroup.entity_type == entity_type
    total = await session.scalar(select(func.count()).select_from(CustomFieldGroup).where(condition)) or 0
    groups = list(await session.scalars(
        select(CustomFieldGroup).where(condition).order_by(CustomFieldGroup.sort, CustomFieldGroup.pk)
        .offset(offset).limit(limit)
    ))
    return await _with_fields(session, entity_type, groups), total


async def _group(session: AsyncSession, entity_type: str, group_id: str) -> CustomFieldGroup | None:
    return await session.scalar(
        select(CustomFieldGroup).where(CustomFieldGroup.id == group_id, CustomFieldGroup.entity_type == entity_type)
    )


async def get_group(session: AsyncSession, entity_type: str, group_id: str) -> GroupView | None:
    group = await _group(session, entity_type, group_id)
    return (await _with_fields(session, entity_type, [group]))[0] if group is not None else None


async def _field_ids(session: AsyncSession, entity_type: str, ids: list[int] | None, errors: Errors,
                     request_id: str) -> list[int] | None:
    """The given field ids, each a field of ``entity_type`` (reported at ``fields.N`` otherwise)."""
    if ids is None:
        return None
    known = set(await session.scalars(
        select(CustomField.id).where(CustomField.entity_type == entity_type, CustomField.id.in_(ids))
    )) if ids else set()
    for i, field_id in enumerate(ids):
        if field_id not in known:
            errors.add(request_id, f"fields.{i}", f"No custom field {field_id} of {entity_type}.",
                       "NotSupportedChoice")
    return list(dict.fromkeys(ids))


async def _assign(session: AsyncSession, entity_type: str, group_id: str, field_ids: list[int]) -> None:
    await session.execute(
        update(CustomField).where(CustomField.entity_type == entity_type, CustomField.group_id == group_id,
                                  CustomField.id.not_in(field_ids or [0]))
        .values(group_id=None)
    )
    if field_ids:
        await session.execute(
            update(CustomField).where(CustomField.entity_type == entity_type, CustomField.id.in_(field_ids))
            .values(group_id=group_id)
        )


async def add_groups(session: AsyncSession, principal: Principal, entity_type: str, items: list[GroupIn],
                     errors: Errors | None = None) -> list[GroupView]:
    """Create the batch's groups, or none: ``errors`` may already hold the items that failed their model."""
    require_admin(principal)
    errors = errors if errors is not None else Errors()
    plans = []
    for item in items:
        request_id = item.request_id or "0"
        fields = await _field_ids(session, entity_type, item.fields, errors, request_id)
        plans.append((request_id, item.name, item.sort, fields))
    errors.raise_if_any()
    taken = set(await session.scalars(select(CustomFieldGroup.id)))
    stamp = now()
    created = []
    for request_id, name, sort, fields in plans:
        while f"{entity_type}_{stamp}" in taken:
            stamp += 1
        group = CustomFieldGroup(id=f"{entity_type}_{stamp}", entity_type=entity_type, name=name, sort=sort,
                                 is_predefined=False, type="custom_field_group")
        taken.add(group.id)
        session.add(group)
        created.append((request_id, group, fields))
    await session.flush()
    views = []
    for request_id, group, fields in created:
        if fields is not None:
            await _assign(session, entity_type, group.id, fields)
        views.append((request_id, group))
    result = await _with_fields(session, entity_type, [group for _, group in views])
    for view, (request_id, _) in zip(result, views, strict=True):
        view.request_id = request_id
    return result


async def update_group(session: AsyncSession, principal: Principal, entity_type: str, group_id: str,
                       data: GroupPatch) -> GroupView:
    require_admin(principal)
    group = await _group(session, entity_type, group_id)
    if group is None:
        raise NotFound(f"Field group {group_id} of {entity_type} not found")
    errors = Errors()
    name, sort = data.name, data.sort
    fields = await _field_ids(session, entity_type, data.fields, errors, "0")
    if group.is_predefined and name is not None and name != group.name:
        errors.add("0", "name", "A predefined group cannot be renamed.", "NotEditable")
    errors.raise_if_any()
    if name is not None:
        group.name = name
    if sort is not None:
        group.sort = sort
    await session.flush()
    if fields is not None:
        await _assign(session, entity_type, group.id, fields)
    return (await _with_fields(session, entity_type, [group]))[0]


async def delete_group(session: AsyncSession, principal: Principal, entity_type: str, group_id: str) -> None:
    require_admin(principal)
    group = await _group(session, entity_type, group_id)
    if group is None:
        raise NotFound(f"Field group {group_id} of {entity_type} not found")
    if group.is_predefined:
        raise BadRequest(f"Field group {group_id} is predefined and cannot be deleted")
    await _assign(session, entity_type, group.id, [])
    await session.delete(group)
    await session.flush()
