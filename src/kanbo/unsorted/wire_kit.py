"""Query and documentation helpers of the typed wire that :mod:`kanbo.http.wire` lacks, shared by the
incoming leads and the webhooks (the lowest of the two holds them). They belong in ``kanbo.http.wire``
and should move there:

- :func:`values`: a filter of one value or several (``f=1``, ``f[]=1&f[]=2``, ``f[0]=1``, ``f=1,2``);
- :class:`QueryModel` and :class:`Paged`: query models whose texts carry no length limit of their own
  (``WireModel``'s 65,535 characters are no limit for a query, and a generator of "too long" values
  builds URLs no client can send), and ``Paged.limit`` bounded on the integer only (``ListParams``
  applies ``ge=1`` to ``None`` as well: ``?limit=`` would be a TypeError, a 500);
- :class:`Documented`: the response class of routers that return their own responses, so that FastAPI
  documents only the declared model (for any other class it adds ``"type": "string"`` beside it).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi.responses import JSONResponse
from pydantic import BeforeValidator, ConfigDict, Field

from kanbo.http.wire import HAL, ListParams, WireModel


def values(*, split_commas: bool) -> BeforeValidator:
    """A filter of one or more values: ``f=1``, ``f[]=1&f[]=2``, ``f[0]=1``, ``f=1,2`` (with
    ``split_commas``); ``f=`` is none. Other shapes are left to fail validation."""

    def before(value: Any) -> Any:
        if value is None or value == "":
            return []
        if isinstance(value, dict) and all(isinstance(k, str) and k.isdigit() for k in value):
            value = list(value.values())
        if not isinstance(value, list):
            value = [value]
        out: list[Any] = []
        for item in value:
            if isinstance(item, str):
                parts = item.split(",") if split_commas else [item]
                out.extend(part.strip() for part in parts if part.strip())
            else:
                out.append(item)
        return out

    return BeforeValidator(before)


def _object(value: Any) -> Any:
    return {} if value in (None, "") else value


#: ``filter=`` (or no filter) is an empty filter object.
AnObject = BeforeValidator(_object)


class QueryModel(WireModel):
    """Query values have no length limit of their own: the request line has one, and a value too long
    to match anything simply matches nothing."""

    model_config = ConfigDict(str_max_length=None)


def _limit(value: Any) -> Any:
    if isinstance(value, list):
        value = value[-1] if value else None
    return None if value in (None, "") else value


class Paged(ListParams):
    """``ListParams`` with :class:`QueryModel`'s texts and a ``limit`` whose bound is on the integer."""

    model_config = ConfigDict(str_max_length=None)

    limit: Annotated[Annotated[int, Field(ge=1)] | None, BeforeValidator(_limit), Field(
        description="Items per page")] = None


class Documented(JSONResponse):
    """Documentation only (the routes return their own responses): for a ``JSONResponse`` class FastAPI
    adds no schema of its own beside the documented model's."""

    media_type = HAL
