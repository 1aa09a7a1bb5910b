"""``POST /api/v4/leads/complex`` on the wire (spec §5.6): the lead items, their query and the answer.

A complex item is a lead body (the leads' own model, as ``POST /api/v4/leads`` takes it) whose
``_embedded`` also carries one full contact, one full company and, for an incoming lead, the
``metadata`` of its category.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, RootModel

from kanbo.companies.company_wire import CompanyIn
from kanbo.contacts.contact_wire import ContactIn
from kanbo.entities.wire import EntityEmbeddedIn
from kanbo.http.wire import OutModel, WireModel
from kanbo.leads.lead_wire import LeadIn
from kanbo.unsorted.metadata import Text
from kanbo.unsorted.wire import One, PositiveId, embedded_object

#: Kommo's limit of leads per complex request (spec §1.5).
MAX_COMPLEX = 50


def _no_metadata(value: Any) -> Any:
    """An empty ``metadata`` (``{}``, ``null``) means an ordinary lead."""
    return None if value in (None, {}, "") else value


class ComplexMetadata(WireModel):
    """The incoming lead's metadata: ``category`` and that category's keys (see the incoming-lead
    bodies), which are validated as an incoming lead of that category."""

    model_config = ConfigDict(extra="allow")

    category: Literal["forms", "sip"]
    source_uid: Text = Field(None, description="The incoming lead's source (`complex` when not given)")
    source_name: Text = Field(None, description="The source's name (the form's name or `API` when not given)")

    def keys(self) -> dict[str, Any]:
        """The category's metadata keys, as the client sent them."""
        return dict(self.model_extra or {})


class ComplexContactIn(ContactIn):
    """A new contact (a contact body), or ``{"id": …}`` of an existing one (linked, never created)."""

    id: PositiveId | None = None


class ComplexCompanyIn(CompanyIn):
    """A new company (a company body), or ``{"id": …}`` of an existing one (linked, never created)."""

    id: PositiveId | None = None


class ComplexEmbedded(EntityEmbeddedIn):
    """``_embedded`` of a complex lead: its ``tags``, one contact, one company, and the metadata of an
    incoming lead (other keys are ignored)."""

    contacts: Annotated[list[ComplexContactIn], One, Field(max_length=1)] = Field(default_factory=list)
    companies: Annotated[list[ComplexCompanyIn], One, Field(max_length=1)] = Field(default_factory=list)
    metadata: Annotated[ComplexMetadata | None, BeforeValidator(_no_metadata)] = Field(
        None, description="Makes the lead an incoming lead of this category")


class ComplexLeadIn(LeadIn):
    """A lead body (as ``POST /api/v4/leads`` takes it) with its contact and company."""

    embedded: Annotated[ComplexEmbedded, BeforeValidator(embedded_object)] = Field(  # type: ignore[assignment]
        default_factory=ComplexEmbedded, alias="_embedded")

    def contact(self) -> ComplexContactIn | None:
        return self.embedded.contacts[0] if self.embedded.contacts else None

    def company(self) -> ComplexCompanyIn | None:
        return self.embedded.companies[0] if self.embedded.companies else None


def _last(value: Any) -> Any:
    if isinstance(value, list):
        value = value[-1] if value else None
    return False if value in (None, "") else value


class ComplexParams(WireModel):
    duplicate_control: Annotated[bool, BeforeValidator(_last)] = Field(
        False, description="Kanbo switch: link a contact with a known phone or email instead of adding it "
                           "(`merged: true`)")


class ComplexResult(OutModel):
    id: int
    contact_id: int | None
    company_id: int | None
    request_id: list[str]
    merged: bool


class ComplexAnswer(RootModel[list[ComplexResult]]):
    """A top-level array, one entry per lead, in request order."""
