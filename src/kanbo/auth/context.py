"""What an authenticated API handler works with: the request, its transaction and its principal."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.auth.principal import authenticate
from kanbo.core.principal import Principal
from kanbo.http.route import db_session


@dataclass
class Ctx:
    request: Request
    session: AsyncSession
    principal: Principal


async def api_context(request: Request, session: AsyncSession = Depends(db_session)) -> Ctx:
    """The dependency of every ``/api/v4`` handler: authenticates within the request's transaction."""
    principal = await authenticate(request, session)
    return Ctx(request=request, session=session, principal=principal)
