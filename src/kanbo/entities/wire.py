"""The wire of leads, contacts and companies: what the three share (spec §5.2-5.4, §6.2, §12.4).

Request models are lax where Kommo clients need it: PATCH bodies echo whole entities (read-only keys,
nulls, ``"_embedded": {}`` or PHP's ``[]``), numbers come as ``"12"`` or ``12.0``, a single object stands
for a list of one, tags are given by id or by name. Custom field *values* are checked per field type
against the account's definitions by :func:`kanbo.custom_fields.values.write_values` in the service;
the models here type their envelope. Responses are rendered as plain dicts by the functions at the end
and documented by :mod:`kanbo.entities.answers_wire`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from fastapi import Request
from pydantic import BeforeValidator, Field, StringConstraints, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from kanbo.core.errors import BadRequest
from kanbo.custom_fields.values import render_values
from kanbo.entities.kinds import EntityKind
from kanbo.entities.spec import ReadContext
from kanbo.http.body import read_json
from kanbo.http.hal import href
from kanbo.http.query import MAX_INT, as_list, unreadable
from kanbo.http.wire import (
    Amount,
    BatchItem,
    Id,
    ListParams,
    Timestamp,
    WireModel,
    documented_body,
    validate_batch,
)

# Scalars ----------------------------------------------------------------------------------------

#: An id that names a row (``0`` names none).
PositiveId = Annotated[int, Field(ge=1, le=MAX_INT)]
#: A 32-bit column (``score``, ``labor_cost``).
SmallCount = Annotated[int, Field(ge=0, le=2**31 - 1)]


def number_as_text(value: Any) -> Any:
    """``123`` or ``1.5`` where a text is expected is that text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


#: A short text (a ``VARCHAR(255)`` column): surrounding blanks are dropped.
Text = Annotated[str, BeforeValidator(number_as_text), StringConstraints(strip_whitespace=True, max_length=255)]


def one_or_many(value: Any) -> Any:
    """A single object where a list is expected is a list of one."""
    return [value] if isinstance(value, Mapping) else value


def empty_as_none(value: Any) -> Any:
    """PHP encodes an empty object as ``[]``: ``"_embedded": []`` is ``{}``."""
    return None if value == [] else value


# Tags ---------------------------------------------------------------------------------------------

def _bare_tag(value: Any) -> Any:
    """A bare id (``5``) or name (``"hot"``) stands for ``{"id": 5}`` / ``{"name": "hot"}``."""
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"id": value}
    return value


class EntityTagRef(WireModel):
    """A tag by ``id`` or by ``name`` (an unknown name creates the tag; the id wins when both are given)."""

    id: PositiveId | None = None
    name: Annotated[str, BeforeValidator(number_as_text),
                    StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] | None = None

    @model_validator(mode="after")
    def _id_or_name(self) -> EntityTagRef:
        if self.id is None and self.name is None:
            raise PydanticCustomError("missing", "A tag needs an id or a name.")
        return self

    def ref(self) -> dict[str, Any]:
        """The form the tags library takes."""
        return {"id": self.id} if self.id is not None else {"name": self.name}


TagRefs = Annotated[list[Annotated[EntityTagRef, BeforeValidator(_bare_tag)]], BeforeValidator(one_or_many)]


# Embedded links -----------------------------------------------------------------------------------

class EntityRefIn(WireModel):
    """``{"id": N}`` of an existing entity (echoed ``_links`` and the like are ignored)."""

    id: PositiveId


def at_most_one(value: list[Any] | None, what: str) -> list[Any] | None:
    if value is not None and len(value) > 1:
        raise PydanticCustomError("at_most_one", "A {what} has at most one company.", {"what": what})
    return value


class EntityEmbeddedIn(WireModel):
    """``_embedded`` of a write: ``tags`` replaces the whole set (``null`` or ``[]`` clears it). What an
    echoed entity carries besides (``companies`` of a company, ``loss_reason``…) is ignored."""

    tags: TagRefs | None = None


# Custom field values ------------------------------------------------------------------------------

class EntityFieldValues(WireModel):
    """One field of ``custom_fields_values``: ``field_id`` or ``field_code`` (echoed ``field_name`` and
    ``field_type`` are ignored) and its ``values`` (``null`` or ``[]`` clears the field). Each value is
    checked against the field's type by the service."""

    field_id: Id | None = None
    field_code: Annotated[str, StringConstraints(max_length=255)] | None = None
    values: Annotated[list[dict[str, Any]], BeforeValidator(one_or_many)] | None

    def raw(self) -> dict[str, Any]:
        """The form :func:`kanbo.custom_fields.values.write_values` takes."""
        return {"field_id": self.field_id, "field_code": self.field_code, "values": self.values}


FieldValuesIn = Annotated[list[EntityFieldValues], BeforeValidator(one_or_many)]


# Bodies -------------------------------------------------------------------------------------------

class EntityIn(BatchItem):
    """What every lead, contact and company body may carry. ``responsible_user_id`` must be an active
    user, ``created_by``/``updated_by`` a user or ``0`` (the robot); ``created_*`` count on create only."""

    name: Text | None = None
    responsible_user_id: Id | None = None
    created_by: Id | None = None
    updated_by: Id | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    custom_fields_values: FieldValuesIn | None = None
    tags_to_add: TagRefs | None = None
    tags_to_delete: TagRefs | None = None
    embedded: Annotated[EntityEmbeddedIn | None, BeforeValidator(empty_as_none)] = Field(None, alias="_embedded")

    def given(self, key: str) -> bool:
        """Did the body carry ``key`` (``null`` included)?"""
        return key in self.model_fields_set


class HasId(WireModel):
    """The ``id`` an item of a batch update names."""

    id: PositiveId


# List queries -------------------------------------------------------------------------------------
# A known parameter whose *shape* cannot be read (``filter[id][a]=1``, ``order=id``) is a 400 naming it,
# as :func:`kanbo.http.query.unreadable` words it; a value of the wrong type is a validation error at
# its path (``filter.id.0``).

def _path(info: ValidationInfo) -> str:
    return f"filter[{info.field_name}]"


def _values(split_commas: bool, path: str | None = None) -> BeforeValidator:
    """``k=1``, ``k[]=1&k[]=2``, ``k[0]=1`` or ``k=1,2`` → a list of non-empty strings."""

    def read(value: Any, info: ValidationInfo) -> Any:
        return as_list(value, split_commas=split_commas, path=path or _path(info))

    return BeforeValidator(read)


Ids = Annotated[list[Id], _values(True)]
Names = Annotated[list[str], _values(False)]
_RANGE = "x[from]=… and/or x[to]=…, or a single value"


def _bounds(value: Any, info: ValidationInfo) -> Any:
    """``x[from]=1&x[to]=2``; a single value is an exact match, ``x[]=a&x[]=b`` a range."""
    path = _path(info)
    if isinstance(value, Mapping):
        if not set(value) <= {"from", "to"}:
            raise unreadable(path, _RANGE)
        bounds = dict(value)
    elif isinstance(value, list):
        if len(value) > 2:
            raise unreadable(path, _RANGE)
        bounds = {"from": value[0], "to": value[-1]} if value else {}
    else:
        bounds = {"from": value, "to": value}
    for key, bound in bounds.items():
        if isinstance(bound, Mapping | list):
            raise unreadable(f"{path}[{key}]", "a single value")
    return bounds


def _blank(value: Any) -> Any:
    return None if value == "" else value


Bound = Annotated[Amount | None, BeforeValidator(_blank)]


class EntityRange(WireModel):
    """``[from]``/``[to]`` bounds, both inclusive and optional."""

    from_: Bound = Field(None, alias="from")
    to: Bound = None


Range = Annotated[EntityRange, BeforeValidator(_bounds)]


def _keyed(value: Any) -> Any:
    if value in (None, "", {}):
        return None
    if not isinstance(value, Mapping):
        raise BadRequest("filter[custom_fields_values] must be keyed by field id: "
                         "filter[custom_fields_values][FIELD_ID][]=value")
    return value


class EntityFilter(WireModel):
    """``filter[...]`` of a list of leads, contacts or companies (unknown keys are ignored)."""

    id: Ids = Field(default_factory=list)
    name: Names = Field(default_factory=list)
    created_by: Ids = Field(default_factory=list)
    updated_by: Ids = Field(default_factory=list)
    responsible_user_id: Ids = Field(default_factory=list)
    created_at: Range | None = None
    updated_at: Range | None = None
    closest_task_at: Range | None = None
    custom_fields_values: Annotated[dict[str, Any] | None, BeforeValidator(_keyed)] = Field(
        None, description="Keyed by field id or code: filter[custom_fields_values][FIELD_ID][]=value, "
                          "or [from]/[to]")
    tags: Names = Field(default_factory=list, description="Tag ids or names")


def filter_shape(value: Any) -> Any:
    """``filter[NAME]=…``: no filter when absent or empty, a 400 naming ``filter`` when not keyed."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise unreadable("filter", "filter[NAME]=…")
    return value


def order_shape(value: Any) -> Any:
    """``order[FIELD]=asc|desc`` (any case; a repeated key counts once, the last)."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise unreadable("order", "order[FIELD]=asc|desc")
    order = {}
    for key, direction in value.items():
        if isinstance(direction, list):
            direction = direction[-1] if direction else "asc"
        if isinstance(direction, Mapping | list):
            raise unreadable(f"order[{key}]", "asc or desc")
        order[key] = direction.lower() if isinstance(direction, str) else direction
    return order


def is_field_key(key: str) -> bool:
    """An ``order[...]`` key naming a custom field by its id (ASCII digits that fit a BIGINT)."""
    return key.isascii() and key.isdigit() and len(key) <= 19 and int(key) <= MAX_INT


#: ``order[...]`` of the three lists. Kommo orders by ``created_at``, ``updated_at`` and ``id``; the rest
#: (``name``, ``closest_task_at``, a custom field by its id; leads: ``price``) is Kanbo's extension.
ORDER_HELP = ("order[FIELD]=asc|desc, FIELD one of created_at, updated_at, id, name, closest_task_at{extra} or a "
              "custom field id (Kanbo extension: empty values last, ties by id)")


class EntityList(ListParams):
    """The query of ``GET /api/v4/{leads,contacts,companies}``."""

    orderable: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "id", "name", "closest_task_at")

    filter: Annotated[EntityFilter, BeforeValidator(filter_shape)] = Field(  # type: ignore[assignment]
        default_factory=EntityFilter)
    order: Annotated[dict[str, Literal["asc", "desc"]], BeforeValidator(order_shape)] = Field(  # type: ignore[assignment]
        default_factory=dict, description=ORDER_HELP.format(extra=""))

    def order_keys(self) -> tuple[str, ...]:
        """:attr:`orderable` and custom field ids (checked against the account's fields by the repository)."""
        return self.orderable + tuple(key for key in self.order if is_field_key(key))


class EntityWith(WireModel):
    """The query of ``GET /api/v4/{entity}/{id}``: only ``with`` counts."""

    with_: Annotated[list[str], _values(True, "with")] = Field(
        default_factory=list, alias="with", description="Comma-separated extras to embed")


def _bare_id(value: Any) -> Any:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"id": value}
    return value


class EntityIdItem(BatchItem):
    """An item of ``DELETE /api/v4/{entity}``: ``{"id": N}`` (a bare ``N`` is read as that)."""

    id: PositiveId


def id_batch(max_items: int = 250) -> Any:
    """``items: list[EntityIdItem] = id_batch()``: a batch of ``{"id": N}`` where bare ids (``[1, 2]``)
    are accepted too, documented like :func:`kanbo.http.wire.batch`."""

    async def read(request: Request) -> list[EntityIdItem]:
        data = await read_json(request)
        if isinstance(data, list):
            data = [_bare_id(entry) for entry in data]
        return validate_batch(EntityIdItem, data, max_items=max_items)

    return documented_body(read, EntityIdItem, batch=True)


# Rendering ----------------------------------------------------------------------------------------

def entity_path(kind_name: str, entity_id: int) -> str:
    return f"/api/v4/{kind_name}/{entity_id}"


def link_item(ctx: ReadContext, kind_name: str, entity_id: int, **extra: Any) -> dict[str, Any]:
    return {"id": entity_id, **extra, "_links": {"self": href(ctx.request, entity_path(kind_name, entity_id))}}


def render_entity(ctx: ReadContext, kind: EntityKind, row: Any, tags: list[dict[str, Any]],
                  leading: dict[str, Any] | None = None) -> dict[str, Any]:
    """Shared keys in Kommo's order; ``leading`` holds kind-specific keys that come right after ``name``."""
    if ctx.with_ and "only_deleted" in ctx.with_:
        return {"id": row.id, "updated_at": row.updated_at, "is_deleted": True,
                "_links": {"self": href(ctx.request, entity_path(kind.name, row.id))}}
    user = ctx.users.get(row.responsible_user_id)
    body: dict[str, Any] = {"id": row.id, "name": row.name}
    body.update(leading or {})
    body.update({
        "responsible_user_id": row.responsible_user_id,
        "group_id": (user.group_id if user and user.group_id is not None else 0),
        "created_by": row.created_by,
        "updated_by": row.updated_by,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "closest_task_at": row.closest_task_at,
        "is_deleted": row.is_deleted,
        "custom_fields_values": render_values(ctx.catalog, row.custom_fields),
        "account_id": row.account_id,
        "_links": {"self": href(ctx.request, entity_path(kind.name, row.id))},
        "_embedded": {"tags": tags},
    })
    return body


def write_result(ctx_request: Any, kind_name: str, request_id: str, row: Any, *, updated: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"id": row.id}
    if updated:
        body["updated_at"] = row.updated_at
    body["request_id"] = request_id
    body["_links"] = {"self": href(ctx_request, entity_path(kind_name, row.id))}
    return body
