"""``admin_context``: the handler context of administrator-only routes, refused before the body is read.

The body and query models are validated by dependencies, which run before the handler; so that a
non-administrator gets 403 whatever the body holds (and never learns the body's shape by its 400),
administrator-only routes take their context from here instead of ``api_context``. The service keeps
its own :func:`kanbo.accounts.rights.require_admin`: this only brings the same answer forward.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends

from kanbo.accounts.rights import require_admin
from kanbo.auth.context import Ctx, api_context


def admin_context(action: str) -> Any:
    """``ctx: Ctx = admin_context("add users")``: :func:`api_context`, then 403 unless an administrator."""

    async def context(ctx: Ctx = Depends(api_context)) -> Ctx:
        require_admin(ctx.principal, action)
        return ctx

    return Depends(context)
