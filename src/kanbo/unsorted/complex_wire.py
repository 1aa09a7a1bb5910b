"""``POST /api/v4/leads/complex`` on the wire (spec §5.6): the lead items, their query and the answer.

A complex item is a lead body (validated by the leads service, like ``POST /api/v4/leads``) whose
``_embedded`` may also carry one full contact, one full company and, for an incoming lead, the
``metadata`` of its category. Keys this module does not name are the lead's and pass on unchanged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, RootModel

from kanbo.http.wire import BatchItem, OutModel, WireModel
from kanbo.unsorted.metadata import Text
from kanbo.unsorted.wire import One

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


class ComplexEmbedded(WireModel):
    """Besides these keys, ``_embedded`` passes on to the lead (``tags``, ``source``…)."""

    model_config = ConfigDict(extra="allow")

    contacts: One = Field(default_factory=list, description="One new contact (a contact body), or {id} of an "
                                                            "existing one")
    companies: One = Field(default_factory=list, description="One new company (a company body), or {id} of an "
                                                             "existing one")
    metadata: Annotated[ComplexMetadata | None, BeforeValidator(_no_metadata)] = Field(
        None, description="Makes the lead an incoming lead of this category")

    def lead_keys(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ComplexLeadIn(BatchItem):
    """A lead body (``name``, ``price``, ``pipeline_id``, ``custom_fields_values``…) with its contact and
    company."""

    model_config = ConfigDict(extra="allow")

    embedded: ComplexEmbedded = Field(default_factory=ComplexEmbedded, alias="_embedded")

    def lead_keys(self) -> dict[str, Any]:
        """The lead's own keys, as the client sent them (without ``_embedded`` and ``request_id``)."""
        return dict(self.model_extra or {})

    def contact(self) -> dict[str, Any] | None:
        return dict(self.embedded.contacts[0]) if self.embedded.contacts else None

    def company(self) -> dict[str, Any] | None:
        return dict(self.embedded.companies[0]) if self.embedded.companies else None


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
