"""The tenancy rule of kanbo.core.db: a session sees and writes exactly one account's rows."""

from __future__ import annotations

import uuid

import pytest
import pytest_asyncio
from sqlalchemy import delete, exists, func, insert, select, update

from kanbo.core.db import TenancyError, bind_account, bound_account, unscoped
from kanbo.models import Account, User, UserGroup
from tests.support.factories import make_tenant


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pair(db):
    """Accounts A and B, each with an admin and one group."""
    a, b = await make_tenant(db), await make_tenant(db)
    groups = {}
    for tenant in (a, b):
        async with db.transaction() as session:
            bind_account(session, tenant.id)
            group = UserGroup(name=f"Group of {tenant.account.subdomain}", uuid=str(uuid.uuid4()), created_at=1)
            session.add(group)
            await session.flush()
            groups[tenant.id] = group.id
    return a, b, groups


async def _name_of(db, user_id: int) -> str | None:
    async with db.session() as session:
        with unscoped(session):
            user = await session.get(User, user_id)
            return user.name if user else None


# Reading -----------------------------------------------------------------------------------------

async def test_bound_session_filters_every_query_shape(db, pair):
    a, b, groups = pair
    async with db.session() as session:
        bind_account(session, a.id)
        assert bound_account(session) == a.id
        assert [user.id for user in await session.scalars(select(User))] == [a.admin.id]
        assert set(await session.scalars(select(User.account_id))) == {a.id}
        assert list(await session.scalars(select(User.id).where(User.id == b.admin.id))) == []
        assert await session.scalar(select(func.count()).select_from(User).where(User.id == b.admin.id)) == 0
        assert await session.scalar(select(func.count(User.id)).where(User.id == b.admin.id)) == 0
        assert await session.scalar(select(select(User.id).where(User.id == b.admin.id).exists())) is False
        assert await session.scalar(select(select(User.id).where(User.id == a.admin.id).exists())) is True
        in_subquery = select(Account.id).where(Account.id.in_(select(User.account_id)))
        assert set(await session.scalars(in_subquery)) == {a.id}
        joined = select(UserGroup.account_id).join(User, User.account_id == UserGroup.account_id)
        assert set(await session.scalars(joined)) == {a.id}
        assert set(await session.scalars(select(UserGroup.id))) == {groups[a.id]}


async def test_session_get_of_another_accounts_row_is_none(db, pair):
    a, b, groups = pair
    async with db.session() as session:
        bind_account(session, a.id)
        assert await session.get(User, b.admin.id) is None
        assert await session.get(UserGroup, groups[b.id]) is None
        mine = await session.get(User, a.admin.id)
        assert mine is not None and mine.account_id == a.id


# Writing -----------------------------------------------------------------------------------------

async def test_update_and_delete_statements_do_not_reach_another_account(db, pair):
    a, b, groups = pair
    before = await _name_of(db, b.admin.id)
    async with db.transaction() as session:
        bind_account(session, a.id)
        result = await session.execute(update(User).where(User.id == b.admin.id).values(name="hijacked"))
        assert result.rowcount == 0  # type: ignore[attr-defined]
        result = await session.execute(update(User).values(updated_at=User.updated_at))
        assert result.rowcount == 1  # type: ignore[attr-defined]  # A's admin only
        result = await session.execute(delete(UserGroup).where(UserGroup.id == groups[b.id]))
        assert result.rowcount == 0  # type: ignore[attr-defined]
    assert await _name_of(db, b.admin.id) == before
    async with db.session() as session:
        bind_account(session, b.id)
        assert await session.get(UserGroup, groups[b.id]) is not None


async def test_bulk_update_by_primary_key_does_not_reach_another_account(db, pair):
    a, b, _ = pair
    before = await _name_of(db, b.admin.id)
    async with db.transaction() as session:
        bind_account(session, a.id)
        await session.execute(update(User), [{"id": b.admin.id, "name": "bulk"}, {"id": a.admin.id, "name": "Mine"}])
    assert await _name_of(db, b.admin.id) == before
    assert await _name_of(db, a.admin.id) == "Mine"


async def test_new_rows_get_the_account_stamped(db, pair):
    a, _, _ = pair
    async with db.transaction() as session:
        bind_account(session, a.id)
        group = UserGroup(name="Stamped", uuid=str(uuid.uuid4()), created_at=1)
        session.add(group)
        await session.flush()
        assert group.account_id == a.id
        await session.execute(insert(UserGroup), [{"name": "Bulk stamped", "uuid": "u", "created_at": 1}])
        stamped = await session.scalar(select(UserGroup.account_id).where(UserGroup.name == "Bulk stamped"))
        assert stamped == a.id


async def test_new_row_of_another_account_raises(db, pair):
    a, b, _ = pair
    async with db.session() as session:
        bind_account(session, a.id)
        session.add(UserGroup(account_id=b.id, name="Intruder", uuid=str(uuid.uuid4()), created_at=1))
        with pytest.raises(TenancyError, match="another account"):
            await session.flush()
    async with db.session() as session:
        bind_account(session, a.id)
        with pytest.raises(TenancyError, match="another account"):
            await session.execute(insert(UserGroup).values(account_id=b.id, name="Intruder", uuid="u", created_at=1))
        with pytest.raises(TenancyError, match="another account"):
            await session.execute(insert(UserGroup), [{"account_id": b.id, "name": "x", "uuid": "u", "created_at": 1}])


async def test_unbound_new_row_needs_an_explicit_account(db, pair):
    a, _, _ = pair
    async with db.session() as session:
        session.add(UserGroup(name="Orphan", uuid=str(uuid.uuid4()), created_at=1))
        with pytest.raises(TenancyError, match="has no account"):
            await session.flush()
    async with db.session() as session:
        with pytest.raises(TenancyError, match="no account"):
            await session.execute(insert(UserGroup).values(name="Orphan", uuid="u", created_at=1))
    async with db.transaction() as session:
        group = UserGroup(account_id=a.id, name="Explicit", uuid=str(uuid.uuid4()), created_at=1)
        session.add(group)
        await session.flush()
        assert group.account_id == a.id


# Unbound sessions --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "make",
    [
        lambda: select(User),
        lambda: select(User.id),
        lambda: select(func.count()).select_from(User),
        lambda: select(func.count(UserGroup.id)),
        lambda: select(Account.id).join(User, User.account_id == Account.id),
        lambda: select(Account.id).where(Account.id.in_(select(User.account_id))),
        lambda: select(exists().where(User.email == "x@example.com")),
        lambda: select(User.__table__.c.id),
        lambda: update(User).values(name="x"),
        lambda: delete(UserGroup),
    ],
    ids=["entity", "column", "count-select-from", "count", "join", "subquery", "core-exists", "core-table",
         "update", "delete"],
)
async def test_unbound_session_querying_a_tenant_table_raises(db, pair, make):
    async with db.session() as session:
        with pytest.raises(TenancyError):
            await session.execute(make())


async def test_unbound_session_get_raises(db, pair):
    _, b, _ = pair
    async with db.session() as session:
        with pytest.raises(TenancyError):
            await session.get(User, b.admin.id)


async def test_unbound_session_may_read_global_tables(db, pair):
    a, _, _ = pair
    async with db.session() as session:
        assert await session.scalar(select(Account.subdomain).where(Account.id == a.id)) == a.account.subdomain


async def test_unscoped_allows_reading_across_accounts(db, pair):
    a, b, _ = pair
    async with db.session() as session:
        with unscoped(session):
            accounts = set(await session.scalars(select(User.account_id).where(User.id.in_([a.admin.id, b.admin.id]))))
            assert accounts == {a.id, b.id}
            assert await session.get(User, b.admin.id) is not None
        with pytest.raises(TenancyError):  # only for the duration of the block
            await session.execute(select(User.id))
        bind_account(session, a.id)
        with unscoped(session):  # also lifts the filter of a bound session
            assert await session.scalar(select(User.id).where(User.id == b.admin.id)) == b.admin.id
        assert await session.scalar(select(User.id).where(User.id == b.admin.id)) is None


async def test_bound_session_refuses_core_statements_it_cannot_filter(db, pair):
    a, b, _ = pair
    async with db.session() as session:
        bind_account(session, a.id)
        with pytest.raises(TenancyError, match="Core statement"):
            await session.execute(select(User.__table__.c.id))
        with pytest.raises(TenancyError, match="Core statement"):
            await session.execute(select(exists().where(User.id == b.admin.id)))
