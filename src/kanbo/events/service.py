"""Recording events. Every mutating service calls :func:`record` inside the request's transaction."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.events import commits
from kanbo.models.events import Event
from kanbo.models.webhooks import EventOutbox

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def new_uid() -> str:
    """A ULID-shaped id (48-bit milliseconds + 80 random bits, Crockford base32, lowercase)."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


@dataclass
class Change:
    """One event to record: ``value_before``/``value_after`` are lists of one-key objects (spec §24)."""

    type: str
    entity_type: str
    entity_id: int
    before: list[dict[str, Any]] = field(default_factory=list)
    after: list[dict[str, Any]] = field(default_factory=list)


def actor_id(principal: Principal | None) -> int:
    return principal.user_id if principal is not None and principal.via != "system" else 0


def record(session: AsyncSession, principal: Principal | None, change: Change, *,
           cause_uid: str | None = None, at: int | None = None) -> Event:
    """Append one event and its outbox row (the webhook dispatcher's work) to the session. The event gets
    its position when the transaction commits, and the commit is announced (:mod:`kanbo.events.commits`)."""
    event = Event(
        uid=new_uid(), type=change.type, entity_type=change.entity_type, entity_id=change.entity_id,
        created_by=actor_id(principal), created_at=at if at is not None else now(),
        value_before=change.before, value_after=change.after, cause_uid=cause_uid,
    )
    session.add(event)
    session.add(EventOutbox(event=event, created_at=event.created_at))
    commits.recorded(session, event)
    return event


def record_many(session: AsyncSession, principal: Principal | None, changes: list[Change], *,
                cause_uid: str | None = None) -> list[Event]:
    stamp = now()
    return [record(session, principal, change, cause_uid=cause_uid, at=stamp) for change in changes]
