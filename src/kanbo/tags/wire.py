"""Tags on the wire (spec §18): the colour palette, entity-type names, validation of names, colours, ids
and tag references, and how tag names compare (case-insensitively, in Python and in SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import Pool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from kanbo.core.errors import Errors
from kanbo.core.values import as_int
from kanbo.models.tags import Tag

# Kommo's tag palette (PHP TagColorsEnum): 6-hex without '#', upper case; any other value makes PHP throw.
TAG_COLORS: tuple[str, ...] = (
    "EBEBEB", "D0D0D0", "F2DDF7", "D1A4DC", "FF8F92", "FFC8C8", "C7DB8C", "DDEBB5", "8699DA", "AABDFF", "FFCE5A",
    "FFE193", "90CDB0", "C6F4DE", "A9A5D7", "D8D5FF", "86C0FC", "832161", "6A0F49", "0C7C59", "10599D", "9D2B32",
    "247BA0",
)
_COLOR_SET = frozenset(TAG_COLORS)

# Path / storage name (plural) → event entity type (singular).
ENTITY_TYPES: dict[str, str] = {"leads": "lead", "contacts": "contact", "companies": "company"}
_BY_SINGULAR = {singular: plural for plural, singular in ENTITY_TYPES.items()}

MAX_NAME = 255


def tag_kind(entity_type: str) -> str:
    """``leads``/``lead`` → ``leads`` (the name stored in ``tags.entity_type``)."""
    if entity_type in ENTITY_TYPES:
        return entity_type
    plural = _BY_SINGULAR.get(entity_type)
    if plural is None:
        raise ValueError(f"tags are not supported for entity type {entity_type!r}")
    return plural


def singular(entity_type: str) -> str:
    return ENTITY_TYPES[tag_kind(entity_type)]


def fold(name: str) -> str:
    """The case-insensitive key of a tag name (the database side uses the same ``lower``)."""
    return name.lower()


def render_tag(tag: Tag) -> dict[str, Any]:
    return {"id": tag.id, "name": tag.name, "color": tag.color}


def parse_id(value: Any) -> int | None:
    """A positive integer id: ``5``, ``5.0`` or ``"5"`` (form bodies) within BIGINT range; else None."""
    number = as_int(value)
    return number if number is not None and number > 0 else None


def parse_name(value: Any, errors: Errors, request_id: str, path: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(request_id, path, "This value should be of type string.", "InvalidType")
        return None
    name = value.strip()
    if not name:
        errors.add(request_id, path, "This value should not be blank.", "NotBlank")
        return None
    if len(name) > MAX_NAME:
        errors.add(request_id, path, f"This value is too long ({MAX_NAME} characters at most).", "TooLong")
        return None
    return name


def parse_color(value: Any, errors: Errors, request_id: str, path: str) -> tuple[bool, str | None]:
    """``(ok, colour)``: null, or one of :data:`TAG_COLORS` in any case (returned upper case)."""
    if value is None:
        return True, None
    if isinstance(value, str) and value.upper() in _COLOR_SET:
        return True, value.upper()
    errors.add(request_id, path, f"The colour must be null or one of: {' '.join(TAG_COLORS)}.", "NotSupportedChoice")
    return False, None


def parse_refs(raw: Any, prefix: str, errors: Errors, request_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A list of tag references → normalised ``{"id"}``/``{"name"}`` items and their error paths."""
    if isinstance(raw, dict):
        raw = [raw]  # liberal: one tag object instead of a list
    if not isinstance(raw, list):
        errors.add(request_id, prefix, "This value should be of type array.", "InvalidType")
        return [], []
    items: list[dict[str, Any]] = []
    paths: list[str] = []
    for i, entry in enumerate(raw):
        path = f"{prefix}.{i}"
        if isinstance(entry, (int, float, str)) and not isinstance(entry, bool):
            # liberal: a bare id or a bare name
            entry = {"id": entry} if not isinstance(entry, str) else {"name": entry}
        if not isinstance(entry, dict):
            errors.add(request_id, path, "This value should be of type object.", "InvalidType")
            continue
        if entry.get("id") is not None:
            tag_id = parse_id(entry["id"])
            if tag_id is None:
                errors.add(request_id, f"{path}.id", "This value should be a positive integer.", "InvalidType")
                continue
            items.append({"id": tag_id})
        elif entry.get("name") is not None:
            name = parse_name(entry["name"], errors, request_id, f"{path}.name")
            if name is None:
                continue
            items.append({"name": name})
        else:
            errors.add(request_id, path, "A tag needs an id or a name.", "NotBlank")
            continue
        paths.append(path)
    return items, paths


def tag_ref(ref: Any) -> int | str | None:
    """A tag id (int), a tag name (str) or None for an unusable item (callers may build TagOps themselves)."""
    if not isinstance(ref, dict):
        return None
    if ref.get("id") is not None:
        return parse_id(ref["id"])
    name = ref.get("name")
    if isinstance(name, str) and name.strip() and len(name.strip()) <= MAX_NAME:
        return name.strip()
    return None


# Case-insensitive names in SQL: PostgreSQL's ``lower`` is Unicode-aware, SQLite's only folds ASCII, so
# SQLite connections get ``kanbo_lower`` (Python's ``str.lower``, as :func:`fold`).

class folded(FunctionElement[str]):
    """``lower(x)``; on SQLite the Unicode-aware ``kanbo_lower(x)`` (SQLite's own ``lower`` is ASCII-only)."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_default(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"kanbo_lower({compiler.process(element.clauses, **kw)})"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Pool, "checkout")
def _register_sqlite_lower(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Every SQLite connection gets ``kanbo_lower`` (also those opened before this module was imported)."""
    if record.info.get("kanbo_lower") or "sqlite" not in type(dbapi_connection).__module__:
        return
    dbapi_connection.create_function("kanbo_lower", 1, _lower, deterministic=True)
    record.info["kanbo_lower"] = True
