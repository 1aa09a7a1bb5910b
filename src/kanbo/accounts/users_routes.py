"""Users API (spec §4.1): list, get, batch add, activate and deactivate.

Every user of the account may read users; only administrators may add or (de)activate them.
There is no update or delete of users (Kommo has none): other methods answer 405.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from kanbo.accounts import repository as repo
from kanbo.accounts.users_service import MAX_STATUS_CHANGES, add_users, set_active
from kanbo.accounts.users_wire import render_user
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import Unauthorized
from kanbo.http.body import read_batch
from kanbo.http.hal import collection, created, item
from kanbo.http.query import as_list, parse_list_query, parse_query_string
from kanbo.http.responses import no_content
from kanbo.http.route import TxRoute
from kanbo.models.accounts import Account

router = APIRouter(route_class=TxRoute)


async def _account_language(ctx: Ctx) -> str:
    account = await ctx.session.get(Account, ctx.principal.account_id)
    if account is None:
        raise Unauthorized("The account no longer exists")
    return account.language


@router.get("/api/v4/users")
async def list_users(ctx: Ctx = Depends(api_context)) -> Response:
    request = ctx.request
    query = parse_list_query(request.scope["query_string"])
    total = await repo.count_users(ctx.session)
    rows = await repo.users_page(ctx.session, query.offset, query.limit + 1)
    has_next = len(rows) > query.limit
    rows = rows[: query.limit]
    lang = await _account_language(ctx) if rows and query.has("group") else "en"
    users = [
        render_user(request, user, role, group, with_=query.with_, account_lang=lang)
        for user, role, group in rows
    ]
    return collection(request, "users", users, query, has_next=has_next, total=total)


@router.get("/api/v4/users/{user_id:int}")
async def get_user(user_id: int, ctx: Ctx = Depends(api_context)) -> Response:
    request = ctx.request
    with_ = frozenset(as_list(parse_query_string(request.scope["query_string"]).get("with")))
    row = await repo.user_row(ctx.session, user_id)
    if row is None:
        return no_content()
    user, role, group = row
    lang = await _account_language(ctx) if "group" in with_ else "en"
    return item(request, render_user(request, user, role, group, with_=with_, account_lang=lang))


@router.post("/api/v4/users", name="add_users")
async def add(ctx: Ctx = Depends(api_context)) -> Response:
    batch = await read_batch(ctx.request)
    new_users = await add_users(ctx.session, ctx.principal, batch, default_lang=await _account_language(ctx))
    roles = await repo.roles_by_ids(ctx.session, (u.role_id for _, u in new_users if u.role_id))
    body = []
    for request_id, user in new_users:
        rendered = render_user(ctx.request, user, roles.get(user.role_id) if user.role_id else None)
        rendered["request_id"] = request_id
        body.append(rendered)
    return created(ctx.request, "users", body)


@router.post("/api/v4/users/activate", name="activate_users")
async def activate(ctx: Ctx = Depends(api_context)) -> Response:
    await set_active(ctx.session, ctx.principal, await read_batch(ctx.request, max_items=MAX_STATUS_CHANGES), True)
    return no_content()


@router.post("/api/v4/users/deactivate", name="deactivate_users")
async def deactivate(ctx: Ctx = Depends(api_context)) -> Response:
    await set_active(ctx.session, ctx.principal, await read_batch(ctx.request, max_items=MAX_STATUS_CHANGES), False)
    return no_content()
