"""Event positions: each account's events numbered 1, 2, 3… in the order their transactions commit, and
every commit of events announced once, after the outermost commit."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from kanbo.core.db import Database, bind_account
from kanbo.core.principal import Principal
from kanbo.events import commits
from kanbo.events.service import Change, record
from kanbo.models.events import Event
from tests.support.factories import Tenant, make_tenant


def _principal(tenant: Tenant) -> Principal:
    return Principal(account_id=tenant.id, user_id=tenant.admin.id, is_admin=True, group_id=None)


async def _positions(db: Database, tenant: Tenant) -> list[tuple[int, int | None]]:
    """(entity_id, position) of the account's events, in ``seq`` order."""
    async with db.transaction(write=False) as session:
        bind_account(session, tenant.id)
        return [(row.entity_id, row.position) for row in await session.scalars(select(Event).order_by(Event.seq))]


async def _record(db: Database, tenant: Tenant, *entity_ids: int) -> None:
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        for entity_id in entity_ids:
            record(session, _principal(tenant), Change("lead_added", "lead", entity_id))


async def test_each_account_numbers_its_own_events_from_one(db: Database) -> None:
    first, second = await make_tenant(db), await make_tenant(db)
    await _record(db, first, 1, 2)
    await _record(db, second, 10)
    await _record(db, first, 3)
    assert await _positions(db, first) == [(1, 1), (2, 2), (3, 3)]
    assert await _positions(db, second) == [(10, 1)]


async def test_an_event_flushed_before_the_commit_gets_its_position_too(db: Database, tenant: Tenant) -> None:
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        record(session, _principal(tenant), Change("lead_added", "lead", 1))
        await session.flush()  # inserted without a position; numbered at the commit
        record(session, _principal(tenant), Change("lead_added", "lead", 2))
    assert await _positions(db, tenant) == [(1, 1), (2, 2)]


async def test_a_rolled_back_savepoint_leaves_no_gap(db: Database, tenant: Tenant,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    announced: list[set[int]] = []
    monkeypatch.setattr(commits, "wake_local", announced.append)
    async with db.transaction() as session:
        bind_account(session, tenant.id)
        record(session, _principal(tenant), Change("lead_added", "lead", 1))
        savepoint = await session.begin_nested()
        record(session, _principal(tenant), Change("lead_added", "lead", 2))
        await savepoint.rollback()
        async with session.begin_nested():  # a released savepoint is no commit: nothing announced yet
            record(session, _principal(tenant), Change("lead_added", "lead", 3))
        assert announced == []
    assert announced == [{tenant.id}]
    assert await _positions(db, tenant) == [(1, 1), (3, 2)]


async def test_a_transaction_that_fails_announces_nothing_and_takes_no_number(
        db: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    announced: list[set[int]] = []
    monkeypatch.setattr(commits, "wake_local", announced.append)
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            record(session, _principal(tenant), Change("lead_added", "lead", 1))
            raise RuntimeError("the request failed")
    await _record(db, tenant, 2)
    assert announced == [{tenant.id}]
    assert await _positions(db, tenant) == [(2, 1)]


async def test_positions_follow_the_commit_order_not_the_insert_order(db: Database, tenant: Tenant) -> None:
    """On PostgreSQL a transaction that inserted its event first may commit last: it is numbered last."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time: inserts and commits come in one order")
    early = db.session()
    try:
        await early.begin()
        bind_account(early, tenant.id)
        record(early, _principal(tenant), Change("lead_added", "lead", 1))
        await early.flush()  # the lower seq
        await _record(db, tenant, 2)  # inserted after, committed before
        await early.commit()
    finally:
        await early.close()
    assert await _positions(db, tenant) == [(1, 2), (2, 1)]


async def test_a_second_writer_of_the_account_waits_for_the_first_to_commit(db: Database, tenant: Tenant) -> None:
    """The counter's row lock: positions are taken at the commit and held until it, so a reader that sees
    position n committed sees every position below it."""
    if db.dialect != "postgresql":
        pytest.skip("the counter's row lock is PostgreSQL's; SQLite serialises whole writing transactions")
    first, second = db.session(), db.session()
    try:
        for session, entity_id in ((first, 1), (second, 2)):
            await session.begin()
            bind_account(session, tenant.id)
            record(session, _principal(tenant), Change("lead_added", "lead", entity_id))
            await session.flush()
        await first.run_sync(commits._before_commit)  # first takes its position: the counter is locked
        waiting = asyncio.create_task(second.commit())
        await asyncio.sleep(0.5)
        assert not waiting.done()  # second waits for first's commit
        await first.commit()
        await asyncio.wait_for(waiting, 10)
    finally:
        await first.close()
        await second.close()
    assert await _positions(db, tenant) == [(1, 1), (2, 2)]


async def test_an_event_written_around_record_is_refused_at_the_commit(db: Database, tenant: Tenant) -> None:
    with pytest.raises(RuntimeError, match=r"through kanbo\.events\.service\.record"):
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            session.add(Event(uid="stray", type="lead_added", entity_type="lead", entity_id=1, created_by=0,
                              created_at=0, value_before=[], value_after=[]))
            record(session, _principal(tenant), Change("lead_added", "lead", 2))
            await session.flush()
    assert await _positions(db, tenant) == []
