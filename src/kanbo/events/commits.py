"""What happens when a transaction that recorded events commits: the events get their positions, and
everyone who waits for new events hears of it — in this process and, on PostgreSQL, in every other.

**Positions.** Each account's events are numbered 1, 2, 3… (``events.position``) in the order their
transactions *commit*. ``seq`` cannot serve as a cursor: it is taken when a row is inserted, so on
PostgreSQL a transaction holding event 41 may commit after another committed event 42, and a reader that
saw 42 and moved on would never see 41. Re-reading an overlap window would only shrink that hole (a
transaction may stay open longer than any window) and could not make ``Last-Event-ID`` exact. So the
numbers are given just before the commit (``before_commit``) from a per-account counter
(``counters``, ``events:<account id>``, :func:`kanbo.core.sequences.reserve`): the upsert locks the
counter's row until the transaction ends, so a second writer of the account gets its numbers only
after the first has committed. Whoever sees position *n* committed therefore sees every position below
it, and "after position *n*" misses nothing and repeats nothing. The lock is held only between that
statement and the commit; on SQLite writers are serialised anyway.

**Announcements.** After the commit, this process's subscribers (:func:`subscribe`) are called with the
account's id (``after_commit``). On PostgreSQL the transaction also sends ``NOTIFY kanbo_events`` with
the account's id as payload, which PostgreSQL delivers only if it commits; each process that has
subscribers ``LISTEN``s on one connection of its own (:func:`listening`) and calls the same subscribers.
``None`` instead of an account means "anything may have changed" (the listener has just (re)connected).
Subscribers poll as a safety net: a lost notification costs a poll interval, never an event.

The hooks act on the outermost transaction only: a savepoint's release is no commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, inspect, literal, select, text, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from kanbo.core.db import Database, IdType, bound_account
from kanbo.core.sequences import reserve
from kanbo.core.wakeups import PgListener
from kanbo.models.events import Event

log = logging.getLogger("kanbo")

CHANNEL = "kanbo_events"
_RECORDED = "kanbo_events_recorded"  # session.info: the events recorded in the open transaction
_COMMITTING = "kanbo_events_committing"  # session.info: the accounts whose events are being committed

Subscriber = Callable[[int | None], None]


def counter_name(account_id: int) -> str:
    """The counter that numbers an account's events: its value is the last position committed."""
    return f"events:{account_id}"


def recorded(session: Any, new_event: Event) -> None:
    """``record()`` tells the commit hooks about each event it adds (sync or async session)."""
    session.info.setdefault(_RECORDED, []).append(new_event)


# The commit hooks ---------------------------------------------------------------------------------

def _number(session: Session, events: list[Event]) -> set[int]:
    """Give the transaction's surviving events their positions, account by account; the accounts.

    A fixed number of statements per account whatever the number of events: the counter's upsert and,
    when some rows were flushed already, one UPDATE numbering them in ``seq`` order. It can select them
    as the account's rows without a position: every committed row has one, and no other transaction's
    uncommitted rows are visible. Rows still pending are inserted with theirs by the commit's flush."""
    bound = bound_account(session)
    by_account: dict[int, list[Event]] = {}
    for item in events:
        state = inspect(item)
        if not (state.pending or state.persistent) or state.deleted or state.session_id != session.hash_key:
            continue  # rolled back with a savepoint, or deleted again
        account_id = item.account_id if item.account_id is not None else bound
        if account_id is not None:  # else the flush refuses the row (kanbo.core.db)
            by_account.setdefault(account_id, []).append(item)
    with session.no_autoflush:
        for account_id in sorted(by_account):  # one order for every writer: no deadlock between counters
            batch = by_account[account_id]
            flushed = sorted((item for item in batch if inspect(item).persistent), key=lambda item: item.seq)
            first = reserve(session, counter_name(account_id), len(batch))
            if flushed:
                _number_flushed(session, account_id, first, len(flushed))
                for offset, item in enumerate(flushed):
                    set_committed_value(item, "position", first + offset)
            for offset, item in enumerate((item for item in batch if inspect(item).pending), start=len(flushed)):
                item.position = first + offset
    return set(by_account)


def _number_flushed(session: Session, account_id: int, first: int, count: int) -> None:
    offset = literal(first - 1, IdType)
    numbered = (select(Event.seq, (func.row_number().over(order_by=Event.seq) + offset).label("position"))
                .where(Event.account_id == account_id, Event.position.is_(None)).subquery())
    result = session.execute(update(Event).where(Event.seq == numbered.c.seq).values(position=numbered.c.position)
                             .execution_options(synchronize_session=False))
    if result.rowcount != count:  # type: ignore[attr-defined]
        raise RuntimeError(f"{result.rowcount} events without a position, {count} recorded: "  # type: ignore[attr-defined]
                           "events must be written through kanbo.events.service.record")


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    events = session.info.pop(_RECORDED, None)
    if not events:
        return
    accounts = _number(session, events)
    if accounts and session.get_bind().dialect.name == "postgresql":
        for account_id in sorted(accounts):
            session.execute(text("SELECT pg_notify(:channel, :account)"),
                            {"channel": CHANNEL, "account": str(account_id)})
    session.info[_COMMITTING] = accounts


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    accounts = session.info.pop(_COMMITTING, None)
    if accounts:
        wake_local(accounts)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost ended (committed or not): forget what it recorded
        session.info.pop(_RECORDED, None)
        session.info.pop(_COMMITTING, None)


# Installed on import: whoever can record an event has imported this module (events.service does).
for _name, _hook in (("before_commit", _before_commit), ("after_commit", _after_commit),
                     ("after_transaction_end", _after_transaction_end)):
    if not event.contains(Session, _name, _hook):
        event.listen(Session, _name, _hook)


# Subscribers ------------------------------------------------------------------------------------

_subscribers: set[Subscriber] = set()
_lock = threading.Lock()


def subscribe(subscriber: Subscriber) -> None:
    """Call ``subscriber(account_id)`` after every commit of events (``None``: any account may have
    new events). It may be called from any thread and must not block (set a :class:`Waker`)."""
    with _lock:
        _subscribers.add(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    with _lock:
        _subscribers.discard(subscriber)


def publish(account_id: int | None) -> None:
    with _lock:
        subscribers = list(_subscribers)
    for subscriber in subscribers:
        try:
            subscriber(account_id)
        except Exception:  # one broken subscriber must not keep the news from the others
            log.exception("an event subscriber failed")


def wake_local(accounts: set[int]) -> None:
    """This process's commits, announced to its subscribers (a test replaces it to play another process)."""
    for account_id in sorted(accounts):
        publish(account_id)


# Listening to other processes (PostgreSQL) --------------------------------------------------------

@dataclass
class _Listening:
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    users: int = 0


_listening: dict[str, _Listening] = {}


def _heard(payload: str | None) -> None:
    publish(int(payload) if payload is not None and payload.isdigit() else None)


@contextlib.asynccontextmanager
async def listening(db: Database) -> AsyncIterator[None]:
    """While the block runs, commits of other processes reach this process's subscribers (PostgreSQL;
    nothing on SQLite). However many blocks are open, a process listens on one connection per database."""
    if db.dialect != "postgresql":
        yield
        return
    url = db.engine.url.render_as_string(hide_password=False)
    shared = _listening.get(url)
    if shared is None:
        shared = _listening[url] = _Listening()
        listener = PgListener(url, CHANNEL, _heard)
        shared.task = asyncio.create_task(listener.run(shared.stop), name="kanbo-events-listener")
    shared.users += 1
    try:
        yield
    finally:
        shared.users -= 1
        if shared.users == 0:
            if _listening.get(url) is shared:
                del _listening[url]
            shared.stop.set()
            if shared.task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(shared.task, 10)
