"""Incoming leads on the wire (spec §8.1 to §8.4): the request models, the answer models and the renderers.

Kanbo extension: every object carries ``duplicate_of`` — the ids of existing contacts whose phone or
email matched the incoming lead's contact when it arrived (``[]`` when none).

The lead, contact and company of an incoming lead are the entities' own objects (``_embedded.leads[0]``
is a lead body as ``POST /api/v4/leads`` takes it): they are passed on to the entity services, which
validate them and report their errors under ``_embedded.<kind>.0.``.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field
from starlette.requests import Request

from kanbo.companies.company_wire import CompanyIn
from kanbo.contacts.contact_wire import ContactIn
from kanbo.entities.wire import entity_path
from kanbo.http.hal import href
from kanbo.http.query import MAX_INT
from kanbo.http.wire import (
    BatchItem,
    Id,
    ListParams,
    OutModel,
    SelfLinks,
    Timestamp,
    WireModel,
    hal_page,
    hal_written,
)
from kanbo.leads.lead_wire import LeadIn
from kanbo.models.activity import Unsorted
from kanbo.unsorted.metadata import (
    CATEGORIES,
    Category,
    ChatsMetadata,
    ChatsMetadataOut,
    FormsMetadata,
    FormsMetadataOut,
    MailMetadataOut,
    SipMetadata,
    SipMetadataOut,
    UnsortedMetadata,
    not_null,
    render_metadata,
)
from kanbo.unsorted.wire_kit import AnObject, values

#: A positive id (a pipeline, a stage, a lead, a contact).
PositiveId = Annotated[int, Field(ge=1, le=MAX_INT)]
#: A bound of a range filter.
Bound = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]


# Shared pieces -------------------------------------------------------------------------------------

def _one(value: Any) -> Any:
    """``_embedded.<kind>``: a bare object is a list of one; ``null`` is none."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return value


#: At most one object of a kind (``[{…}]``, ``{…}``, ``[]`` or ``null``).
One = BeforeValidator(_one)


def embedded_object(value: Any) -> Any:
    """``_embedded``: ``null``, and ``[]`` (PHP's empty object), are ``{}``."""
    return {} if value is None or value == [] else value


def _text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) else value


def _required_text(value: Any) -> Any:
    value = _text(value)
    return not_null(None if value == "" else value)


SourceText = Annotated[str, BeforeValidator(_required_text), Field(min_length=1, max_length=255)]


# Requests: adding ------------------------------------------------------------------------------------

class IncomingEmbedded(WireModel):
    """The incoming lead's own new lead, contact and company, each a body as ``POST /api/v4/leads``
    (``/contacts``, ``/companies``) takes it; the lead goes to its pipeline's Incoming stage."""

    leads: Annotated[list[LeadIn], One, Field(max_length=1)] = Field(default_factory=list)
    contacts: Annotated[list[ContactIn], One, Field(max_length=1)] = Field(default_factory=list)
    companies: Annotated[list[CompanyIn], One, Field(max_length=1)] = Field(default_factory=list)
    lead: LeadIn | None = Field(None, description="Older PHP library versions: the lead as one object")


class IncomingIn(BatchItem):
    """One incoming lead of ``POST /api/v4/leads/unsorted/{category}`` (spec §8.3)."""

    category: ClassVar[str]

    source_uid: SourceText
    source_name: SourceText
    pipeline_id: PositiveId | None = Field(None, description="The main pipeline when not given")
    created_at: Timestamp | None = None
    metadata: UnsortedMetadata
    embedded: Annotated[IncomingEmbedded, BeforeValidator(embedded_object)] = Field(
        default_factory=IncomingEmbedded, alias="_embedded")

    def lead(self) -> LeadIn:
        if self.embedded.leads:
            return self.embedded.leads[0]
        return self.embedded.lead or LeadIn()

    def contact(self) -> ContactIn | None:
        return self.embedded.contacts[0] if self.embedded.contacts else None

    def company(self) -> CompanyIn | None:
        return self.embedded.companies[0] if self.embedded.companies else None


class FormsIn(IncomingIn):
    category: ClassVar[str] = "forms"
    metadata: Annotated[FormsMetadata, BeforeValidator(not_null)]


class SipIn(IncomingIn):
    category: ClassVar[str] = "sip"
    metadata: Annotated[SipMetadata, BeforeValidator(not_null)]


class ChatsIn(IncomingIn):
    category: ClassVar[str] = "chats"
    metadata: Annotated[ChatsMetadata, BeforeValidator(not_null)]


#: The categories a client may add, with their models.
ITEMS: dict[str, type[IncomingIn]] = {"forms": FormsIn, "sip": SipIn, "chats": ChatsIn}

# Requests: deciding ----------------------------------------------------------------------------------

class UnsortedDeclineIn(WireModel):
    user_id: Id | None = Field(None, description="Who declines (the acting user when not given)")


class UnsortedAcceptIn(WireModel):
    user_id: Id | None = Field(None, description="The responsible user (the acting user when not given)")
    status_id: PositiveId | None = Field(None, description="The stage (the pipeline's first ordinary stage "
                                                           "when not given)")


class UnsortedLinkMetadata(WireModel):
    contact_id: PositiveId | None = None


class UnsortedLinkTarget(WireModel):
    entity_id: PositiveId
    entity_type: Literal["leads", "lead", "customers"]
    metadata: UnsortedLinkMetadata | None = None


class UnsortedLinkIn(WireModel):
    user_id: Id | None = None
    link: Annotated[UnsortedLinkTarget, BeforeValidator(not_null)]


# Requests: reading ------------------------------------------------------------------------------------

def _range(value: Any) -> Any:
    """``f[from]=1&f[to]=2``, or one value (that exact value), or ``[from, to]``."""
    if isinstance(value, list) and len(value) == 2:
        return {"from": value[0], "to": value[1]}
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {} if value == "" else {"from": value, "to": value}
    return value


def _blank(value: Any) -> Any:
    return None if value == "" else value


class UnsortedRange(WireModel):
    from_: Annotated[Bound | None, BeforeValidator(_blank)] = Field(None, alias="from")
    to: Annotated[Bound | None, BeforeValidator(_blank)] = None


class UnsortedFilter(WireModel):
    uid: Annotated[list[str], values(split_commas=True)] = Field(default_factory=list)
    category: Annotated[list[Category], values(split_commas=True)] = Field(default_factory=list)
    pipeline_id: Annotated[list[Id], values(split_commas=True)] = Field(default_factory=list)
    lead_id: Annotated[list[Id], values(split_commas=True)] = Field(
        default_factory=list, description="Kanbo extension: the incoming leads of these leads (the board's Incoming "
                                          "column lists leads and needs their incoming lead to accept or decline)")


class UnsortedList(ListParams):
    orderable: ClassVar[tuple[str, ...]] = ("created_at", "updated_at", "id")

    filter: Annotated[UnsortedFilter, AnObject] = Field(  # type: ignore[assignment]
        default_factory=UnsortedFilter)


class UnsortedSummaryFilter(WireModel):
    uid: Annotated[list[str], values(split_commas=True)] = Field(default_factory=list)
    pipeline_id: Annotated[list[Id], values(split_commas=True)] = Field(default_factory=list)
    created_at: Annotated[UnsortedRange, BeforeValidator(_range)] = Field(default_factory=UnsortedRange)


class UnsortedSummaryParams(WireModel):
    filter: Annotated[UnsortedSummaryFilter, AnObject] = Field(default_factory=UnsortedSummaryFilter)


# Answers ----------------------------------------------------------------------------------------------

class UnsortedEntityRef(OutModel):
    id: int
    links: SelfLinks = Field(alias="_links")


class UnsortedEmbedded(OutModel):
    leads: list[UnsortedEntityRef]
    contacts: list[UnsortedEntityRef]
    companies: list[UnsortedEntityRef]


class UnsortedOut(OutModel):
    uid: str
    source_uid: str
    source_name: str
    category: Category
    pipeline_id: int
    created_at: int
    metadata: FormsMetadataOut | SipMetadataOut | ChatsMetadataOut | MailMetadataOut
    account_id: int
    duplicate_of: list[int] = Field(description="Kanbo extension: existing contacts with the same phone or email")
    links: SelfLinks = Field(alias="_links")
    embedded: UnsortedEmbedded = Field(alias="_embedded")


UnsortedPage = hal_page("UnsortedPage", "unsorted", UnsortedOut)


class AddedUnsorted(OutModel):
    uid: str
    account_id: int
    request_id: str
    duplicate_of: list[int]
    links: SelfLinks = Field(alias="_links")
    embedded: UnsortedEmbedded = Field(alias="_embedded")


UnsortedAdded = hal_written("UnsortedAdded", "unsorted", AddedUnsorted, total=True)


class UnsortedAcceptedOut(OutModel):
    uid: str
    category: Category
    pipeline_id: int
    created_at: int
    embedded: UnsortedEmbedded = Field(alias="_embedded")


class UnsortedDeclinedEmbedded(OutModel):
    leads: list[UnsortedEntityRef]
    contacts: list[UnsortedEntityRef]


class UnsortedDeclinedOut(OutModel):
    uid: str
    category: Category
    pipeline_id: int
    created_at: int
    embedded: UnsortedDeclinedEmbedded = Field(alias="_embedded")


class UnsortedLinkedEmbedded(OutModel):
    leads: list[UnsortedEntityRef]
    contacts: list[UnsortedEntityRef]
    companies: list[UnsortedEntityRef]
    customers: list[UnsortedEntityRef] = Field(description="Always empty: Kanbo has no customers yet")


class UnsortedLinkedOut(OutModel):
    uid: str
    embedded: UnsortedLinkedEmbedded = Field(alias="_embedded")


class UnsortedCategoryCount(OutModel):
    total: int


class UnsortedSummaryCategories(OutModel):
    sip: UnsortedCategoryCount
    mail: UnsortedCategoryCount
    forms: UnsortedCategoryCount
    chats: UnsortedCategoryCount


class UnsortedSummaryOut(OutModel):
    total: int
    accepted: int
    declined: int
    average_sort_time: int
    categories: UnsortedSummaryCategories


# Renderers ---------------------------------------------------------------------------------------------

def unsorted_path(uid: str) -> str:
    return f"/api/v4/leads/unsorted/{uid}"


def _ref(request: Request, kind: str, entity_id: int | None) -> list[dict[str, Any]]:
    if entity_id is None:
        return []
    return [{"id": entity_id, "_links": {"self": href(request, entity_path(kind, entity_id))}}]


def embedded(request: Request, row: Unsorted, keys: tuple[str, ...] = ("leads", "contacts", "companies"),
             ) -> dict[str, Any]:
    """``_embedded`` with the incoming lead's own lead, contact and company as ``[{id, _links}]``."""
    ids = {"leads": row.lead_id, "contacts": row.contact_id, "companies": row.company_id}
    return {key: _ref(request, key, ids[key]) for key in keys}


def render_unsorted(request: Request, row: Unsorted) -> dict[str, Any]:
    """The object of ``GET /api/v4/leads/unsorted[/{uid}]``."""
    return {
        "uid": row.uid,
        "source_uid": row.source_uid,
        "source_name": row.source_name,
        "category": row.category,
        "pipeline_id": row.pipeline_id,
        "created_at": row.created_at,
        "metadata": render_metadata(row.category, row.meta),
        "account_id": row.account_id,
        "duplicate_of": list(row.duplicate_of or []),
        "_links": {"self": href(request, unsorted_path(row.uid))},
        "_embedded": embedded(request, row),
    }


def render_added(request: Request, request_id: str, row: Unsorted) -> dict[str, Any]:
    """One item of the answer to ``POST /api/v4/leads/unsorted/{category}`` (spec §8.3)."""
    return {
        "uid": row.uid,
        "account_id": row.account_id,
        "request_id": request_id,
        "duplicate_of": list(row.duplicate_of or []),
        "_links": {"self": href(request, unsorted_path(row.uid))},
        "_embedded": embedded(request, row),
    }


def render_added_list(request: Request, results: list[tuple[str, Unsorted]]) -> dict[str, Any]:
    return {
        "_total_items": len(results),
        "_links": {"self": href(request, request.url.path)},
        "_embedded": {"unsorted": [render_added(request, rid, row) for rid, row in results]},
    }


def render_resolved(request: Request, row: Unsorted, keys: tuple[str, ...]) -> dict[str, Any]:
    """The answer to accept (leads, contacts, companies) and decline (leads, contacts)."""
    return {
        "uid": row.uid,
        "category": row.category,
        "pipeline_id": row.pipeline_id,
        "created_at": row.created_at,
        "_embedded": embedded(request, row, keys),
    }


def render_linked(request: Request, row: Unsorted, lead_id: int, contact_id: int | None,
                  company_id: int | None) -> dict[str, Any]:
    return {
        "uid": row.uid,
        "_embedded": {"leads": _ref(request, "leads", lead_id), "contacts": _ref(request, "contacts", contact_id),
                      "companies": _ref(request, "companies", company_id), "customers": []},
    }


def render_summary(counts: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    """``counts``: (category, state, rows, total sort seconds of resolved rows) groups."""
    total = accepted = declined = resolved = sort_seconds = 0
    categories = {category: {"total": 0} for category in CATEGORIES}
    for category, state, rows, seconds in counts:
        total += rows
        if category in categories:
            categories[category]["total"] += rows
        if state in ("accepted", "linked"):
            accepted += rows
        elif state == "declined":
            declined += rows
        if state != "new":
            resolved += rows
            sort_seconds += seconds
    return {"total": total, "accepted": accepted, "declined": declined,
            "average_sort_time": round(sort_seconds / resolved) if resolved else 0,
            "categories": categories}
