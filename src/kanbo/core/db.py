"""Engine, sessions, portable column types and the tenancy rule.

Tenancy: every tenant table mixes in :class:`TenantMixin`. A session is bound to one account
(``bind_account``); a listener adds ``account_id = :account`` to every ORM SELECT, UPDATE and
DELETE it runs (``session.get``, joins, ``select_from``, subqueries and bulk UPDATE by primary key
included), and stamps the account on every new row it flushes or inserts with ``insert(Model)``. A
session that is bound to no account refuses to touch tenant tables at all unless it is explicitly
opened with ``unscoped`` (authentication look-ups, the CLI, migrations), so no query can forget the
filter; ``unscoped`` also lifts the filter of a bound session for the duration of its block.

Core statements cannot carry the filter: in a bound session a statement that reaches a tenant table
only through ``Model.__table__`` or a bare ``exists()`` raises :class:`TenancyError` (build it from
the entity instead, e.g. ``select(Model.id).where(...).exists()``). ``text()`` SQL is never checked.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, cast

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import ClauseElement, TableClause

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
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria of the parent statement propagate to these loads
    if not (state.is_select or state.is_update or state.is_delete or state.is_insert):
        return
    if not _touches_tenant_table(state):
        return
    account_id = state.session.info.get(ACCOUNT_KEY)
    if state.is_insert:
        _check_insert(state, account_id)
        return
    if state.session.info.get(UNSCOPED_KEY):
        return
    if account_id is None:
        raise TenancyError("a tenant table was queried by a session bound to no account")
    if not state.is_orm_statement:
        # Loader criteria only reach ORM entities; a Core table or a bare ``exists()`` would not be
        # filtered, so it is refused (build it from the entity: ``select(Model.id).where(...).exists()``).
        raise TenancyError("a Core statement on a tenant table cannot be filtered by account; use ORM entities")
    statement = state.statement.options(
        with_loader_criteria(TenantMixin, lambda cls: cls.account_id == account_id, include_aliases=True)
    )
    if state.is_update and state.is_executemany:
        # ORM bulk UPDATE by primary key ignores loader criteria: name the account in the WHERE
        # clause (SQLAlchemy cannot synchronise the session's objects with extra criteria).
        entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
        if entity is None or not issubclass(entity, TenantMixin):
            raise TenancyError("bulk UPDATE of a tenant table needs an ORM entity")
        statement = statement.where(entity.account_id == account_id)  # type: ignore[attr-defined]
        state.update_execution_options(synchronize_session=None)
    state.statement = statement


def _tenant_tables() -> frozenset[str]:
    mappers = Base.registry.mappers
    cached = _TENANT_TABLES.get(len(mappers))
    if cached is None:
        cached = frozenset(
            table.name
            for mapper in mappers
            if issubclass(mapper.class_, TenantMixin)
            for table in mapper.tables
        )
        _TENANT_TABLES.clear()
        _TENANT_TABLES[len(mappers)] = cached
    return cached


_TENANT_TABLES: dict[int, frozenset[str]] = {}


def _touches_tenant_table(state: ORMExecuteState) -> bool:
    """Whether the statement reads or writes a tenant table anywhere: as an entity, in
    ``select_from``, a join, a subquery or an ``EXISTS`` (``all_mappers`` misses the last ones)."""
    if any(issubclass(mapper.class_, TenantMixin) for mapper in state.all_mappers):
        return True
    names = _tenant_tables()
    return any(
        isinstance(element, TableClause) and element.name in names
        for element in visitors.iterate(cast(ClauseElement, state.statement))
    )


def _check_insert(state: ORMExecuteState, account_id: int | None) -> None:
    """ORM ``insert(Model)`` statements follow the rules of new rows in a flush."""
    given: set[Any] = set()
    params: Any = state.parameters
    rows: list[Any] = list(params) if isinstance(params, (list, tuple)) else [params] if params else []
    for row in rows:
        if "account_id" in row:
            given.add(row["account_id"])
    values = getattr(state.statement, "_values", None) or {}
    for column, value in values.items():
        if getattr(column, "key", column) == "account_id":
            given.add(getattr(value, "value", value))
    for multi in getattr(state.statement, "_multi_values", ()) or ():
        for row in multi:
            if isinstance(row, dict):
                for column, value in row.items():
                    if getattr(column, "key", column) == "account_id":
                        given.add(getattr(value, "value", value))
    if account_id is None:
        if not given and not state.session.info.get(UNSCOPED_KEY):
            raise TenancyError("new rows of a tenant table have no account")
        return
    if given - {account_id}:
        raise TenancyError("new rows of a tenant table belong to another account")
    if not given:
        state.statement = state.statement.values(account_id=account_id)  # type: ignore[attr-defined]


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


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL as an absolute path; ``None`` for other databases and ``:memory:``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # the engine reports it
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return os.path.abspath(database)


def describe_database(url: str | None = None) -> str:
    """What to show people: a SQLite database's absolute file path, any other URL without its password."""
    url = url or get_settings().db.url
    try:
        return sqlite_file(url) or make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that cannot be read)"


def create_engine(url: str | None = None) -> AsyncEngine:
    settings = get_settings().db
    url = url or settings.url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if path is not None:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": settings.busy_timeout_ms / 1000},
                                     hide_parameters=True)
        _configure_sqlite(engine, settings.busy_timeout_ms)
        return engine
    # hide_parameters: database errors are logged without the bound values (passwords, personal data).
    return create_async_engine(url, pool_size=settings.pool_size, max_overflow=settings.pool_size, pool_pre_ping=True,
                               hide_parameters=True)


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
        # SQLite has one writer. The writing transactions of this process queue here, first come first
        # served, instead of polling the file lock (SQLite's busy handler sleeps up to 100 ms a try and
        # lets a newcomer overtake a writer that waited long). Other processes still meet the file lock.
        self._writer: asyncio.Lock | None = asyncio.Lock() if is_sqlite(self.engine) else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool = True) -> AsyncSession:
        return (self._write if write else self._read)()

    @asynccontextmanager
    async def writer(self, write: bool = True) -> AsyncIterator[None]:
        """Hold the process's turn to write (SQLite) for the block; nothing on PostgreSQL or for reads."""
        if self._writer is None or not write:
            yield
            return
        async with self._writer:
            yield

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends and rolls back on error."""
        async with self.writer(write), self.session(write=write) as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
