"""The wire of contacts (spec §6.2): bodies, the list query and the documented answers."""

from __future__ import annotations

from typing import Annotated

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
    EntityEmbeddedIn,
    EntityIn,
    EntityList,
    EntityRefIn,
    HasId,
    Text,
    at_most_one,
    empty_as_none,
)
from kanbo.http.wire import OutModel


class ContactEmbeddedIn(EntityEmbeddedIn):
    """``_embedded`` of a contact: ``companies`` links an existing company on create."""

    companies: list[EntityRefIn] | None = Field(None, description="At most one")

    @field_validator("companies")
    @classmethod
    def _one_company(cls, value: list[EntityRefIn] | None) -> list[EntityRefIn] | None:
        return at_most_one(value, "contact")


class ContactIn(EntityIn):
    """A contact to add (``POST /api/v4/contacts``) or the body of ``PATCH /api/v4/contacts/{id}``;
    without ``name`` the name is ``first_name last_name``."""

    first_name: Text | None = None
    last_name: Text | None = None
    embedded: Annotated[ContactEmbeddedIn | None, BeforeValidator(empty_as_none)] = Field(None, alias="_embedded")


class ContactUpdate(ContactIn, HasId):
    """An item of ``PATCH /api/v4/contacts``."""


class ContactList(EntityList):
    """The query of ``GET /api/v4/contacts``."""


class ContactEmbeddedOut(OutModel):
    tags: list[EntityTagOut]
    companies: list[EntityLinkOut]
    leads: list[EntityLinkOut] | SkipJsonSchema[None] = None
    customers: EmptyList = None
    catalog_elements: EmptyList = None
    social_profiles: EmptyList = None


class ContactOut(EntityOut):
    first_name: str
    last_name: str
    is_unsorted: bool
    embedded: ContactEmbeddedOut = Field(alias="_embedded")


class ContactItem(RootModel[ContactOut | EntityTrashedOut]):
    """A contact, or its trashed form (``with=only_deleted``)."""


CONTACT_WIRE = kind_wire("Contacts", "contacts", new=ContactIn, update=ContactUpdate, params=ContactList,
                          full=ContactOut, item=ContactItem)
