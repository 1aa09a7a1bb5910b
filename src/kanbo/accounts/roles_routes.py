"""Roles API (spec §4.1): list, get, batch add, update (single and batch), delete.

Every user may read roles; only administrators may change them. ``with=users`` embeds the role's
users as full user objects (PHP's ``RoleModel`` maps them through ``UserModel``, which needs
``email`` and ``rights``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from kanbo.accounts import repository as repo
from kanbo.accounts.context import admin_context
from kanbo.accounts.roles_service import add_roles, delete_role, update_role, update_roles
from kanbo.accounts.roles_wire import (
    RoleIn,
    RoleList,
    RoleOut,
    RolePatch,
    RolePatched,
    RoleQuery,
    RolesPage,
    RolesUpdated,
    RolesWritten,
    RoleUpdate,
)
from kanbo.accounts.users_wire import render_role, render_user
from kanbo.auth.context import Ctx, api_context
from kanbo.http.hal import collection, created, item
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.models.users import Role

router = APIRouter(route_class=TxRoute)


async def _render_roles(ctx: Ctx, roles: list[Role], with_users: bool) -> list[dict[str, Any]]:
    """Roles, with their users loaded in one query for all of them when asked."""
    if not with_users:
        return [render_role(ctx.request, role) for role in roles]
    holders = await repo.users_of_roles(ctx.session, [role.id for role in roles])
    return [
        render_role(ctx.request, role, [render_user(ctx.request, u, r, g) for u, r, g in holders.get(role.id, [])])
        for role in roles
    ]


def _written(request: Request, role: Role, request_id: str | None = None, *, updated: bool) -> dict[str, Any]:
    rendered = render_role(request, role)
    if updated:
        rendered["updated_at"] = role.updated_at
    if request_id is not None:
        rendered["request_id"] = request_id
    return rendered


@router.get("/api/v4/roles", name="list_roles", responses=responses(RolesPage, empty=True))
async def list_roles(ctx: Ctx = Depends(api_context), params: RoleList = query(RoleList)) -> Response:
    q = params.list_query()
    total = await repo.count_roles(ctx.session)
    roles = await repo.roles_page(ctx.session, q.offset, q.limit + 1)
    has_next = len(roles) > q.limit
    roles = roles[: q.limit]
    items = await _render_roles(ctx, roles, q.has("users")) if roles else []
    return collection(ctx.request, "roles", items, q, has_next=has_next, total=total)


@router.get("/api/v4/roles/{role_id:int}", name="get_role", responses=responses(RoleOut, empty=True))
async def get_role(role_id: int, ctx: Ctx = Depends(api_context), params: RoleQuery = query(RoleQuery)) -> Response:
    role = await repo.role_by_id(ctx.session, role_id)
    if role is None:
        return no_content()
    return item(ctx.request, (await _render_roles(ctx, [role], "users" in params.with_))[0])


@router.post("/api/v4/roles", name="add_roles", responses=responses(RolesWritten))
async def add(ctx: Ctx = admin_context("add roles"), items: list[RoleIn] = batch(RoleIn)) -> Response:
    new_roles = await add_roles(ctx.session, ctx.principal, items)
    return created(ctx.request, "roles", [_written(ctx.request, r, rid, updated=False) for rid, r in new_roles])


@router.patch("/api/v4/roles", name="update_roles", responses=responses(RolesUpdated))
async def update_many(ctx: Ctx = admin_context("change roles"), items: list[RoleUpdate] = batch(RoleUpdate)
                      ) -> Response:
    changed = await update_roles(ctx.session, ctx.principal, items)
    return created(ctx.request, "roles", [_written(ctx.request, r, rid, updated=True) for rid, r in changed])


@router.patch("/api/v4/roles/{role_id:int}", name="update_role", responses=responses(RolePatched))
async def update_one(role_id: int, ctx: Ctx = admin_context("change roles"), data: RolePatch = body(RolePatch)
                     ) -> Response:
    role = await update_role(ctx.session, ctx.principal, role_id, data)
    return item(ctx.request, _written(ctx.request, role, updated=True))


@router.delete("/api/v4/roles/{role_id:int}", name="delete_role", responses=responses())
async def delete(role_id: int, ctx: Ctx = admin_context("delete roles")) -> Response:
    await delete_role(ctx.session, ctx.principal, role_id)
    return no_content()
