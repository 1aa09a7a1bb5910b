"""Prefix match (``column`` starts with a text) that a b-tree index serves on both databases.

``LIKE 'abc%'`` uses an index on neither database as Kanbo configures them (SQLite's LIKE folds case,
PostgreSQL's depends on the collation), so a prefix is a range instead: ``low <= column < high``, where
``high`` is the smallest text greater than every text starting with ``low``. On PostgreSQL the range
uses the byte-wise ``text_pattern_ops`` operators (``~>=~``, ``~<~``), whatever the database collation,
so the index on the column must be declared with ``postgresql_ops={column: "text_pattern_ops"}``
(its equality ``=`` is served by the same index).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class prefix_range(FunctionElement[bool]):
    """``column`` starts with ``low`` (``low <= column < high``), compared byte-wise (code points)."""

    type = Boolean()
    name = "prefix_range"
    inherit_cache = True
    # A condition in itself: without this, SQLite (no native boolean) gets ``… AND column < ? = 1``,
    # which parses as ``(column < ?) = 1`` and leaves the index only the lower bound to search by.
    _is_implicitly_boolean = True


@compiles(prefix_range)
def _prefix_default(element: prefix_range, compiler: SQLCompiler, **kw: Any) -> str:
    column, low, high = list(element.clauses)
    return compiler.process(and_(column >= low, column < high).self_group(), **kw)


@compiles(prefix_range, "postgresql")
def _prefix_postgresql(element: prefix_range, compiler: SQLCompiler, **kw: Any) -> str:
    column, low, high = list(element.clauses)
    return compiler.process(and_(column.op("~>=~", is_comparison=True)(low),
                                 column.op("~<~", is_comparison=True)(high)).self_group(), **kw)


def successor(text: str) -> str | None:
    """The smallest string greater than every string that starts with ``text``."""
    while text:
        code = ord(text[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return text[:-1] + chr(code)
        text = text[:-1]
    return None


def starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    high = successor(prefix)
    if high is None:
        return column.is_not(None)
    return prefix_range(column, prefix, high)
