"""The wire of leads (spec §5.2-5.4): bodies, the list query and the documented answers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, RootModel, field_validator
from pydantic.json_schema import SkipJsonSchema

from kanbo.entities.answers_wire import (
    EmptyList,
    EntityLinkOut,
    EntityOut,
    EntityTagOut,
    EntityTrashedOut,
    kind_wire,
)
from kanbo.entities.wire import (
    ORDER_HELP,
    EntityEmbeddedIn,
    EntityFilter,
    EntityIn,
    EntityList,
    EntityRefIn,
    HasId,
    Ids,
    PositiveId,
    Range,
    SmallCount,
    at_most_one,
    empty_as_none,
    filter_shape,
    order_shape,
)
from kanbo.http.wire import Id, OutModel, SelfLinks, Timestamp, WireModel

MAX_PRICE = 2**53


def _whole(value: Any) -> Any:
    """A price may come as ``1500.5`` or ``"1500.5"`` (minor units): it is rounded to whole units."""
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
    if isinstance(number, float) and math.isfinite(number):
        return round(number)
    return value


#: A lead's sale amount: a whole number from 0 to 2^53 (fractions are rounded).
Price = Annotated[int, BeforeValidator(_whole, json_schema_input_type=float), Field(ge=0, le=MAX_PRICE)]


class LeadContactIn(EntityRefIn):
    """An existing contact linked on create; ``is_main`` marks the main one (the first by default)."""

    is_main: bool | None = None
    main_contact: bool | None = Field(None, description="Older name of is_main")


class LeadEmbeddedIn(EntityEmbeddedIn):
    """``_embedded`` of a lead: ``contacts`` and ``companies`` link existing entities on create (a PATCH
    that echoes them keeps the lead's links as they are)."""

    contacts: list[LeadContactIn] | None = None
    companies: list[EntityRefIn] | None = Field(None, description="At most one")

    @field_validator("companies")
    @classmethod
    def _one_company(cls, value: list[EntityRefIn] | None) -> list[EntityRefIn] | None:
        return at_most_one(value, "lead")


class LeadIn(EntityIn):
    """A lead to add (``POST /api/v4/leads``) or the body of ``PATCH /api/v4/leads/{id}``. Without a stage
    a new lead goes to the first stage of ``pipeline_id`` (the main pipeline by default); 142/143 close
    it (``closed_at`` may be given then)."""

    price: Price | None = None
    status_id: PositiveId | None = None
    pipeline_id: PositiveId | None = None
    closed_at: Timestamp | None = None
    loss_reason_id: PositiveId | None = Field(None, description="null clears it")
    score: SmallCount | None = None
    labor_cost: SmallCount | None = None
    embedded: Annotated[LeadEmbeddedIn | None, BeforeValidator(empty_as_none)] = Field(None, alias="_embedded")


class LeadUpdate(LeadIn, HasId):
    """An item of ``PATCH /api/v4/leads``."""


# The list query -------------------------------------------------------------------------------------

class LeadStatusFilter(WireModel):
    """``filter[statuses][0][pipeline_id]=P&filter[statuses][0][status_id]=S``."""

    pipeline_id: Annotated[Id | None, BeforeValidator(lambda v: None if v == "" else v)] = None
    status_id: Id


def _pairs(value: Any) -> Any:
    if value in (None, ""):
        return []
    if isinstance(value, Mapping):
        if value and all(isinstance(key, str) and key.isascii() and key.isdigit() for key in value):
            return list(value.values())  # filter[statuses][5][...]: indexed, not from 0
        return [value]
    return value


class LeadFilter(EntityFilter):
    price: Range | None = None
    pipeline_id: Ids = Field(default_factory=list)
    status_id: Ids = Field(default_factory=list, description="Ignored by Kommo; honoured here")
    statuses: Annotated[list[LeadStatusFilter], BeforeValidator(_pairs)] = Field(default_factory=list)
    closed_at: Range | None = None


class LeadList(EntityList):
    """The query of ``GET /api/v4/leads``."""

    orderable = (*EntityList.orderable, "price")

    filter: Annotated[LeadFilter, BeforeValidator(filter_shape)] = Field(default_factory=LeadFilter)
    order: Annotated[dict[str, Literal["asc", "desc"]], BeforeValidator(order_shape)] = Field(
        default_factory=dict, description=ORDER_HELP.format(extra=", price"))


# Answers ------------------------------------------------------------------------------------------

class LeadContactOut(OutModel):
    id: int
    is_main: bool
    links: SelfLinks = Field(alias="_links")


class EmbeddedLossReason(OutModel):
    id: int
    name: str
    sort: int
    created_at: int
    updated_at: int
    links: SelfLinks = Field(alias="_links")


class LeadSourceOut(OutModel):
    id: int
    name: str


class LeadEmbeddedOut(OutModel):
    tags: list[EntityTagOut]
    companies: list[EntityLinkOut]
    contacts: list[LeadContactOut] | SkipJsonSchema[None] = None
    loss_reason: list[EmbeddedLossReason] | SkipJsonSchema[None] = None
    catalog_elements: EmptyList = None
    source: LeadSourceOut | SkipJsonSchema[None] = None


class LeadOut(EntityOut):
    price: int
    status_id: int
    pipeline_id: int
    loss_reason_id: int | None
    closed_at: int | None
    score: int | None
    labor_cost: int | None
    is_unsorted: bool | SkipJsonSchema[None] = None
    source_id: int | None = Field(None, description="with=source_id")
    is_price_modified_by_robot: bool | SkipJsonSchema[None] = None
    embedded: LeadEmbeddedOut = Field(alias="_embedded")


class LeadItem(RootModel[LeadOut | EntityTrashedOut]):
    """A lead, or its trashed form (``with=only_deleted``)."""


LEAD_WIRE = kind_wire("Leads", "leads", new=LeadIn, update=LeadUpdate, params=LeadList,
                       full=LeadOut, item=LeadItem)
