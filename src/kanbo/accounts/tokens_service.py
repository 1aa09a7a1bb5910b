"""Integrations and long-lived tokens for administrators (a Kanbo extension). Services flush; the request
commits. A token is made for the caller (it acts with the caller's rights, as Kommo's do for the admin who
makes them); any administrator may revoke any long-lived token of the account."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.repository import valid_id
from kanbo.accounts.rights import require_admin
from kanbo.accounts.tokens_wire import IntegrationIn, IntegrationPatch, TokenIn
from kanbo.auth.service import create_integration, issue_long_lived_token, revoke_grant
from kanbo.core.errors import Errors, NotFound, Unauthorized
from kanbo.core.principal import Principal
from kanbo.models.auth import Grant, Integration
from kanbo.models.users import User

LONG_LIVED = "long_lived"


async def list_integrations(session: AsyncSession, principal: Principal) -> list[Integration]:
    require_admin(principal, "see integrations")
    return list(await session.scalars(select(Integration).order_by(Integration.id)))


async def add_integration(session: AsyncSession, principal: Principal, data: IntegrationIn) -> Integration:
    require_admin(principal, "add integrations")
    return await create_integration(session, account_id=principal.account_id, name=data.name,
                                    redirect_uri=data.redirect_uri, created_by=principal.user_id)


async def update_integration(session: AsyncSession, principal: Principal, integration_id: int,
                             data: IntegrationPatch) -> Integration:
    require_admin(principal, "change integrations")
    integration = await session.get(Integration, integration_id) if valid_id(integration_id) else None
    if integration is None or integration.account_id != principal.account_id:
        raise NotFound(f"Integration {integration_id} does not exist")
    if data.name is not None:
        integration.name = data.name
    if data.redirect_uri is not None:
        integration.redirect_uri = data.redirect_uri
    if data.is_active is not None:
        integration.is_active = data.is_active
    return integration


async def list_tokens(session: AsyncSession, principal: Principal, *, offset: int, limit: int
                      ) -> tuple[list[Grant], int]:
    """The account's long-lived tokens, newest first, and how many there are (two statements)."""
    require_admin(principal, "see long-lived tokens")
    condition = Grant.kind == LONG_LIVED
    total = int(await session.scalar(select(func.count()).select_from(Grant).where(condition)) or 0)
    grants = list(await session.scalars(
        select(Grant).where(condition).order_by(Grant.id.desc()).offset(offset).limit(limit)))
    return grants, total


async def create_token(session: AsyncSession, principal: Principal, data: TokenIn, api_domain: str
                       ) -> tuple[Grant, str]:
    """A new long-lived token of the caller; its JWT is returned once and never stored."""
    require_admin(principal, "create long-lived tokens")
    integration = None
    if data.integration_id is not None:
        integration = await session.scalar(select(Integration).where(Integration.id == data.integration_id)) \
            if valid_id(data.integration_id) else None
        if integration is None:
            errors = Errors()
            errors.add("0", "integration_id", f"Integration {data.integration_id} does not exist.", "NotFound")
            errors.raise_if_any()
    user = await session.scalar(select(User).where(User.id == principal.user_id))
    if user is None:
        raise Unauthorized("The user no longer exists")
    return await issue_long_lived_token(session, user=user, integration=integration, days=data.days,
                                        api_domain=api_domain)


async def revoke_token(session: AsyncSession, principal: Principal, token_id: int) -> None:
    """Revoke a long-lived token (at once: every request re-reads its grant). Revoking it again is a no-op."""
    require_admin(principal, "revoke long-lived tokens")
    grant = await session.scalar(select(Grant).where(Grant.id == token_id, Grant.kind == LONG_LIVED)) \
        if valid_id(token_id) else None
    if grant is None:
        raise NotFound(f"Long-lived token {token_id} does not exist")
    await revoke_grant(session, grant.id, "revoked_by_admin")
