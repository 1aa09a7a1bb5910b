"""Accepting, declining and linking an incoming lead (spec §8.1, §8.4 "What accept does").

Rights: each action needs the ``edit`` right on the incoming lead's own lead (its letter for that
lead's responsible user, and the Incoming stage's ``status_rights``); a stage the user may not edit
cannot be the target of an accept. Once decided, the moves, responsible changes and trash of the
incoming lead's lead, contact and company are done by the entity services on its behalf, with the
events recorded in the acting user's name. Linking into an existing lead needs ``edit`` on that lead,
and a ``metadata.contact_id`` the user may not see is "not found".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.companies.spec import COMPANY_SPEC
from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.core.errors import BadRequest, Errors, Forbidden, NotFound, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities import service as entities
from kanbo.entities.kinds import LEADS
from kanbo.entities.users import UserInfo, active_user, users_map
from kanbo.events.service import record_many
from kanbo.leads.spec import LEAD_SPEC
from kanbo.leads.stages import StageMap
from kanbo.links import service as links
from kanbo.models.activity import Unsorted
from kanbo.models.entities import Company, Contact, Lead
from kanbo.unsorted.service import unsorted_change
from kanbo.unsorted.wire import UnsortedAcceptIn, UnsortedDeclineIn, UnsortedLinkIn


@dataclasses.dataclass
class Linked:
    row: Unsorted
    lead_id: int
    contact_id: int | None
    company_id: int | None


def _on_behalf(principal: Principal) -> Principal:
    """The principal the entity services run with once this module has decided the rights."""
    return dataclasses.replace(principal, is_admin=True)


def require_sorting(principal: Principal) -> None:
    """Accepting, declining and linking need the leads ``edit`` right on some leads at least."""
    if not rights.may(principal, "leads", "edit"):
        raise Forbidden("You may not edit leads")


async def _waiting(session: AsyncSession, principal: Principal, uid: str) -> Unsorted:
    require_sorting(principal)
    row = await session.scalar(select(Unsorted).where(Unsorted.uid == uid))
    if row is None:
        raise NotFound(f"Incoming lead {uid} not found")
    if row.state != "new":
        raise BadRequest(f"Incoming lead {uid} is already {row.state}")
    lead = await _live(session, Lead, row.lead_id)
    if lead is not None:  # its lead's edit right, the Incoming stage's included
        owner = (await users_map(session)).get(lead.responsible_user_id)
        if not rights.may_entity(principal, "leads", "edit", lead, owner.group_id if owner else None):
            raise Forbidden(f"You may not sort incoming lead {uid}")
    return row


def _user(user_id: int | None, users: dict[int, UserInfo], principal: Principal) -> int:
    """``user_id`` of the body (an active user of the account) or the acting user."""
    if user_id is None:
        return principal.user_id
    errors = Errors()
    if not active_user(user_id, users, errors, "0", "user_id"):
        errors.raise_if_any()
    return user_id


async def _live(session: AsyncSession, model: Any, entity_id: int | None) -> Any:
    if entity_id is None:
        return None
    return await session.scalar(select(model).where(model.id == entity_id, model.is_deleted.is_(False)))


def _resolve(session: AsyncSession, principal: Principal, row: Unsorted, state: str, by: int,
             **extra: Any) -> None:
    stamp = now()
    row.state, row.resolved_at, row.resolved_by, row.updated_at = state, stamp, by, stamp
    event = {"accepted": "unsorted_accepted", "declined": "unsorted_declined", "linked": "unsorted_linked"}[state]
    record_many(session, principal, [unsorted_change(event, row, **extra)])


async def accept(session: AsyncSession, principal: Principal, uid: str, data: UnsortedAcceptIn) -> Unsorted:
    """The lead leaves Incoming for ``status_id`` (or the pipeline's first ordinary stage); ``user_id``
    (or the acting user) becomes responsible for the lead, contact and company; all three stop being
    unsorted."""
    row = await _waiting(session, principal, uid)
    user_id = _user(data.user_id, await users_map(session), principal)
    lead = await _live(session, Lead, row.lead_id)
    if lead is None:
        raise BadRequest(f"The lead of incoming lead {uid} was deleted; decline it instead")
    stages = await StageMap.load(session)
    status_id = data.status_id
    if status_id is None:
        status_id = stages.first.get(lead.pipeline_id)
        if status_id is None:
            raise BadRequest(f"Pipeline {lead.pipeline_id} has no ordinary stage")
    elif status_id == stages.incoming.get(lead.pipeline_id):
        raise ValidationFailed.single("status_id", "An incoming lead is accepted into another stage than "
                                                   "Incoming.")
    owner = (await users_map(session)).get(lead.responsible_user_id)
    if not rights.may_row(principal, "leads", "edit", lead.responsible_user_id, owner.group_id if owner else None,
                          stage=(lead.pipeline_id, status_id)):
        raise Forbidden(f"You may not move leads into stage {status_id}")
    system = _on_behalf(principal)
    await entities.update_many(session, system, LEAD_SPEC, [("0", {
        "id": lead.id, "pipeline_id": lead.pipeline_id, "status_id": status_id, "responsible_user_id": user_id})])
    lead.is_unsorted = False
    for spec, model, entity_id in ((CONTACT_SPEC, Contact, row.contact_id), (COMPANY_SPEC, Company, row.company_id)):
        part = await _live(session, model, entity_id)
        if part is None:
            continue
        await entities.update_many(session, system, spec, [("0", {"id": part.id, "responsible_user_id": user_id})])
        part.is_unsorted = False
    _resolve(session, principal, row, "accepted", principal.user_id, status_id=status_id, responsible_user_id=user_id)
    await session.flush()
    return row


async def _trash_parts(session: AsyncSession, principal: Principal, row: Unsorted, *, lead: bool,
                       contact: bool, company: bool) -> None:
    """Trash the incoming lead's own entities (contacts and companies only while still unsorted)."""
    system = _on_behalf(principal)
    for wanted, spec, model, entity_id in ((lead, LEAD_SPEC, Lead, row.lead_id),
                                           (contact, CONTACT_SPEC, Contact, row.contact_id),
                                           (company, COMPANY_SPEC, Company, row.company_id)):
        if not wanted:
            continue
        part = await _live(session, model, entity_id)
        if part is not None and (model is Lead or part.is_unsorted):
            await entities.trash(session, system, spec, [part.id])


async def decline(session: AsyncSession, principal: Principal, uid: str, data: UnsortedDeclineIn) -> Unsorted:
    """The incoming lead's lead, contact and company go to the trash (restorable, spec §24)."""
    row = await _waiting(session, principal, uid)
    by = _user(data.user_id, await users_map(session), principal)
    await _trash_parts(session, principal, row, lead=True, contact=True, company=True)
    _resolve(session, principal, row, "declined", by)
    await session.flush()
    return row


async def link(session: AsyncSession, principal: Principal, uid: str, data: UnsortedLinkIn) -> Linked:
    """Attach the incoming lead's contact (or ``link.metadata.contact_id``, an existing contact) to an
    existing lead; the incoming lead's own lead goes to the trash. The incoming contact and company become
    ordinary; when another contact was named they are trashed instead. The company is also attached to
    the lead when the lead has none."""
    row = await _waiting(session, principal, uid)
    users = await users_map(session)
    by = _user(data.user_id, users, principal)
    if data.link.entity_type == "customers":
        raise ValidationFailed.single("link.entity_type", "Customers are not available in Kanbo yet.",
                                      code="NotSupported")
    entity_id = data.link.entity_id
    chosen = data.link.metadata.contact_id if data.link.metadata is not None else None
    target = await _live(session, Lead, entity_id)
    if target is None or target.is_unsorted:
        raise ValidationFailed.single("link.entity_id", f"Lead {entity_id} not found.", code="NotFound")
    owner = users.get(target.responsible_user_id)
    if not rights.may_entity(principal, "leads", "edit", target, owner.group_id if owner else None):
        raise Forbidden(f"You may not edit lead {entity_id}")
    own_contact = await _live(session, Contact, row.contact_id)
    own_company = await _live(session, Company, row.company_id)
    if chosen is not None and chosen != row.contact_id:
        contact = await session.scalar(select(Contact).where(
            Contact.id == chosen, Contact.is_deleted.is_(False), *rights.visible(principal, "contacts")))
        if contact is None or contact.is_unsorted:
            raise ValidationFailed.single("link.metadata.contact_id", f"Contact {chosen} not found.",
                                          code="NotFound")
        contact_id: int | None = contact.id
        company_id: int | None = None
    else:
        contact_id = own_contact.id if own_contact is not None else None
        company_id = own_company.id if own_company is not None else None
    items: list[dict[str, Any]] = []
    if contact_id is not None:
        items.append({"to_entity_id": contact_id, "to_entity_type": "contacts"})
    if company_id is not None and target.company_id is None:
        items.append({"to_entity_id": company_id, "to_entity_type": "companies"})
    system = _on_behalf(principal)
    if items:
        await links.link(session, system, LEADS, [(str(i), item) for i, item in enumerate(items)],
                         fixed_id=target.id)
    if contact_id is not None and contact_id == row.contact_id:
        for part in (own_contact, own_company):
            if part is not None:
                part.is_unsorted = False
        await _trash_parts(session, principal, row, lead=True, contact=False, company=False)
    else:
        await _trash_parts(session, principal, row, lead=True, contact=True, company=True)
    _resolve(session, principal, row, "linked", by, linked_lead_id=target.id)
    await session.flush()
    return Linked(row, target.id, contact_id, company_id)
