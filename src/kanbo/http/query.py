"""PHP-style query strings (``filter[...]``, ``order[...]``, ``with=``, ``page``/``limit``).

Accepted forms (spec §1.2, client-tolerance §6): ``a[]=1&a[]=2``, ``a[0]=1``, scalar ``a=1`` where a
list is expected, ``a[from]=1&a[to]=2``, nested ``filter[statuses][0][pipeline_id]=1``,
percent-encoded brackets, comma lists (``with=a,b``, ``with=a%2Cb``), repeated keys (both kept),
several ``order[...]`` keys at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import unquote_plus

from pydantic import Field, TypeAdapter, ValidationError

from kanbo.core.errors import BadRequest

Node = dict[str, Any]

MAX_INT = 2**63 - 1  # the largest value a BIGINT column holds

_LAX_INT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)])


def as_int(value: Any) -> int | None:
    """pydantic's lax integer (``5``, ``5.0``, ``"5"``, ``" 5 "``) within BIGINT range, else ``None``: for
    values whose type depends on data (a custom field's, a query parameter's), where no model stands."""
    if isinstance(value, bool):
        return None
    try:
        return _LAX_INT.validate_python(value)
    except ValidationError:
        pass
    try:  # an exponent (``1e18``) that names an integer, as a float would read it
        return _LAX_INT.validate_python(float(value)) if isinstance(value, str) else None
    except (ValueError, ValidationError):
        return None

# The largest OFFSET a list runs: more rows than any table holds, and with any limit far from the end
# of BIGINT (a page beyond it is empty: 204).
MAX_OFFSET = 2**53
MAX_PAGE = MAX_INT

# A query string or form body: at most this many parameters, and this many levels of brackets per key
# (``filter[a][b]`` has 2); more is a 400.
MAX_QUERY_PAIRS = 10_000
MAX_QUERY_DEPTH = 32
_MAX_INDEX_DIGITS = 18

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _split_key(key: str) -> list[str]:
    """``filter[id][]`` → ``["filter", "id", ""]``; malformed brackets keep the key literal."""
    bracket = key.find("[")
    if bracket <= 0:
        return [key]
    base, rest = key[:bracket], key[bracket:]
    segments = _SEGMENT.findall(rest)
    if "".join(f"[{s}]" for s in segments) != rest:
        return [key]
    return [base, *segments]


class _Multi(list[str]):
    """Values of a key given more than once (kept in order)."""


class _Node(dict[str, Any]):
    """A bracket level; ``next`` is the index ``[]`` appends at (one past the largest index key), kept as
    keys are added so that appending costs O(1) however many keys the level has."""

    __slots__ = ("next",)

    def __init__(self) -> None:
        super().__init__()
        self.next = 0

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        index = _index(key)
        if index is not None and index >= self.next:
            self.next = index + 1


def _index(key: str) -> int | None:
    """A key that is a list index: ASCII digits, few enough to be a number (``²`` or 5000 digits stay keys)."""
    if key.isascii() and key.isdigit() and len(key) <= _MAX_INDEX_DIGITS:
        return int(key)
    return None


def _insert(tree: _Node, path: list[str], value: str) -> None:
    node = tree
    for i, segment in enumerate(path):
        last = i == len(path) - 1
        if segment == "":
            segment = str(node.next)
        if last:
            if segment in node:
                existing = node[segment]
                if isinstance(existing, _Multi):
                    existing.append(value)
                elif isinstance(existing, _Node):
                    existing.put(str(existing.next), value)
                else:
                    node[segment] = _Multi([existing, value])
            else:
                node.put(segment, value)
            return
        child = node.get(segment)
        if not isinstance(child, _Node):
            converted = _Node()
            if isinstance(child, _Multi):
                for j, v in enumerate(child):
                    converted.put(str(j), v)
            elif child is not None:
                converted.put("0", child)
            node.put(segment, converted)
            child = converted
        node = child


def _finish(value: Any) -> Any:
    """Dicts keyed 0..n-1 become lists (in index order); repeated keys become lists.

    Other integer keys stay keys: ``filter[custom_fields_values][1277732][]=x`` is keyed by a field id.
    Recursion is bounded by :data:`MAX_QUERY_DEPTH`.
    """
    if isinstance(value, _Multi):
        return list(value)
    if isinstance(value, dict):
        finished = {k: _finish(v) for k, v in value.items()}
        items = _indexed_items(finished)
        return finished if items is None else items
    return value


def _indexed_items(node: dict[str, Any]) -> list[Any] | None:
    """The values of a level keyed exactly 0..n-1 (any order), in index order; None for any other keys."""
    indexes = [_index(k) for k in node]
    if not node or sorted(i for i in indexes if i is not None) != list(range(len(node))):
        return None
    by_index = dict(zip(indexes, node.values(), strict=True))
    return [by_index[i] for i in range(len(node))]


def decode_query_bytes(raw: bytes) -> str:
    """A raw query string: UTF-8 when it is (some clients send it unencoded), else Latin-1."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_query_string(raw: str | bytes) -> Node:
    """A PHP-style query string or form body as nested dicts and lists, in linear time.

    At most :data:`MAX_QUERY_PAIRS` parameters and :data:`MAX_QUERY_DEPTH` levels of brackets per key;
    more is a 400 (``BadRequest``) naming the limit.
    """
    if isinstance(raw, bytes):
        raw = decode_query_bytes(raw)
    tree = _Node()
    count = 0
    for pair in raw.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key = unquote_plus(key)
        if not key:
            continue
        count += 1
        if count > MAX_QUERY_PAIRS:
            raise BadRequest(f"Too many parameters: at most {MAX_QUERY_PAIRS} are accepted")
        path = _split_key(key)
        if len(path) > MAX_QUERY_DEPTH + 1:
            raise BadRequest(f"Parameter {path[0][:50]!r} has too many levels of brackets: "
                             f"at most {MAX_QUERY_DEPTH} are accepted")
        text = unquote_plus(value)
        if "\x00" in text or "\x00" in key:
            raise BadRequest("Query values may not contain NUL characters")
        _insert(tree, path, text)
    return {k: _finish(v) for k, v in tree.items()}


def parse_form_body(raw: str | bytes) -> Node | list[Any]:
    """A PHP-style form body: read like a query string, except that fields keyed 0..n-1 at the top level
    are a list, as PHP's ``$_POST`` reads them: ``0[name]=A&1[name]=B`` is a batch of two objects."""
    tree = parse_query_string(raw)
    items = _indexed_items(tree)
    return tree if items is None else items


# Typed accessors ------------------------------------------------------------------------------

def unreadable(path: str, expected: str = "a value or a list of values") -> BadRequest:
    """The answer to a known parameter whose shape cannot be read: never drop it silently."""
    return BadRequest(f"{path}: this parameter's shape cannot be read; expected {expected}")


def as_list(value: Any, *, split_commas: bool = True, path: str = "query parameter") -> list[str]:
    """A scalar, a list (``k[]=1&k[]=2``), an indexed dict (``k[5]=1``) or a comma list → non-empty strings.

    Anything deeper (``k[from][to]=1``, ``k[a]=1``) is not a list of values: 400 naming ``path``."""
    if value is None:
        return []
    if isinstance(value, dict):
        if not all(key.isascii() and key.isdigit() for key in value):
            raise unreadable(path)
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise unreadable(path)
        if item is None:
            continue
        text = str(item)
        parts = text.split(",") if split_commas else [text]
        out.extend(p.strip() for p in parts if p.strip() != "")
    return out


def as_int_list(value: Any, path: str) -> list[int]:
    return [to_int(item, path) for item in as_list(value, path=path)]


def to_int(value: Any, path: str) -> int:
    """An integer from a query value (``5``, ``"5"``, ``"5.0"``) within the range of the database."""
    number = as_int(value)
    if number is None:
        raise BadRequest(f"{path}: '{value}' is not an integer in range")
    return number


@dataclass(frozen=True)
class Range:
    start: int | None
    end: int | None


def as_range(value: Any, path: str) -> Range:
    """``x[from]=1&x[to]=2`` or a single value (an exact match)."""
    if isinstance(value, dict):
        if not set(value) <= {"from", "to"}:
            raise unreadable(path, "x[from]=… and/or x[to]=…, or a single value")
        start = value.get("from")
        end = value.get("to")
        return Range(
            to_int(start, f"{path}[from]") if start not in (None, "") else None,
            to_int(end, f"{path}[to]") if end not in (None, "") else None,
        )
    if isinstance(value, list):
        if len(value) > 2:
            raise unreadable(path, "x[from]=… and/or x[to]=…, or a single value")
        if len(value) == 2:
            return Range(to_int(value[0], path), to_int(value[1], path))
        value = value[0] if value else None
    if value in (None, ""):
        return Range(None, None)
    exact = to_int(value, path)
    return Range(exact, exact)


@dataclass
class ListQuery:
    """What a list endpoint needs from the query string."""

    params: Node
    page: int = 1
    limit: int = 50
    with_: frozenset[str] = frozenset()
    filter: Node = field(default_factory=dict)
    order: list[tuple[str, str]] = field(default_factory=list)

    @property
    def offset(self) -> int:
        """Rows before the page; capped at :data:`MAX_OFFSET`, past any table, so that a huge page is an
        empty one (204) rather than an OFFSET the database cannot hold."""
        return min((self.page - 1) * self.limit, MAX_OFFSET)

    def has(self, name: str) -> bool:
        return name in self.with_

    def text(self, name: str) -> str | None:
        value = self.params.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        if isinstance(value, dict):
            return None
        return value


_STRUCTURED = ("filter", "order")


def refuse_malformed_keys(params: Node) -> None:
    """``filter[id]]=1`` or ``order[id=desc``: a known parameter with brackets that cannot be read."""
    for key in params:
        if "[" in key or "]" in key:
            base = key.split("[", 1)[0]
            if base in _STRUCTURED:
                raise unreadable(key, f"{base}[NAME]=… with balanced brackets")


def page_number(value: Any) -> int:
    """``page``: a positive integer; one of more digits than BIGINT holds is a page past any end
    (:data:`MAX_PAGE`), so it answers 204 like any other page after the last."""
    if isinstance(value, list):
        value = value[-1] if value else None
    if isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit() and len(digits.lstrip("0")) > 18:
            return MAX_PAGE
    return min(_positive_int(value, "page", 1), MAX_PAGE)


def _positive_int(value: Any, name: str, default: int) -> int:
    if isinstance(value, list):
        value = value[-1] if value else None
    if value in (None, "") or isinstance(value, dict):
        return default
    number = to_int(value, name)
    if number < 1:
        raise BadRequest(f"{name} must be a positive integer")
    return number


def parse_order(value: Any, orderable: Iterable[str]) -> list[tuple[str, str]]:
    """``order[updated_at]=desc&order[id]=asc`` → ``[("updated_at", "desc"), ("id", "asc")]``."""
    allowed = set(orderable)
    if value in (None, ""):
        return []
    if not isinstance(value, dict):
        raise unreadable("order", "order[FIELD]=asc|desc")
    result = []
    for key, direction in value.items():
        if isinstance(direction, list):
            direction = direction[-1] if direction else "asc"
        if isinstance(direction, (dict, list)):
            raise unreadable(f"order[{key}]", "asc or desc")
        text = str(direction).lower()
        if text not in ("asc", "desc"):
            raise BadRequest(f"order[{key}] must be asc or desc")
        if key not in allowed:
            raise BadRequest(f"order[{key}] is not supported; use one of: {', '.join(sorted(allowed)) or 'none'}")
        result.append((key, text))
    return result
