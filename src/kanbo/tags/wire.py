"""Tags on the wire (spec §18): the colour palette, entity-type names, the request and response models of
the tags API, tag references (``{"id"}``/``{"name"}``, a bare id or name) and how tag names compare
(case-insensitively, in Python and in SQL)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import Pool
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from kanbo.core.errors import Errors
from kanbo.http.query import as_list
from kanbo.http.wire import (
    BatchItem,
    Id,
    ListParams,
    OutModel,
    WireModel,
    hal_page,
    hal_written,
    kommo_code,
)
from kanbo.models.tags import Tag

# Kommo's tag palette (PHP TagColorsEnum): 6-hex without '#', upper case; any other value makes PHP throw.
TagColor = Literal[
    "EBEBEB", "D0D0D0", "F2DDF7", "D1A4DC", "FF8F92", "FFC8C8", "C7DB8C", "DDEBB5", "8699DA", "AABDFF", "FFCE5A",
    "FFE193", "90CDB0", "C6F4DE", "A9A5D7", "D8D5FF", "86C0FC", "832161", "6A0F49", "0C7C59", "10599D", "9D2B32",
    "247BA0",
]
TAG_COLORS: tuple[str, ...] = get_args(TagColor)

# Path / storage name (plural) → event entity type (singular).
ENTITY_TYPES: dict[str, str] = {"leads": "lead", "contacts": "contact", "companies": "company"}
_BY_SINGULAR = {singular: plural for plural, singular in ENTITY_TYPES.items()}

MAX_NAME = 255
I = TypeVar("I", bound=BatchItem)  # noqa: E741


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


# Scalars -------------------------------------------------------------------------------------------

def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _number_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


#: A colour of the palette, in any case (answered upper case).
Color = Annotated[TagColor, BeforeValidator(_upper)]
#: A tag name: trimmed, 1..255 characters; a number is taken as its digits.
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
                    BeforeValidator(_number_as_text)]

_ID: TypeAdapter[int] = TypeAdapter(Id)


def parse_id(value: Any) -> int | None:
    """A positive integer id: ``5``, ``5.0`` or ``"5"`` (form bodies) within BIGINT range; else None."""
    if isinstance(value, bool):
        return None
    try:
        number = _ID.validate_python(value)
    except ValidationError:
        return None
    return number if number > 0 else None


# Tag references (entity bodies: ``_embedded.tags``, ``tags_to_add``, ``tags_to_delete``) -------------

class TagRef(WireModel):
    """A tag by ``id`` or by ``name`` (a name that does not exist is created where tags are assigned).
    A bare id (``12``) or a bare name (``"VIP"``) is accepted too; with both keys the id wins and the
    name is not read (clients echo whole tag objects)."""

    id: Id | None = None
    name: TagName | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"id": data}
        if isinstance(data, str):
            return {"name": data}
        if isinstance(data, Mapping):
            if data.get("id") is not None:
                return {"id": data["id"]}
            if data.get("name") is not None:
                return {"name": data["name"]}
            raise PydanticCustomError("missing", "A tag needs an id or a name.")
        return data

    def item(self) -> dict[str, Any]:
        """The ``{"id": …}`` or ``{"name": …}`` item :class:`kanbo.tags.service.TagOps` holds."""
        return {"id": self.id} if self.id is not None else {"name": self.name}


def _one_as_list(value: Any) -> Any:
    return [value] if isinstance(value, Mapping) else value


#: A list of tag references; one tag object is a list of one.
TagRefs = Annotated[list[TagRef], BeforeValidator(_one_as_list)]


def parse_refs(raw: Any, prefix: str, errors: Errors, request_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A list of tag references → normalised ``{"id"}``/``{"name"}`` items and their error paths; every
    bad entry is reported under ``prefix`` (``tags_to_add.2.name``) and left out."""
    raw = _one_as_list(raw)
    if not isinstance(raw, list):
        errors.add(request_id, prefix, "This value should be of type array.", "InvalidType")
        return [], []
    items: list[dict[str, Any]] = []
    paths: list[str] = []
    for i, entry in enumerate(raw):
        path = f"{prefix}.{i}"
        try:
            ref = TagRef.model_validate(entry)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ".".join([path, *(str(part) for part in error["loc"])])
                errors.add(request_id, where, error["msg"], kommo_code(error["type"]))
            continue
        items.append(ref.item())
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


# The tags API: requests ----------------------------------------------------------------------------

class TagIn(BatchItem):
    """``POST /api/v4/{entity}/tags``: a name that exists (case-insensitively) answers the existing tag."""

    name: TagName
    color: Color | None = None


class TagChange(WireModel):
    """``PATCH /api/v4/{entity}/tags/{id}``: what to change; a key left out (or a null name) stays."""

    name: TagName | None = None
    color: Color | None = Field(None, description="A colour of the palette, or null for none; absent: unchanged")

    @property
    def recolours(self) -> bool:
        return "color" in self.model_fields_set


class TagUpdate(TagChange, BatchItem):
    """``PATCH /api/v4/{entity}/tags``: one tag to rename or recolour, by id."""

    id: Id


class TagDelete(BatchItem):
    """``DELETE /api/v4/{entity}/tags`` (a Kanbo extension): one tag, by id."""

    id: Id


def _ids(value: Any) -> Any:
    return None if value in (None, "") else as_list(value, path="filter[id]")


def _names(value: Any) -> Any:
    return None if value in (None, "") else as_list(value, split_commas=False, path="filter[name]")


class TagFilter(WireModel):
    model_config = ConfigDict(str_max_length=MAX_NAME)  # no tag has a longer name

    id: Annotated[list[Id] | None, BeforeValidator(_ids),
                  Field(description="Tag ids: filter[id]=5, filter[id][]=5&filter[id][]=7 or 5,7")] = None
    name: Annotated[list[str] | None, BeforeValidator(_names),
                    Field(description="Whole names, case-insensitively")] = None


class TagList(ListParams):
    """``GET /api/v4/{entity}/tags``: ``query`` is a substring of the name (so at most 255 characters)."""

    model_config = ConfigDict(str_max_length=MAX_NAME)
    orderable: ClassVar[tuple[str, ...]] = ()

    filter: TagFilter = Field(default_factory=TagFilter)  # type: ignore[assignment]


# The tags API: responses ---------------------------------------------------------------------------

class TagOut(OutModel):
    id: int
    name: str
    color: TagColor | None


class TagWritten(TagOut):
    request_id: str


#: The answer of a batch write: ``_total_items`` besides ``_links`` and ``_embedded.tags``.
TagsWritten = hal_written("TagsWritten", "tags", TagWritten, total=True)
TagsPage = hal_page("TagsPage", "tags", TagOut)


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
