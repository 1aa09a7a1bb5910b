"""Roles: add in a batch, update, delete. Services flush; the request commits.

Role names are non-empty, at most 255 characters and unique in the account (compared without
regard to case). A role that users hold cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import repository as repo
from kanbo.accounts.rights import apply_rights, require_admin
from kanbo.accounts.rights_wire import RightsIn
from kanbo.accounts.roles_wire import RoleIn, RolePatch, RoleUpdate
from kanbo.accounts.users_wire import rights_object
from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.users import Role

RIGHT_KEYS = ("leads", "contacts", "companies", "tasks", "status_rights", "catalog_rights", "mail_access",
              "catalog_access")


@dataclass
class RoleChange:
    request_id: str
    role_id: int | None
    name: str | None
    rights: dict[str, Any] | None


def stored_rights(rights: dict[str, Any]) -> dict[str, Any]:
    """Only the permission keys are kept on a role."""
    return {key: rights[key] for key in RIGHT_KEYS if key in rights}


def _change(request_id: str, name: str | None, given: RightsIn | None, errors: Errors, *,
            base: dict[str, Any] | None, creating: bool) -> RoleChange:
    rights = None
    if creating or given is not None:
        rights = stored_rights(apply_rights(given, errors, request_id, base=base))
    return RoleChange(request_id, None, name, rights)


def _check_names(changes: list[RoleChange], existing: dict[str, int], errors: Errors) -> None:
    """A name may not belong to another role, in the account or earlier in the batch."""
    claimed: dict[str, str] = {}
    for change in changes:
        if change.name is None:
            continue
        key = change.name.casefold()
        owner = existing.get(key)
        if owner is not None and owner != change.role_id:
            errors.add(change.request_id, "name", f"A role named '{change.name}' already exists.", "NotUnique")
        elif key in claimed:
            errors.add(change.request_id, "name",
                       f"The name '{change.name}' is also used by item '{claimed[key]}'.", "NotUnique")
        claimed.setdefault(key, change.request_id)
    # Old names still count while the batch runs: swapping two roles' names in one batch is refused.


async def add_roles(session: AsyncSession, principal: Principal, items: Sequence[RoleIn]) -> list[tuple[str, Role]]:
    require_admin(principal, "add roles")
    errors = Errors()
    changes = [_change(item.request_id or "0", item.name, item.rights, errors, base=None, creating=True)
               for item in items]
    _check_names(changes, await repo.role_names(session), errors)
    errors.raise_if_any()
    stamp = now()
    created = []
    for change in changes:
        assert change.name is not None and change.rights is not None
        role = Role(name=change.name, rights=change.rights, created_at=stamp, updated_at=stamp)
        session.add(role)
        created.append((change.request_id, role))
    await session.flush()
    return created


async def update_roles(session: AsyncSession, principal: Principal, items: Sequence[RoleUpdate]
                       ) -> list[tuple[str, Role]]:
    """``PATCH /api/v4/roles``: every item names its role by ``id``."""
    require_admin(principal, "change roles")
    return await _update(session, [(item.request_id or "0", item.id, item) for item in items])


async def update_role(session: AsyncSession, principal: Principal, role_id: int, data: RolePatch) -> Role:
    """``PATCH /api/v4/roles/{id}``: 404 when the role does not exist."""
    require_admin(principal, "change roles")
    [(_, role)] = await _update(session, [(data.request_id or "0", role_id, data)], single=True)
    return role


async def _update(session: AsyncSession, wanted: list[tuple[str, int, RolePatch]], *, single: bool = False
                  ) -> list[tuple[str, Role]]:
    errors = Errors()
    roles = await repo.roles_by_ids(session, (role_id for _, role_id, _ in wanted))
    if single and wanted[0][1] not in roles:
        raise NotFound(f"Role {wanted[0][1]} does not exist")
    changes = []
    for request_id, role_id, patch in wanted:
        role = roles.get(role_id)
        if role is None:
            errors.add(request_id, "id", f"Role {role_id} does not exist.", "NotFound")
            continue
        change = _change(request_id, patch.name, patch.rights, errors, base=rights_object(role.rights),
                         creating=False)
        change.role_id = role_id
        changes.append(change)
    _check_names(changes, await repo.role_names(session), errors)
    errors.raise_if_any()
    stamp = now()
    updated = []
    for change in changes:
        assert change.role_id is not None
        role = roles[change.role_id]
        if change.name is not None:
            role.name = change.name
        if change.rights is not None:
            role.rights = change.rights
        role.updated_at = stamp
        updated.append((change.request_id, role))
    await session.flush()
    return updated


async def delete_role(session: AsyncSession, principal: Principal, role_id: int) -> None:
    require_admin(principal, "delete roles")
    role = await repo.role_by_id(session, role_id)
    if role is None:
        raise NotFound(f"Role {role_id} does not exist")
    holders = await repo.count_users_with_role(session, role_id)
    if holders:
        raise BadRequest(f"Role {role_id} is assigned to {holders} user(s); give them another role before "
                         "deleting it")
    await session.delete(role)
    await session.flush()
