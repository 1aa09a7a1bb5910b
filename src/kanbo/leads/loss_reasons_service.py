"""Loss reasons (spec §5.5): any user reads them, admins change them. Deleting one clears it on its
leads through the lead service, so each lead records ``lead_loss_reason_changed`` (and webhooks see an
``update_lead``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.rights import require_admin
from kanbo.core.errors import NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities import service as entities
from kanbo.leads.loss_reasons_wire import LossReasonIn, LossReasonPatch
from kanbo.leads.spec import LEAD_SPEC
from kanbo.models.entities import Lead, LossReason

ADMIN_ONLY = "change loss reasons"


def require_changer(principal: Principal) -> None:
    """Only admins change loss reasons (403 otherwise)."""
    require_admin(principal, ADMIN_ONLY)


async def list_reasons(session: AsyncSession, offset: int, limit: int) -> tuple[list[LossReason], int]:
    total = await session.scalar(select(func.count()).select_from(LossReason)) or 0
    rows = await session.scalars(select(LossReason).order_by(LossReason.sort, LossReason.id)
                                 .offset(offset).limit(limit))
    return list(rows), total


async def get_reason(session: AsyncSession, reason_id: int) -> LossReason | None:
    reason: LossReason | None = await session.scalar(select(LossReason).where(LossReason.id == reason_id))
    return reason


async def add_reasons(session: AsyncSession, principal: Principal, items: Sequence[LossReasonIn]
                      ) -> list[tuple[str, LossReason]]:
    """The new reasons with the ``request_id`` of their items, in request order."""
    require_changer(principal)
    stamp = now()
    rows = [(item.request_id or str(index),
             LossReason(name=item.name, sort=item.sort or 0, created_at=stamp, updated_at=stamp))
            for index, item in enumerate(items)]
    session.add_all([row for _, row in rows])
    await session.flush()
    return rows


async def _existing(session: AsyncSession, reason_id: int) -> LossReason:
    reason = await get_reason(session, reason_id)
    if reason is None:
        raise NotFound(f"Loss reason {reason_id} not found")
    return reason


async def update_reason(session: AsyncSession, principal: Principal, reason_id: int,
                        data: LossReasonPatch) -> LossReason:
    require_changer(principal)
    reason = await _existing(session, reason_id)
    if data.name is not None:
        reason.name = data.name
    if data.sort is not None:
        reason.sort = data.sort
    reason.updated_at = now()
    await session.flush()
    return reason


async def delete_reason(session: AsyncSession, principal: Principal, reason_id: int) -> None:
    """Delete a reason; its leads lose it through the lead service, with their events. Leads in the trash
    (which the lead service does not change) lose it silently: they record it when restored and edited."""
    require_changer(principal)
    reason = await _existing(session, reason_id)
    lead_ids = list(await session.scalars(select(Lead.id).where(Lead.loss_reason_id == reason_id,
                                                                Lead.is_deleted.is_(False)).order_by(Lead.id)))
    # An admin's change; the lead service still runs every rule and records the events in its name.
    system = replace(principal, is_admin=True)
    for start in range(0, len(lead_ids), 250):
        await entities.update_many(session, system, LEAD_SPEC, [
            (str(lead_id), {"id": lead_id, "loss_reason_id": None}) for lead_id in lead_ids[start:start + 250]])
    await session.execute(update(Lead).where(Lead.loss_reason_id == reason_id).values(loss_reason_id=None))
    await session.delete(reason)
    await session.flush()
