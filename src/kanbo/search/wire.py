"""The wire of ``GET /api/v4/search`` (Kanbo extension): the web UI's command palette finds leads, contacts
and companies in one request."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from kanbo.http.wire import OutModel, SelfLinks, WireModel, last_value

DEFAULT_LIMIT, MAX_LIMIT = 5, 50


def _not_blank(value: str) -> str:
    if not value:
        raise PydanticCustomError("string_too_short", "The text to find is blank")
    return value


def _limit(value: Any) -> Any:
    value = last_value(value)
    return DEFAULT_LIMIT if value in (None, "") else value


class SearchQuery(WireModel):
    """``query`` is read as ``query=`` of ``GET /api/v4/{leads,contacts,companies}``: names (any case),
    ids, field values by their beginning, emails in any case, phones by the phone rule."""

    model_config = ConfigDict(str_max_length=1000)

    query: Annotated[str, BeforeValidator(last_value), StringConstraints(strip_whitespace=True),
                     AfterValidator(_not_blank)] = Field(description="The text to find")
    limit: Annotated[int, BeforeValidator(_limit), Field(ge=1, le=MAX_LIMIT)] = Field(
        DEFAULT_LIMIT, description=f"At most this many of each type (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT})")


class FoundLead(OutModel):
    id: int
    name: str
    price: int
    pipeline_id: int
    status_id: int
    links: SelfLinks = Field(alias="_links")


class FoundCard(OutModel):
    """A contact or a company: its first phone and first email as written (``null`` when it has none)."""

    id: int
    name: str
    phone: str | None
    email: str | None
    links: SelfLinks = Field(alias="_links")


class SearchEmbedded(OutModel):
    leads: list[FoundLead]
    contacts: list[FoundCard]
    companies: list[FoundCard]


class SearchOut(OutModel):
    """Of each type, the entities the caller may see that match, newest first (an empty list for a type the
    caller may not view)."""

    query: str
    links: SelfLinks = Field(alias="_links")
    embedded: SearchEmbedded = Field(alias="_embedded")
