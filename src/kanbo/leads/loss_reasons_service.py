"""Loss reasons (spec §5.5): any user reads them, admins change them. Deleting one clears it on its
leads through the lead service, so each lead records ``lead_loss_reason_changed`` (and webhooks see an
``update_lead``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts.rights import require_admin
from kanbo.core.errors import Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities import service as entities
from kanbo.entities.fields import int_field, text_field
from kanbo.leads.spec import LEAD_SPEC
from kanbo.models.entities import Lead, LossReason

ADMIN_ONLY = "change loss reasons"


def _parse(item: dict[str, Any], errors: Errors, request_id: str, *, create: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = text_field(item, "name", errors, request_id)
    if name:
        values["name"] = name
    elif create or "name" in item:
        errors.add(request_id, "name", "This value should not be blank.", "NotBlank")
    sort = int_field(item, "sort", errors, request_id, minimum=None)
    if sort is not None:
        values["sort"] = sort
    return values


async def list_reasons(session: AsyncSession, offset: int, limit: int) -> tuple[list[LossReason], int]:
    total = await session.scalar(select(func.count()).select_from(LossReason)) or 0
    rows = await session.scalars(select(LossReason).order_by(LossReason.sort, LossReason.id)
                                 .offset(offset).limit(limit))
    return list(rows), total


async def get_reason(session: AsyncSession, reason_id: int) -> LossReason | None:
    reason: LossReason | None = await session.scalar(select(LossReason).where(LossReason.id == reason_id))
    return reason


async def add_reasons(session: AsyncSession, principal: Principal, items: list[tuple[str, dict[str, Any]]]
                      ) -> list[tuple[str, LossReason]]:
    require_admin(principal, ADMIN_ONLY)
    errors = Errors()
    parsed = [(rid, _parse(item, errors, rid, create=True)) for rid, item in items]
    errors.raise_if_any()
    stamp = now()
    rows = [(rid, LossReason(name=values["name"], sort=values.get("sort", 0), created_at=stamp, updated_at=stamp))
            for rid, values in parsed]
    session.add_all([row for _, row in rows])
    await session.flush()
    return rows


async def _existing(session: AsyncSession, reason_id: int) -> LossReason:
    reason = await get_reason(session, reason_id)
    if reason is None:
        raise NotFound(f"Loss reason {reason_id} not found")
    return reason


async def update_reason(session: AsyncSession, principal: Principal, reason_id: int,
                        data: dict[str, Any]) -> LossReason:
    require_admin(principal, ADMIN_ONLY)
    reason = await _existing(session, reason_id)
    errors = Errors()
    values = _parse(data, errors, "0", create=False)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(reason, key, value)
    reason.updated_at = now()
    await session.flush()
    return reason


async def delete_reason(session: AsyncSession, principal: Principal, reason_id: int) -> None:
    """Delete a reason; its leads lose it through the lead service, with their events. Leads in the trash
    (which the lead service does not change) lose it silently: they record it when restored and edited."""
    require_admin(principal, ADMIN_ONLY)
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
