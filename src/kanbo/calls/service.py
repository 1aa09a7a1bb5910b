"""Calls (spec §13): each call becomes a ``call_in``/``call_out`` note on the card it belongs to.

Unlike entity batches, a calls batch is not atomic (as Kommo): an item that fails validation, or
whose note cannot be written, is listed in ``errors`` and the others are saved. Each item is written
inside its own savepoint, so a failure leaves nothing of that item behind.

Finding the card: the call's phone is looked up among the phones of contacts and companies by the
one phone rule (``custom_fields/phones.py``, through ``find_by_identity``): the same E.164 digits
(with or without ``+``, ``00``, ``810``), the national form in the account's country, or — for 7
digits or more — the end of a stored number. Exact matches win over numbers that only end with the
call's digits, then contacts over companies, the oldest first. A card with exactly one active lead
(not won, lost or deleted) gets the note on that lead; otherwise the note goes on the contact or
company itself (Kommo's rule).

When nobody has the number, the call becomes an incoming lead of category ``sip`` (a new unsorted
lead with a contact holding the number) and the note goes on its lead.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.calls.wire import CallIn, CallItem
from kanbo.core.errors import Errors, FieldError, Forbidden, ItemErrors, KanboError, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.custom_fields.values import find_by_identity
from kanbo.entities.users import UserInfo, active_user, known_actor, users_map
from kanbo.models.accounts import Account
from kanbo.models.entities import Lead, LeadContact
from kanbo.notes.service import add_note
from kanbo.unsorted.service import add_incoming

NOTE_TYPES = {"inbound": "call_in", "outbound": "call_out"}
CLOSED = (142, 143)


def _request_id(call: CallIn) -> str:
    return call.request_id or "0"


def call_params(call: CallIn) -> dict[str, Any]:
    """The note's ``params``: the call's keys; ``call_responsible`` defaults to ``created_by``."""
    responsible = call.call_responsible if call.call_responsible is not None else call.created_by
    params = {"uniq": call.uniq, "duration": call.duration, "source": call.source, "link": call.link or None,
              "phone": call.phone, "call_result": call.call_result, "call_status": call.call_status,
              "call_responsible": responsible}
    return {key: value for key, value in params.items() if value is not None}


@dataclass
class Placed:
    request_id: str
    note_id: int
    entity_type: str
    entity_id: int


def check_call(call: CallIn, users: dict[int, UserInfo]) -> Errors:
    """The checks that need the account: ``responsible_user_id`` names an active user, ``created_by`` a
    user or the robot (0)."""
    problems = Errors()
    active_user(call.responsible_user_id, users, problems, _request_id(call), "responsible_user_id")
    known_actor(call.created_by, users, problems, _request_id(call), "created_by")
    return problems


# Finding the card ------------------------------------------------------------------------------

async def match_phone(session: AsyncSession, principal: Principal, phone: str, country: str) -> tuple[str, int] | None:
    """The card having this phone by the phone rule (the best match first) among those the caller may see;
    ``None`` when nobody has it, or only cards the caller may not see (never reveal those)."""
    found = await find_by_identity(session, phones=[phone], emails=[], country=country)
    visible: set[tuple[str, int]] = set()
    for entity_type in {kind for kind, _ in found}:
        model = rights.MODELS[entity_type]
        ids = [entity_id for kind, entity_id in found if kind == entity_type]
        visible |= {(entity_type, entity_id) for entity_id in await session.scalars(
            select(model.id).where(model.id.in_(ids), *rights.visible(principal, entity_type)))}
    return next((match for match in found if match in visible), None)


async def single_active_lead(session: AsyncSession, principal: Principal, entity_type: str,
                             entity_id: int) -> int | None:
    """The id of the card's only active lead the caller may see, or ``None`` when it has none or several."""
    active = [Lead.is_deleted.is_(False), Lead.status_id.not_in(CLOSED), *rights.visible(principal, "leads")]
    if entity_type == "contacts":
        statement = select(Lead.id).join(LeadContact, LeadContact.lead_id == Lead.id) \
            .where(LeadContact.contact_id == entity_id, *active)
    else:
        statement = select(Lead.id).where(Lead.company_id == entity_id, *active)
    ids = list(await session.scalars(statement.limit(2)))
    return ids[0] if len(ids) == 1 else None


# Writing ---------------------------------------------------------------------------------------

async def _note(session: AsyncSession, principal: Principal, call: CallIn, entity_type: str, entity_id: int) -> Any:
    try:
        note = await add_note(session, principal, entity_type, entity_id, NOTE_TYPES[call.direction], call_params(call),
                              check_rights=False, created_by=call.created_by)
    except ValidationFailed as failure:  # the note's params.<key> is the call's <key>
        raise ValidationFailed([ItemErrors(_request_id(call), [
            FieldError(e.code, e.path.removeprefix("params."), e.detail) for entry in failure.items
            for e in entry.errors])]) from None
    if call.responsible_user_id is not None:
        note.responsible_user_id = call.responsible_user_id
    if call.created_at is not None:
        note.created_at = call.created_at
    return note


def _incoming_item(call: CallIn) -> dict[str, Any]:
    """The sip incoming lead a call from an unknown number becomes."""
    metadata = {"phone": call.phone, "called_at": call.created_at if call.created_at is not None else now(),
                "duration": call.duration, "link": call.link, "service_code": call.source,
                "uniq": call.uniq or str(uuid.uuid4()), "call_responsible": call_params(call).get("call_responsible"),
                "from": call.phone}
    owner = {"responsible_user_id": call.responsible_user_id} if call.responsible_user_id is not None else {}
    contact = {"name": call.phone, **owner,
               "custom_fields_values": [{"field_code": "PHONE", "values": [{"value": call.phone,
                                                                              "enum_code": "WORK"}]}]}
    item: dict[str, Any] = {"source_uid": call.source, "source_name": call.source, "metadata": metadata,
                            "_embedded": {"leads": [dict(owner)], "contacts": [contact]}}
    if call.created_at is not None:
        item["created_at"] = call.created_at
    return item


async def place_call(session: AsyncSession, principal: Principal, call: CallIn, country: str) -> Placed:
    match = await match_phone(session, principal, call.phone, country)
    if match is None:
        if not rights.may(principal, "leads", "add"):
            raise Forbidden("Nobody has this phone number, and you may not add the incoming lead it would become")
        [(_, row)] = await add_incoming(session, principal, "sip", [(_request_id(call), _incoming_item(call))])
        assert row.lead_id is not None
        note = await _note(session, principal, call, "leads", row.lead_id)
        return Placed(_request_id(call), note.id, "leads", row.lead_id)
    entity_type, entity_id = match
    lead_id = await single_active_lead(session, principal, entity_type, entity_id)
    if lead_id is not None:
        entity_type, entity_id = "leads", lead_id
    note = await _note(session, principal, call, entity_type, entity_id)
    return Placed(_request_id(call), note.id, entity_type, entity_id)


def _failure(request_id: str, error: KanboError) -> dict[str, Any]:
    errors = [e.as_dict() for entry in error.items for e in entry.errors] \
        if isinstance(error, ValidationFailed) else []
    return {"request_id": request_id, "detail": error.detail, "errors": errors}


async def add_calls(session: AsyncSession, principal: Principal, items: Sequence[CallItem]
                    ) -> tuple[list[Placed], list[dict[str, Any]]]:
    """Write every valid call; ``(placed calls, failures)`` both in request order. An item that failed
    validation (its :class:`ItemErrors`) is a failure as it is."""
    users = await users_map(session)
    account = await session.get(Account, principal.account_id)
    country = account.country if account is not None else "US"
    placed: list[Placed] = []
    failures: list[dict[str, Any]] = []
    for call in items:
        if isinstance(call, ItemErrors):
            failures.append(_failure(call.request_id, ValidationFailed([call])))
            continue
        problems = check_call(call, users)
        if problems:
            failures.append(_failure(_request_id(call), ValidationFailed(problems.items())))
            continue
        try:
            async with session.begin_nested():
                placed.append(await place_call(session, principal, call, country))
        except KanboError as error:
            failures.append(_failure(_request_id(call), error))
    return placed, failures
