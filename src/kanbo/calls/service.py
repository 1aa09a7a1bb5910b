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

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.core.errors import Errors, FieldError, Forbidden, ItemErrors, KanboError, ValidationFailed
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.core.values import as_int
from kanbo.custom_fields.values import find_by_identity
from kanbo.entities.fields import UserInfo, actor_field, int_field, text_field, user_field, users_map
from kanbo.models.accounts import Account
from kanbo.models.entities import Lead, LeadContact
from kanbo.notes.service import add_note
from kanbo.unsorted.service import add_incoming

NOTE_TYPES = {"inbound": "call_in", "outbound": "call_out"}
CLOSED = (142, 143)


@dataclass
class Call:
    request_id: str
    direction: str
    phone: str
    duration: int
    source: str
    uniq: str | None = None
    link: str | None = None
    call_result: str | None = None
    call_status: int | None = None
    call_responsible: int | str | None = None
    responsible_user_id: int | None = None
    created_by: int | None = None
    created_at: int | None = None

    def params(self) -> dict[str, Any]:
        responsible = self.call_responsible if self.call_responsible is not None else self.created_by
        params = {"uniq": self.uniq, "duration": self.duration, "source": self.source, "link": self.link,
                  "phone": self.phone, "call_result": self.call_result, "call_status": self.call_status,
                  "call_responsible": responsible}
        return {key: value for key, value in params.items() if value is not None}


@dataclass
class Placed:
    request_id: str
    note_id: int
    entity_type: str
    entity_id: int


def _blank(item: dict[str, Any], key: str, errors: Errors, request_id: str) -> bool:
    if item.get(key) in (None, ""):
        errors.add(request_id, key, "This value should not be blank.", "NotBlank")
        return True
    return False


def parse_call(request_id: str, item: dict[str, Any], users: dict[int, UserInfo]) -> tuple[Call | None, Errors]:
    """A valid call, or ``None`` and the item's problems."""
    local = Errors()
    direction = item.get("direction")
    if not _blank(item, "direction", local, request_id) and direction not in NOTE_TYPES:
        local.add(request_id, "direction", "The value you selected is not a valid choice (inbound, outbound).",
                  "NotSupportedChoice")
    phone = None if _blank(item, "phone", local, request_id) else text_field(item, "phone", local, request_id)
    if phone is not None and not re.search(r"\d", phone):
        local.add(request_id, "phone", "This value is not a valid phone number.", "InvalidValue")
    duration = None if _blank(item, "duration", local, request_id) else int_field(item, "duration", local, request_id)
    source = None if _blank(item, "source", local, request_id) else text_field(item, "source", local, request_id)
    call_status = int_field(item, "call_status", local, request_id)
    if call_status is not None and not 1 <= call_status <= 8:
        local.add(request_id, "call_status", "This value should be between 1 and 8.", "InvalidValue")
    responsible: int | str | None = None
    raw_responsible = item.get("call_responsible")
    if raw_responsible not in (None, ""):
        number = as_int(raw_responsible) if not isinstance(raw_responsible, str) else None
        responsible = number if number is not None else text_field(item, "call_responsible", local, request_id)
    call = Call(
        request_id=request_id, direction=str(direction), phone=phone or "", duration=duration or 0,
        source=source or "", uniq=text_field(item, "uniq", local, request_id),
        link=text_field(item, "link", local, request_id, max_length=2048) or None,
        call_result=text_field(item, "call_result", local, request_id, max_length=65535),
        call_status=call_status, call_responsible=responsible,
        responsible_user_id=user_field(item, "responsible_user_id", local, request_id, users),
        created_by=actor_field(item, "created_by", local, request_id, users),
        created_at=int_field(item, "created_at", local, request_id),
    )
    return (None if local else call), local


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

async def _note(session: AsyncSession, principal: Principal, call: Call, entity_type: str, entity_id: int) -> Any:
    try:
        note = await add_note(session, principal, entity_type, entity_id, NOTE_TYPES[call.direction], call.params(),
                              check_rights=False, created_by=call.created_by)
    except ValidationFailed as failure:  # the note's params.<key> is the call's <key>
        raise ValidationFailed([ItemErrors(call.request_id, [
            FieldError(e.code, e.path.removeprefix("params."), e.detail) for entry in failure.items
            for e in entry.errors])]) from None
    if call.responsible_user_id is not None:
        note.responsible_user_id = call.responsible_user_id
    if call.created_at is not None:
        note.created_at = call.created_at
    return note


def _incoming_item(call: Call) -> dict[str, Any]:
    """The sip incoming lead a call from an unknown number becomes."""
    metadata = {"phone": call.phone, "called_at": call.created_at if call.created_at is not None else now(),
                "duration": call.duration, "link": call.link, "service_code": call.source,
                "uniq": call.uniq or str(uuid.uuid4()), "call_responsible": call.params().get("call_responsible"),
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


async def place_call(session: AsyncSession, principal: Principal, call: Call, country: str) -> Placed:
    match = await match_phone(session, principal, call.phone, country)
    if match is None:
        if not rights.may(principal, "leads", "add"):
            raise Forbidden("Nobody has this phone number, and you may not add the incoming lead it would become")
        [(_, row)] = await add_incoming(session, principal, "sip", [(call.request_id, _incoming_item(call))])
        assert row.lead_id is not None
        note = await _note(session, principal, call, "leads", row.lead_id)
        return Placed(call.request_id, note.id, "leads", row.lead_id)
    entity_type, entity_id = match
    lead_id = await single_active_lead(session, principal, entity_type, entity_id)
    if lead_id is not None:
        entity_type, entity_id = "leads", lead_id
    note = await _note(session, principal, call, entity_type, entity_id)
    return Placed(call.request_id, note.id, entity_type, entity_id)


def _failure(request_id: str, error: KanboError) -> dict[str, Any]:
    errors = [e.as_dict() for entry in error.items for e in entry.errors] \
        if isinstance(error, ValidationFailed) else []
    return {"request_id": request_id, "detail": error.detail, "errors": errors}


async def add_calls(session: AsyncSession, principal: Principal, items: list[tuple[str, dict[str, Any]]]
                    ) -> tuple[list[Placed], list[dict[str, Any]]]:
    """Write every valid call; ``(placed calls, failures)`` both in request order."""
    users = await users_map(session)
    account = await session.get(Account, principal.account_id)
    country = account.country if account is not None else "US"
    placed: list[Placed] = []
    failures: list[dict[str, Any]] = []
    for request_id, item in items:
        call, problems = parse_call(request_id, item, users)
        if call is None:
            failures.append(_failure(request_id, ValidationFailed(problems.items())))
            continue
        try:
            async with session.begin_nested():
                placed.append(await place_call(session, principal, call, country))
        except KanboError as error:
            failures.append(_failure(request_id, error))
    return placed, failures
