"""Field groups (spec §12.5): string ids such as ``leads_1591337000``; a field belongs to at most one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.core.values import as_int
from kanbo.custom_fields.service import require_admin
from kanbo.custom_fields.types import MAX_SHORT
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


def _name(errors: Errors, request_id: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(request_id, "name", "This value should not be blank.", "NotBlank")
        return None
    if len(value.strip()) > MAX_SHORT:
        errors.add(request_id, "name", f"This value is too long ({MAX_SHORT} characters at most).", "TooLong")
        return None
    return value.strip()


async def _field_ids(session: AsyncSession, entity_type: str, raw: Any, errors: Errors, request_id: str
                     ) -> list[int] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        errors.add(request_id, "fields", "This value should be of type array.", "InvalidType")
        return None
    ids = [as_int(v) for v in raw]
    known = set(await session.scalars(
        select(CustomField.id).where(CustomField.entity_type == entity_type,
                                     CustomField.id.in_([i for i in ids if i is not None]))
    ))
    for i, field_id in enumerate(ids):
        if field_id not in known:
            errors.add(request_id, f"fields.{i}", f"No custom field {raw[i]!r} of {entity_type}.",
                       "NotSupportedChoice")
    return list(dict.fromkeys(i for i in ids if i is not None))


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


async def add_groups(session: AsyncSession, principal: Principal, entity_type: str,
                     items: list[tuple[str, dict[str, Any]]]) -> list[GroupView]:
    require_admin(principal)
    errors = Errors()
    plans = []
    for request_id, data in items:
        name = _name(errors, request_id, data.get("name"))
        sort = as_int(data.get("sort", 0))
        if sort is None:
            errors.add(request_id, "sort", "This value should be of type int.", "InvalidType")
        fields = await _field_ids(session, entity_type, data.get("fields"), errors, request_id)
        plans.append((request_id, name, sort, fields))
    errors.raise_if_any()
    taken = set(await session.scalars(select(CustomFieldGroup.id)))
    stamp = now()
    created = []
    for request_id, name, sort, fields in plans:
        while f"{entity_type}_{stamp}" in taken:
            stamp += 1
        group = CustomFieldGroup(id=f"{entity_type}_{stamp}", entity_type=entity_type, name=str(name),
                                 sort=sort or 0, is_predefined=False, type="custom_field_group")
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
                       data: dict[str, Any]) -> GroupView:
    require_admin(principal)
    group = await _group(session, entity_type, group_id)
    if group is None:
        raise NotFound(f"Field group {group_id} of {entity_type} not found")
    errors = Errors()
    name = _name(errors, "0", data["name"]) if data.get("name") is not None else None
    sort = as_int(data["sort"]) if data.get("sort") is not None else None
    if data.get("sort") is not None and sort is None:
        errors.add("0", "sort", "This value should be of type int.", "InvalidType")
    fields = await _field_ids(session, entity_type, data.get("fields"), errors, "0")
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
