"""Users API (spec §4.1): list, get, batch add, activate and deactivate; and Kanbo's extensions: change a
user (``PATCH /api/v4/users/{id}``) and the user groups (``/api/v4/users/groups``).

Every user of the account may read users; only administrators may add, change or (de)activate them.
There is no delete of users (Kommo has none): other methods answer 405.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts import groups_service
from kanbo.accounts import repository as repo
from kanbo.accounts.context import admin_context
from kanbo.accounts.groups_wire import GroupIn, GroupPatch, UserGroupOut, UserGroupsWritten, render_group
from kanbo.accounts.users_service import add_users, set_active, update_user
from kanbo.accounts.users_wire import (
    MAX_STATUS_CHANGES,
    UserIn,
    UserList,
    UserOut,
    UserPatch,
    UserQuery,
    UsersPage,
    UserStatusIn,
    UsersWritten,
    render_user,
)
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import Unauthorized
from kanbo.http.hal import collection, created, item
from kanbo.http.responses import HalResponse, no_content
from kanbo.http.route import TxRoute
from kanbo.http.wire import batch, body, query, responses
from kanbo.models.accounts import Account

router = APIRouter(route_class=TxRoute)


async def _account_language(ctx: Ctx) -> str:
    account = await ctx.session.get(Account, ctx.principal.account_id)
    if account is None:
        raise Unauthorized("The account no longer exists")
    return account.language


@router.get("/api/v4/users", name="list_users", responses=responses(UsersPage, empty=True))
async def list_users(ctx: Ctx = Depends(api_context), params: UserList = query(UserList)) -> Response:
    request = ctx.request
    q = params.list_query()
    total = await repo.count_users(ctx.session)
    rows = await repo.users_page(ctx.session, q.offset, q.limit + 1)
    has_next = len(rows) > q.limit
    rows = rows[: q.limit]
    lang = await _account_language(ctx) if rows and q.has("group") else "en"
    users = [
        render_user(request, user, role, group, with_=q.with_, account_lang=lang)
        for user, role, group in rows
    ]
    return collection(request, "users", users, q, has_next=has_next, total=total)


@router.get("/api/v4/users/{user_id:int}", name="get_user", responses=responses(UserOut, empty=True))
async def get_user(user_id: int, ctx: Ctx = Depends(api_context), params: UserQuery = query(UserQuery)) -> Response:
    with_ = frozenset(params.with_)
    row = await repo.user_row(ctx.session, user_id)
    if row is None:
        return no_content()
    user, role, group = row
    lang = await _account_language(ctx) if "group" in with_ else "en"
    return item(ctx.request, render_user(ctx.request, user, role, group, with_=with_, account_lang=lang))


@router.post("/api/v4/users", name="add_users", responses=responses(UsersWritten))
async def add(ctx: Ctx = admin_context("add users"), items: list[UserIn] = batch(UserIn)) -> Response:
    new_users = await add_users(ctx.session, ctx.principal, items, default_lang=await _account_language(ctx))
    roles = await repo.roles_by_ids(ctx.session, (u.role_id for _, u in new_users if u.role_id))
    body = []
    for request_id, user in new_users:
        rendered = render_user(ctx.request, user, roles.get(user.role_id) if user.role_id else None)
        rendered["request_id"] = request_id
        body.append(rendered)
    return created(ctx.request, "users", body)


@router.post("/api/v4/users/activate", name="activate_users", responses=responses())
async def activate(ctx: Ctx = admin_context("activate users"),
                   items: list[UserStatusIn] = batch(UserStatusIn, max_items=MAX_STATUS_CHANGES)) -> Response:
    await set_active(ctx.session, ctx.principal, items, True)
    return no_content()


@router.post("/api/v4/users/deactivate", name="deactivate_users", responses=responses())
async def deactivate(ctx: Ctx = admin_context("deactivate users"),
                     items: list[UserStatusIn] = batch(UserStatusIn, max_items=MAX_STATUS_CHANGES)) -> Response:
    await set_active(ctx.session, ctx.principal, items, False)
    return no_content()


@router.patch("/api/v4/users/{user_id:int}", name="update_user", responses=responses(UserOut))
async def update(user_id: int, ctx: Ctx = admin_context("change users"), data: UserPatch = body(UserPatch)
                 ) -> Response:
    """Kanbo extension: change a user's name, language, permissions, flags, group or role."""
    await update_user(ctx.session, ctx.principal, user_id, data)
    row = await repo.user_row(ctx.session, user_id)
    assert row is not None
    user, role, group = row
    with_ = frozenset({"role", "group"})
    return item(ctx.request, render_user(ctx.request, user, role, group, with_=with_,
                                         account_lang=await _account_language(ctx)))


@router.post("/api/v4/users/groups", name="add_groups", responses=responses(UserGroupsWritten))
async def add_groups(ctx: Ctx = admin_context("add user groups"), items: list[GroupIn] = batch(GroupIn)
                     ) -> Response:
    """Kanbo extension: add user groups (they are listed by ``GET /api/v4/account?with=users_groups``)."""
    groups = await groups_service.add_groups(ctx.session, ctx.principal, items)
    return created(ctx.request, "users_groups", [{**render_group(g), "request_id": rid} for rid, g in groups])


@router.patch("/api/v4/users/groups/{group_id:int}", name="rename_group", responses=responses(UserGroupOut))
async def rename_group(group_id: int, ctx: Ctx = admin_context("rename user groups"),
                       data: GroupPatch = body(GroupPatch)) -> Response:
    """Kanbo extension: rename a user group."""
    group = await groups_service.rename_group(ctx.session, ctx.principal, group_id, data)
    return HalResponse(render_group(group))


@router.delete("/api/v4/users/groups/{group_id:int}", name="delete_group", responses=responses())
async def delete_group(group_id: int, ctx: Ctx = admin_context("delete user groups")) -> Response:
    """Kanbo extension: delete a user group; its users return to the main group."""
    await groups_service.delete_group(ctx.session, ctx.principal, group_id)
    return no_content()
