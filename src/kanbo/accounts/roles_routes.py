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
from kanbo.accounts.roles_service import add_roles, delete_role, update_roles
from kanbo.accounts.users_wire import render_role, render_user
from kanbo.auth.context import Ctx, api_context
from kanbo.http.body import read_batch, read_object
from kanbo.http.hal import collection, created, item
from kanbo.http.query import as_list, parse_list_query, parse_query_string
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
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


def _written(request: Request, role: Role, request_id: str, *, updated: bool) -> dict[str, Any]:
    body = render_role(request, role)
    if updated:
        body["updated_at"] = role.updated_at
    body["request_id"] = request_id
    return body


@router.get("/api/v4/roles")
async def list_roles(ctx: Ctx = Depends(api_context)) -> Response:
    query = parse_list_query(ctx.request.scope["query_string"])
    total = await repo.count_roles(ctx.session)
    roles = await repo.roles_page(ctx.session, query.offset, query.limit + 1)
    has_next = len(roles) > query.limit
    roles = roles[: query.limit]
    items = await _render_roles(ctx, roles, query.has("users")) if roles else []
    return collection(ctx.request, "roles", items, query, has_next=has_next, total=total)


@router.get("/api/v4/roles/{role_id:int}")
async def get_role(role_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    with_ = frozenset(as_list(parse_query_string(ctx.request.scope["query_string"]).get("with")))
    role = await repo.role_by_id(ctx.session, role_id)
    if role is None:
        return no_content()
    return item(ctx.request, (await _render_roles(ctx, [role], "users" in with_))[0])


@router.post("/api/v4/roles", name="add_roles")
async def add(ctx: Ctx = Depends(api_context)) -> Response:
    new_roles = await add_roles(ctx.session, ctx.principal, await read_batch(ctx.request))
    return created(ctx.request, "roles", [_written(ctx.request, r, rid, updated=False) for rid, r in new_roles])


@router.patch("/api/v4/roles", name="update_roles")
async def update_many(ctx: Ctx = Depends(api_context)) -> Response:
    changed = await update_roles(ctx.session, ctx.principal, await read_batch(ctx.request))
    return created(ctx.request, "roles", [_written(ctx.request, r, rid, updated=True) for rid, r in changed])


@router.patch("/api/v4/roles/{role_id:int}", name="update_role")
async def update_one(role_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    body = await read_object(ctx.request)
    request_id = "0" if body.get("request_id") is None else str(body["request_id"])
    [(_, role)] = await update_roles(ctx.session, ctx.principal, [(request_id, body)], path_id=role_id)
    rendered = render_role(ctx.request, role)
    rendered["updated_at"] = role.updated_at
    return item(ctx.request, rendered)


@router.delete("/api/v4/roles/{role_id:int}", name="delete_role")
async def delete(role_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    await delete_role(ctx.session, ctx.principal, role_id)
    return no_content()
