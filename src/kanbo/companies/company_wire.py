"""The wire of companies (spec §6.2): bodies, the list query and the documented answers."""

from __future__ import annotations

from pydantic import Field, RootModel
from pydantic.json_schema import SkipJsonSchema

from kanbo.entities.answers_wire import EmptyList, EntityLinkOut, EntityOut, EntityTagOut, EntityTrashedOut, kind_wire
from kanbo.entities.wire import EntityIn, EntityList, HasId
from kanbo.http.wire import OutModel


class CompanyIn(EntityIn):
    """A company to add (``POST /api/v4/companies``) or the body of ``PATCH /api/v4/companies/{id}``."""


class CompanyUpdate(CompanyIn, HasId):
    """An item of ``PATCH /api/v4/companies``."""


class CompanyList(EntityList):
    """The query of ``GET /api/v4/companies``."""


class CompanyEmbeddedOut(OutModel):
    tags: list[EntityTagOut]
    contacts: list[EntityLinkOut] | SkipJsonSchema[None] = None
    leads: list[EntityLinkOut] | SkipJsonSchema[None] = None
    customers: EmptyList = None
    catalog_elements: EmptyList = None


class CompanyOut(EntityOut):
    embedded: CompanyEmbeddedOut = Field(alias="_embedded")


class CompanyItem(RootModel[CompanyOut | EntityTrashedOut]):
    """A company, or its trashed form (``with=only_deleted``)."""


COMPANY_WIRE = kind_wire("Companies", "companies", new=CompanyIn, update=CompanyUpdate, params=CompanyList,
                          full=CompanyOut, item=CompanyItem)
