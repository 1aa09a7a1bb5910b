"""Engine, sessions, portable column types and the tenancy rule.

Tenancy: every tenant table mixes in :class:`TenantMixin`. A session is bound to one account
(``bind_account``); a listener adds ``account_id = :account`` to every ORM SELECT, UPDATE and
DELETE it runs, and stamps the account on every new row it flushes. A session that is bound to
no account refuses to query tenant tables at all unless it is explicitly opened with
``unscoped`` (authentication look-ups, the CLI, migrations), so no query can forget the filter.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

from kanbo.config import get_settings

# Portable column types -----------------------------------------------------------------------
# SQLite only auto-increments an INTEGER PRIMARY KEY, PostgreSQL gets 64-bit ids.
IdType = BigInteger().with_variant(Integer(), "sqlite")
JsonType = JSON().with_variant(JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {int: BigInteger().with_variant(Integer(), "sqlite"), dict[str, Any]: JsonType}


class TenantMixin:
    """Rows that belong to one account. The account filter is applied by the session."""

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True, nullable=False
    )


class TenancyError(RuntimeError):
    """A tenant table was queried by a session bound to no account."""


ACCOUNT_KEY = "kanbo_account_id"
UNSCOPED_KEY = "kanbo_unscoped"


def bind_account(session: AsyncSession | Session, account_id: int) -> None:
    session.info[ACCOUNT_KEY] = account_id


def bound_account(session: AsyncSession | Session) -> int | None:
    return session.info.get(ACCOUNT_KEY)


@contextmanager
def unscoped(session: AsyncSession | Session) -> Iterator[None]:
    """Let a session read tenant tables across accounts for the duration of the block."""
    previous = session.info.get(UNSCOPED_KEY, False)
    session.info[UNSCOPED_KEY] = True
    try:
        yield
    finally:
        session.info[UNSCOPED_KEY] = previous


@event.listens_for(Session, "do_orm_execute")
def _apply_account_filter(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria below propagate to these loads
    account_id = state.session.info.get(ACCOUNT_KEY)
    if account_id is None:
        if state.session.info.get(UNSCOPED_KEY):
            return
        if _touches_tenant_table(state):
            raise TenancyError("a tenant table was queried by a session bound to no account")
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantMixin, lambda cls: cls.account_id == account_id, include_aliases=True)
    )


def _touches_tenant_table(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, TenantMixin) for mapper in state.all_mappers)


@event.listens_for(Session, "before_flush")
def _stamp_account(session: Session, flush_context: Any, instances: Any) -> None:
    account_id = session.info.get(ACCOUNT_KEY)
    for obj in session.new:
        if not isinstance(obj, TenantMixin):
            continue
        current = getattr(obj, "account_id", None)
        if current is None:
            if account_id is None:
                raise TenancyError(f"new {type(obj).__name__} has no account")
            obj.account_id = account_id
        elif account_id is not None and current != account_id:
            raise TenancyError(f"new {type(obj).__name__} belongs to another account")


# Engine ---------------------------------------------------------------------------------------
WRITE_OPTION = "kanbo_write"


def create_engine(url: str | None = None) -> AsyncEngine:
    settings = get_settings().db
    url = url or settings.url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            directory = os.path.dirname(os.path.abspath(database))
            os.makedirs(directory, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": settings.busy_timeout_ms / 1000})
        _configure_sqlite(engine, settings.busy_timeout_ms)
        return engine
    return create_async_engine(url, pool_size=settings.pool_size, max_overflow=settings.pool_size, pool_pre_ping=True)


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing transaction takes the write lock up front, so two writers wait for each
        # other (busy timeout) instead of failing when a read lock cannot be upgraded.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


class Database:
    """The engine of one process and the two session factories (reading and writing)."""

    def __init__(self, url: str | None = None) -> None:
        self.engine = create_engine(url)
        self._read = async_sessionmaker(self.engine, expire_on_commit=False)
        self._write = async_sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool = True) -> AsyncSession:
        return (self._write if write else self._read)()

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends and rolls back on error."""
        async with self.session(write=write) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
