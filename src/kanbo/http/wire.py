"""The typed wire (issue 10 §1): pydantic v2 models for bodies and queries, one adapter to Kommo's errors.

A domain's ``wire.py`` declares its models with the types below; its routes take them through
:func:`body`, :func:`batch` and :func:`query`, which

- read the body as JSON whatever the Content-Type says (a form body as PHP-style fields, as before),
  and the query string with the bracket parser of :mod:`kanbo.http.query`;
- validate with pydantic in lax mode where Kommo clients need it (``"12"`` for ``12``, a single object
  for a batch of one, unknown keys ignored) and turn a :class:`pydantic.ValidationError` into Kommo's
  400 ``validation-errors`` with dot paths relative to the item (``custom_fields_values.0.field_id``),
  ``request_id`` naming the item;
- mark themselves so :mod:`kanbo.http.openapi` documents the body and the query parameters.

Responses are documented with :func:`responses` and still built as plain dicts and serialized once
(orjson), never validated and dumped again: what the server builds itself needs no validation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError, create_model
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import ErrorDetails, PydanticCustomError

from kanbo.config import get_settings
from kanbo.core.errors import BadRequest, Errors, FieldError, ItemErrors, Unprocessable, ValidationFailed
from kanbo.http.body import read_json
from kanbo.http.query import (
    MAX_INT,
    ListQuery,
    as_list,
    page_number,
    parse_order,
    parse_query_string,
    refuse_malformed_keys,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
I = TypeVar("I", bound="BatchItem")  # noqa: E741

# Scalars ----------------------------------------------------------------------------------------

def _not_bool(value: Any) -> Any:
    """``true`` is no number, though pydantic's lax mode reads it as 1."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


#: An entity id or any other count that fits a BIGINT; lax: ``"12"`` and ``12.0`` are 12.
Id = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=MAX_INT)]
#: A unix timestamp in seconds (0 .. year 9999).
Timestamp = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=253402300799)]
#: A signed amount that fits a BIGINT (prices are whole numbers in Kommo).
Amount = Annotated[int, BeforeValidator(_not_bool), Field(ge=-MAX_INT, le=MAX_INT)]


def _request_id(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


#: The client's ``request_id``: a string or a number, echoed back as a string.
RequestId = Annotated[str, BeforeValidator(_request_id), Field(max_length=255)]


class WireModel(BaseModel):
    """Base of every request model: unknown keys are ignored (clients send what they read)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_max_length=65_535)


class BatchItem(WireModel):
    """One item of a batch write; ``request_id`` is echoed in the answer (the index when absent)."""

    request_id: RequestId | None = None


def last_value(value: Any) -> Any:
    """A repeated query parameter (``page=1&page=2``) counts once: the last one."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _page(value: Any) -> Any:
    value = last_value(value)
    if value in (None, ""):
        return 1
    return page_number(value)


def _limit(value: Any) -> Any:
    value = last_value(value)
    return None if value in (None, "") else value


def _empty(value: Any) -> Any:
    """``filter=`` (an empty value) is no filter."""
    return {} if value in (None, "") else value


def _with(value: Any) -> Any:
    return as_list(value, path="with")


class ListParams(WireModel):
    """The query of a list endpoint (spec §1.3): ``page``, ``limit`` (at most 250, 422 above),
    ``with`` (comma list or ``with[]``; unknown values are ignored), ``query``, ``filter[...]`` and
    ``order[FIELD]=asc|desc``. A domain subclasses it to type its ``filter`` and to name what
    ``order`` accepts (:attr:`orderable`)."""

    orderable: ClassVar[tuple[str, ...]] = ()
    max_limit: ClassVar[int] = 250
    default_limit: ClassVar[int] = 50

    model_config = ConfigDict(str_max_length=1000)  # a query string is no place for long texts

    page: Annotated[Annotated[int, Field(ge=1)], BeforeValidator(_page),
                    Field(description="Page number, from 1")] = 1
    limit: Annotated[Annotated[int, Field(ge=1)] | None, BeforeValidator(_limit),
                     Field(description="Items per page")] = None
    with_: Annotated[list[str], BeforeValidator(_with)] = Field(
        default_factory=list, alias="with", description="Comma-separated extras to embed")
    query: Annotated[str | None, BeforeValidator(last_value)] = None
    filter: Annotated[dict[str, Any], BeforeValidator(_empty)] = Field(default_factory=dict)
    order: Annotated[dict[str, Literal["asc", "desc", "ASC", "DESC"]], BeforeValidator(_empty)] = Field(
        default_factory=dict)

    _params: dict[str, Any] = PrivateAttr(default_factory=dict)

    def order_keys(self) -> tuple[str, ...]:
        """The ``order[...]`` keys this query accepts: :attr:`orderable` (a domain may add keys of its own)."""
        return self.orderable

    def list_query(self) -> ListQuery:
        """The :class:`ListQuery` the services read (limits checked: above ``max_limit`` is a 422)."""
        limit = self.limit if self.limit is not None else self.default_limit
        if limit > self.max_limit:
            raise Unprocessable(f"Limit {self.max_limit} per page")
        order = parse_order(self.order, self.order_keys()) if self.order else []
        return ListQuery(params=self._params, page=self.page, limit=limit, with_=frozenset(self.with_),
                         filter=self.filter, order=order)


# Errors -----------------------------------------------------------------------------------------

_CODES = {
    "missing": "NotBlank",
    "int_parsing": "InvalidType",
    "int_type": "InvalidType",
    "int_from_float": "InvalidType",
    "string_type": "InvalidType",
    "bool_type": "InvalidType",
    "bool_parsing": "InvalidType",
    "list_type": "InvalidType",
    "dict_type": "InvalidType",
    "model_type": "InvalidType",
    "model_attributes_type": "InvalidType",
    "float_type": "InvalidType",
    "float_parsing": "InvalidType",
    "literal_error": "NotSupportedChoice",
    "extra_forbidden": "NotSupportedChoice",
    "enum": "NotSupportedChoice",
    "string_too_long": "TooLong",
    "too_long": "TooLong",
    "string_too_short": "NotBlank",
    "too_short": "NotBlank",
    "greater_than_equal": "OutOfRange",
    "greater_than": "OutOfRange",
    "less_than_equal": "OutOfRange",
    "less_than": "OutOfRange",
}


def kommo_code(error_type: str) -> str:
    """Kommo's ``code`` for a pydantic error type (``InvalidValue`` when there is no closer one)."""
    return _CODES.get(error_type, "InvalidValue")


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def field_errors(errors: list[ErrorDetails], strip: int = 0) -> list[FieldError]:
    return [FieldError(kommo_code(e["type"]), _path(tuple(e["loc"])[strip:]) or "body", e["msg"])
            for e in errors]


def _single(exc: ValidationError, request_id: str = "0") -> ValidationFailed:
    return ValidationFailed([ItemErrors(request_id, field_errors(exc.errors(include_url=False)))])


def validate_object(model: type[M], data: Any, *, request_id: str = "0") -> M:
    """``data`` (already parsed) as ``model``; a mismatch is Kommo's 400 ``validation-errors``."""
    if not isinstance(data, Mapping):
        raise BadRequest("Request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _single(exc, request_id) from None


def validate_batch(item: type[I], data: Any, *, max_items: int | None = None) -> list[I]:
    """A JSON array of ``item`` objects (one object is a batch of one), at most ``max_items``
    (the ``KANBO_MAX_BATCH`` setting by default, 422 above). Every item is validated and every
    failing item is named in one 400; ``request_id`` defaults to the item's index."""
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, list):
        raise BadRequest("Request body must be a JSON array of objects")
    if not data:
        raise BadRequest("Request data can not be empty")
    limit = max_items if max_items is not None else get_settings().http.max_batch
    if len(data) > limit:
        raise Unprocessable(f"Limit {limit} per page")
    items: list[I] = []
    failed: list[ItemErrors] = []
    for index, entry in enumerate(data):
        rid = _request_id(entry.get("request_id")) if isinstance(entry, Mapping) else None
        request_id = rid if isinstance(rid, str) and rid else str(index)
        if not isinstance(entry, Mapping):
            failed.append(ItemErrors(request_id, [FieldError("InvalidType", "body",
                                                             "Each item must be a JSON object")]))
            continue
        try:
            parsed = item.model_validate(entry)
        except ValidationError as exc:
            failed.append(ItemErrors(request_id, field_errors(exc.errors(include_url=False))))
            continue
        if parsed.request_id is None:
            parsed.request_id = str(index)
        items.append(parsed)
    if failed:
        raise ValidationFailed(failed)
    return items


def validate_query(model: type[M], raw: bytes | str) -> M:
    """The query string, parsed with the bracket parser, as ``model``; a mismatch is a 400 naming the
    parameter (``filter.id.0``)."""
    params = parse_query_string(raw)
    refuse_malformed_keys(params)
    try:
        parsed = model.model_validate(params)
    except ValidationError as exc:
        raise _single(exc) from None
    if isinstance(parsed, ListParams):
        parsed._params = params
    return parsed


# Dependencies (and their marks for the OpenAPI document) -------------------------------------------

WIRE_BODY = "__kanbo_wire_body__"
WIRE_QUERY = "__kanbo_wire_query__"


class _Mark(Generic[M]):
    """What :mod:`kanbo.http.openapi` reads off a dependency: the model and whether it is a batch."""

    def __init__(self, model: type[BaseModel], *, batch: bool = False, required: bool = True) -> None:
        self.model = model
        self.batch = batch
        self.required = required


def _marked(call: Callable[..., Awaitable[Any]], attr: str, mark: _Mark[Any]) -> Callable[..., Awaitable[Any]]:
    setattr(call, attr, mark)
    return call


def body(model: type[M], *, required: bool = True) -> Any:
    """``data: Model = body(Model)``: the request body as one object of ``model``. With
    ``required=False`` an empty body validates as ``{}``."""

    async def read(request: Request) -> M:
        data = await read_json(request, required=required)
        return validate_object(model, {} if data is None else data)

    return Depends(_marked(read, WIRE_BODY, _Mark(model, required=required)))


def batch(item: type[I], *, max_items: int | None = None) -> Any:
    """``items: list[Item] = batch(Item)``: the request body as a batch of ``item``."""

    async def read(request: Request) -> list[I]:
        return validate_batch(item, await read_json(request), max_items=max_items)

    return Depends(_marked(read, WIRE_BODY, _Mark(item, batch=True)))


def query(model: type[M]) -> Any:
    """``q: Model = query(Model)``: the query string as ``model``."""

    async def read(request: Request) -> M:
        return validate_query(model, request.scope.get("query_string", b""))

    return Depends(_marked(read, WIRE_QUERY, _Mark(model)))


def documented_body(read: Callable[..., Awaitable[Any]], model: type[BaseModel], *, batch: bool = False,
                    required: bool = True) -> Any:
    """``Depends(read)`` for a body reader of a route's own, documented as ``model`` (a batch: an
    array of them or one)."""
    return Depends(_marked(read, WIRE_BODY, _Mark(model, batch=batch, required=required)))


@dataclass
class Checked(Generic[T]):
    """A batch validated item by item: the items that passed, and the errors of the others. The
    service adds the errors of its own checks (exists? unique?) and raises them all in one 400, as
    Kommo names every failing item of a batch."""

    items: list[T]
    errors: Errors = field(default_factory=Errors)


class _Envelope(BatchItem):
    """A batch item before its own model: ``request_id`` and the keys as sent."""

    model_config = ConfigDict(extra="allow")


def _item_errors(exc: ValidationError) -> list[FieldError]:
    return field_errors(exc.errors(include_url=False))


def checked_batch(model: type[BaseModel], parse: Callable[[dict[str, Any]], Any] | None = None,
                  item_errors: Callable[[ValidationError], list[FieldError]] = _item_errors, *,
                  max_items: int | None = None) -> Any:
    """``items: Checked[Item] = checked_batch(Item)``: the body as a batch, shaped and limited like
    :func:`batch`, each item ``parse``-d (``model.model_validate`` by default; a union's own parser
    otherwise) and documented as ``model``; an item that fails becomes errors in :class:`Checked`
    instead of answering at once."""
    parse_item = parse or model.model_validate

    async def read(request: Request) -> Checked[Any]:
        checked: Checked[Any] = Checked([])
        for envelope in validate_batch(_Envelope, await read_json(request), max_items=max_items):
            request_id = envelope.request_id or "0"
            try:
                checked.items.append(parse_item({**(envelope.model_extra or {}), "request_id": request_id}))
            except ValidationError as exc:
                for error in item_errors(exc):
                    checked.errors.add(request_id, error.path, error.detail, error.code)
        return checked

    return documented_body(read, model, batch=True)


# Responses ---------------------------------------------------------------------------------------

HAL = "application/hal+json"


def responses(ok: type[BaseModel] | None = None, *, status: int = 200, empty: bool = False,
              media_type: str = HAL) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: its success model under ``media_type`` and, with ``empty``,
    the 204 that answers an empty list or a missing entity. Problem answers are added to every
    operation by :mod:`kanbo.http.openapi`."""
    documented: dict[int | str, dict[str, Any]] = {}
    if ok is not None:
        documented[status] = {"model": ok, "content": {media_type: {}}, "description": "Success"}
    if empty or ok is None:
        documented[204] = {"description": "No content"}
    return documented


# Response models ---------------------------------------------------------------------------------

class OutModel(BaseModel):
    """Base of every response model (a key the server sometimes omits is ``X | SkipJsonSchema[None] = None``:
    documented as ``X``, not required, never ``null``). It documents the exact shape the server returns (unknown keys
    are refused, so the contract test notices an undocumented key); responses are never validated
    against it at run time."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Link(OutModel):
    href: str


class SelfLinks(OutModel):
    self: Link


class PageLinks(OutModel):
    self: Link
    next: Link | SkipJsonSchema[None] = None
    first: Link | SkipJsonSchema[None] = None
    prev: Link | SkipJsonSchema[None] = None


def _embedded(name: str, key: str, item: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {key: (list[item], ...)}  # type: ignore[valid-type]
    return create_model(f"{name}Embedded", __base__=OutModel, **fields)


def hal_page(name: str, key: str, item: type[BaseModel], *, total: bool = False) -> type[BaseModel]:
    """The model of a HAL list page (:func:`kanbo.http.hal.collection`): ``_page``, ``_links`` with
    ``self``/``next``/``first``/``prev`` and ``_embedded.<key>``; with ``total`` also ``_total_items``
    and ``_page_count``."""
    fields: dict[str, Any] = {
        "page": (int | SkipJsonSchema[None], Field(None, alias="_page")),  # type: ignore[misc]
        "links": (PageLinks, Field(alias="_links")),
        "embedded": (_embedded(name, key, item), Field(alias="_embedded")),
    }
    if total:
        fields["total_items"] = (int | SkipJsonSchema[None], Field(None, alias="_total_items"))  # type: ignore[misc]
        fields["page_count"] = (int | SkipJsonSchema[None], Field(None, alias="_page_count"))  # type: ignore[misc]
    return create_model(name, __base__=OutModel, **fields)


def hal_written(name: str, key: str, item: type[BaseModel], *, total: bool = False) -> type[BaseModel]:
    """The model of a batch write's answer (:func:`kanbo.http.hal.created`): ``_links.self`` and
    ``_embedded.<key>``; with ``total`` also ``_total_items`` first."""
    fields: dict[str, Any] = {"total_items": (int, Field(alias="_total_items"))} if total else {}
    fields |= {
        "links": (SelfLinks, Field(alias="_links")),
        "embedded": (_embedded(name, key, item), Field(alias="_embedded")),
    }
    return create_model(name, __base__=OutModel, **fields)
