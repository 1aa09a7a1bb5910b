"""``GET /api/v4/account``."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select

from kanbo.accounts.account_wire import AccountOut, AccountQuery, render_account
from kanbo.auth.context import Ctx, api_context
from kanbo.core.errors import Unauthorized
from kanbo.http.hal import base_url, href, item
from kanbo.http.responses import HalResponse
from kanbo.http.route import TxRoute
from kanbo.http.wire import query, responses
from kanbo.models.accounts import Account
from kanbo.models.activity import TaskType
from kanbo.models.users import UserGroup

router = APIRouter(route_class=TxRoute)


@router.get("/api/v4/account", name="get_account", responses=responses(AccountOut))
async def get_account(ctx: Ctx = Depends(api_context), params: AccountQuery = query(AccountQuery)) -> HalResponse:
    request = ctx.request
    with_ = frozenset(params.with_)
    account = await ctx.session.get(Account, ctx.principal.account_id)
    if account is None:
        raise Unauthorized("The account no longer exists")
    groups = list(await ctx.session.scalars(select(UserGroup).order_by(UserGroup.id))) \
        if "users_groups" in with_ else []
    custom_task_types = list(await ctx.session.scalars(select(TaskType).order_by(TaskType.id))) \
        if "task_types" in with_ else []
    body = render_account(account, current_user_id=ctx.principal.user_id, with_=with_, groups=groups,
                          self_href=href(request, "/api/v4/account")["href"], base=base_url(request),
                          custom_task_types=custom_task_types)
    return item(request, body)
