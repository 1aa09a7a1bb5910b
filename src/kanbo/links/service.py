"""Links between leads, contacts and companies (spec §17).

Stored where they belong: lead ↔ contacts in ``lead_contacts`` (with the main contact), lead → company
and contact → company as the row's ``company_id`` (at most one; a new link replaces the old one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Errors, Forbidden
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.entities.kinds import KINDS, EntityKind
from kanbo.entities.users import users_map
from kanbo.events.service import Change, record_many
from kanbo.http.wire import validate_object
from kanbo.links.wire import LINK_MODELS, LinkIn
from kanbo.models.entities import Contact, Lead, LeadContact

#: What :func:`link` and :func:`unlink` take: the typed items of the kind's wire models, or
#: ``(request_id, item)`` pairs built by other services (validated here by the same models).
LinkItems = Sequence[LinkIn | tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Link:
    entity_type: str
    entity_id: int
    to_entity_type: str
    to_entity_id: int
    metadata: dict[str, Any] | None = None

    def render(self, *, with_source: bool) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if with_source:
            body.update({"entity_id": self.entity_id, "entity_type": self.entity_type})
        body.update({"to_entity_id": self.to_entity_id, "to_entity_type": self.to_entity_type,
                     "metadata": self.metadata})
        return body


def _main_meta(is_main: bool) -> dict[str, Any]:
    return {"main_contact": is_main, "is_main": is_main}


async def visible_links(session: AsyncSession, principal: Principal, kind: EntityKind,
                        ids: list[int]) -> list[Link]:
    """The links of those of ``ids`` the principal may view (view right and, for leads, stage rights)."""
    model: Any = kind.model
    visible = list(await session.scalars(select(model.id).where(
        model.id.in_(ids), model.is_deleted.is_(False), *rights.visible(principal, kind.name, model))))
    return await links_of(session, kind, visible)


async def links_of(session: AsyncSession, kind: EntityKind, ids: list[int]) -> list[Link]:
    """Every link of these entities (fixed number of queries)."""
    result: list[Link] = []
    if not ids:
        return result
    name = kind.name
    if name == "leads":
        for lead_id, contact_id, is_main in await session.execute(
                select(LeadContact.lead_id, LeadContact.contact_id, LeadContact.is_main)
                .join(Contact, Contact.id == LeadContact.contact_id)
                .where(LeadContact.lead_id.in_(ids), Contact.is_deleted.is_(False)).order_by(LeadContact.contact_id)):
            result.append(Link(name, lead_id, "contacts", contact_id, _main_meta(is_main)))
        for lead_id, company_id in await session.execute(
                select(Lead.id, Lead.company_id).where(Lead.id.in_(ids), Lead.company_id.is_not(None))):
            result.append(Link(name, lead_id, "companies", company_id))
    elif name == "contacts":
        for contact_id, lead_id, is_main in await session.execute(
                select(LeadContact.contact_id, LeadContact.lead_id, LeadContact.is_main)
                .join(Lead, Lead.id == LeadContact.lead_id)
                .where(LeadContact.contact_id.in_(ids), Lead.is_deleted.is_(False)).order_by(LeadContact.lead_id)):
            result.append(Link(name, contact_id, "leads", lead_id, _main_meta(is_main)))
        for contact_id, company_id in await session.execute(
                select(Contact.id, Contact.company_id).where(Contact.id.in_(ids), Contact.company_id.is_not(None))):
            result.append(Link(name, contact_id, "companies", company_id))
    else:
        for model, to_type in ((Contact, "contacts"), (Lead, "leads")):
            for entity_id, company_id in await session.execute(
                    select(model.id, model.company_id).where(model.company_id.in_(ids), model.is_deleted.is_(False))
                    .order_by(model.id)):
                result.append(Link(name, company_id, to_type, entity_id))
    return result


@dataclass
class LinkRequest:
    request_id: str
    entity_id: int
    to_type: str
    to_id: int
    is_main: bool


def parse_requests(kind: EntityKind, items: LinkItems, fixed_id: int | None) -> list[LinkRequest]:
    """The links asked for; ``fixed_id`` is the path's entity (the one-entity forms), else each item
    names its own."""
    one, batch = LINK_MODELS[kind.name]
    parsed = []
    for index, entry in enumerate(items):
        if isinstance(entry, LinkIn):
            item = entry
        else:
            request_id, data = entry
            item = validate_object(one if fixed_id is not None else batch, {**data, "request_id": request_id},
                                   request_id=request_id)
        entity_id = fixed_id if fixed_id is not None else item.source_id()
        if entity_id is None:
            raise ValueError(f"link item {index} names no entity and no path id was given")
        parsed.append(LinkRequest(item.request_id or str(index), entity_id, item.to_entity_type, item.to_entity_id,
                                  item.is_main()))
    return parsed


async def _check_rows(session: AsyncSession, principal: Principal, kind: EntityKind, requests: list[LinkRequest],
                      errors: Errors) -> None:
    """Sources must be editable by the principal, targets must exist and be visible."""
    users = await users_map(session)
    wanted: dict[str, set[int]] = {kind.name: {r.entity_id for r in requests}}
    for r in requests:
        wanted.setdefault(r.to_type, set()).add(r.to_id)
    found: dict[str, dict[int, Any]] = {}
    for name, ids in wanted.items():
        model: Any = KINDS[name].model
        rows = await session.scalars(select(model).where(model.id.in_(ids), model.is_deleted.is_(False)))
        found[name] = {row.id: row for row in rows}
    for r in requests:
        for name, entity_id, action, path in ((kind.name, r.entity_id, "edit", "entity_id"),
                                              (r.to_type, r.to_id, "view", "to_entity_id")):
            row = found[name].get(entity_id)
            if row is None:
                errors.add(r.request_id, path, f"{KINDS[name].singular.capitalize()} {entity_id} not found.",
                           "NotFound")
                continue
            info = users.get(row.responsible_user_id)
            if not rights.may_entity(principal, name, action, row, info.group_id if info else None):
                raise Forbidden(f"You may not {action} {KINDS[name].singular} {entity_id}")


def _pair(kind_name: str, r: LinkRequest) -> tuple[str, int, str, int]:
    """Normalise to (owner type, owner id, other type, other id) of the storage."""
    if {kind_name, r.to_type} == {"leads", "contacts"}:
        return ("leads", r.entity_id, "contacts", r.to_id) if kind_name == "leads" else \
            ("leads", r.to_id, "contacts", r.entity_id)
    if r.to_type == "companies":
        return (kind_name, r.entity_id, "companies", r.to_id)
    return (r.to_type, r.to_id, "companies", r.entity_id)


def _changes(kind: str, owner_id: int, other_type: str, other_id: int, linked: bool) -> list[Change]:
    event = "entity_linked" if linked else "entity_unlinked"
    owner, other = KINDS[kind].singular, KINDS[other_type].singular
    value = [{"link": {"entity": {"id": other_id, "type": other}}}]
    back = [{"link": {"entity": {"id": owner_id, "type": owner}}}]
    return [Change(event, owner, owner_id, [] if linked else value, value if linked else []),
            Change(event, other, other_id, [] if linked else back, back if linked else [])]


async def link(session: AsyncSession, principal: Principal, kind: EntityKind, items: LinkItems,
               fixed_id: int | None = None) -> list[Link]:
    requests = parse_requests(kind, items, fixed_id)
    errors = Errors()
    await _check_rows(session, principal, kind, requests, errors)
    errors.raise_if_any()
    changes: list[Change] = []
    stamp = now()
    for r in requests:
        owner_type, owner_id, other_type, other_id = _pair(kind.name, r)
        if other_type == "contacts":
            existing = await session.scalar(select(LeadContact).where(LeadContact.lead_id == owner_id,
                                                                      LeadContact.contact_id == other_id))
            if r.is_main:
                await session.execute(update(LeadContact).where(LeadContact.lead_id == owner_id)
                                      .values(is_main=False))
            if existing is None:
                has_any = await session.scalar(select(LeadContact.contact_id)
                                               .where(LeadContact.lead_id == owner_id).limit(1))
                session.add(LeadContact(lead_id=owner_id, contact_id=other_id, is_main=r.is_main or has_any is None,
                                        created_at=stamp))
                changes += _changes("leads", owner_id, "contacts", other_id, True)
            elif r.is_main:
                existing.is_main = True
        else:
            model: Any = KINDS[owner_type].model
            previous = await session.scalar(select(model.company_id).where(model.id == owner_id))
            if previous != other_id:
                if previous is not None:
                    changes += _changes(owner_type, owner_id, "companies", previous, False)
                await session.execute(update(model).where(model.id == owner_id).values(company_id=other_id))
                changes += _changes(owner_type, owner_id, "companies", other_id, True)
        await session.flush()
    record_many(session, principal, changes)
    await session.flush()
    return [Link(kind.name, r.entity_id, r.to_type, r.to_id,
                 _main_meta(r.is_main) if "contacts" in (kind.name, r.to_type) and "leads" in (kind.name, r.to_type)
                 else None) for r in requests]


async def unlink(session: AsyncSession, principal: Principal, kind: EntityKind, items: LinkItems,
                 fixed_id: int | None = None) -> None:
    requests = parse_requests(kind, items, fixed_id)
    errors = Errors()
    await _check_rows(session, principal, kind, requests, errors)
    errors.raise_if_any()
    changes: list[Change] = []
    for r in requests:
        owner_type, owner_id, other_type, other_id = _pair(kind.name, r)
        if other_type == "contacts":
            gone = await session.execute(delete(LeadContact).where(LeadContact.lead_id == owner_id,
                                                                   LeadContact.contact_id == other_id))
            if getattr(gone, "rowcount", 0):
                changes += _changes("leads", owner_id, "contacts", other_id, False)
        else:
            model: Any = KINDS[owner_type].model
            gone = await session.execute(update(model).where(model.id == owner_id, model.company_id == other_id)
                                         .values(company_id=None))
            if getattr(gone, "rowcount", 0):
                changes += _changes(owner_type, owner_id, "companies", other_id, False)
    record_many(session, principal, changes)
    await session.flush()
