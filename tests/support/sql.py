"""Counting the SQL statements a request runs (lists must run a fixed number whatever the page size)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from kanbo.core.db import Database


@contextmanager
def count_statements(db: Database) -> Iterator[list[str]]:
    """Collect the statements sent to the database inside the block (transaction control left out)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's explicit BEGIN
            statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
