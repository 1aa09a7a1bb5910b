"""The wire of the links API (spec §17): link and unlink items per source type, the list filters and
the link objects answered."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, create_model

from kanbo.http.query import MAX_INT, as_list
from kanbo.http.wire import BatchItem, OutModel, SelfLinks, WireModel, hal_written

#: An entity id: positive, within BIGINT.
EntityId = Annotated[int, Field(ge=1, le=MAX_INT)]


def _values(value: Any, info: ValidationInfo) -> list[str]:
    """A filter's value or values: ``k=1``, ``k=1,2``, ``k[]=1&k[]=2``, ``k[0]=1``."""
    return as_list(value, path=f"filter[{info.field_name}]")


#: ``filter[entity_id]`` / ``filter[to_entity_id]``: ids, as a list or comma-separated.
IdValues = Annotated[list[EntityId], BeforeValidator(_values)]
#: ``filter[to_entity_type]``: entity types, as a list or comma-separated.
TypeValues = Annotated[list[Annotated[str, Field(max_length=255)]], BeforeValidator(_values)]

EntityType = Literal["leads", "contacts", "companies"]


class EntityLinkMetadata(WireModel):
    """A lead ↔ contact link's ``metadata``: is the contact the lead's main one (either key says so)."""

    main_contact: bool | None = None
    is_main: bool | None = None


class LinkIn(BatchItem):
    """One link of ``POST /api/v4/{entity}/{id}/link`` (or ``unlink``); each source type narrows
    ``to_entity_type``, and its batch form adds ``entity_id``."""

    to_entity_id: EntityId
    to_entity_type: str
    metadata: EntityLinkMetadata | None = None

    def source_id(self) -> int | None:
        """The entity a batch form's item names; ``None`` in the one-entity forms (the path names it)."""
        value: int | None = getattr(self, "entity_id", None)
        return value

    def is_main(self) -> bool:
        return bool(self.metadata and (self.metadata.main_contact or self.metadata.is_main))


class LeadsLinkIn(LinkIn):
    to_entity_type: Literal["contacts", "companies"]


class ContactsLinkIn(LinkIn):
    to_entity_type: Literal["leads", "companies"]


class CompaniesLinkIn(LinkIn):
    to_entity_type: Literal["contacts", "leads"]


class LeadsLinkBatchIn(LeadsLinkIn):
    """One link of ``POST /api/v4/leads/link`` (or ``unlink``), naming its lead."""

    entity_id: EntityId


class ContactsLinkBatchIn(ContactsLinkIn):
    """One link of ``POST /api/v4/contacts/link`` (or ``unlink``), naming its contact."""

    entity_id: EntityId


class CompaniesLinkBatchIn(CompaniesLinkIn):
    """One link of ``POST /api/v4/companies/link`` (or ``unlink``), naming its company."""

    entity_id: EntityId


#: The item models of each source type: (one entity's links, the batch form).
LINK_MODELS: dict[str, tuple[type[LinkIn], type[LinkIn]]] = {
    "leads": (LeadsLinkIn, LeadsLinkBatchIn),
    "contacts": (ContactsLinkIn, ContactsLinkBatchIn),
    "companies": (CompaniesLinkIn, CompaniesLinkBatchIn),
}


class LinksFilter(WireModel):
    to_entity_id: IdValues = Field(default_factory=list)
    to_entity_type: TypeValues = Field(default_factory=list)


class EntityLinksFilter(LinksFilter):
    entity_id: IdValues = Field(min_length=1, description="The entities whose links are listed (at most 250)")


class LinksQuery(WireModel):
    """``GET /api/v4/{entity}/{id}/links``: optional ``filter[to_entity_id]`` and ``filter[to_entity_type]``."""

    filter: LinksFilter = Field(default_factory=LinksFilter)


class EntityLinksQuery(WireModel):
    """``GET /api/v4/{entity}/links``: ``filter[entity_id]`` is required."""

    filter: EntityLinksFilter


# Answers ------------------------------------------------------------------------------------------

class EntityLinkMetadataOut(OutModel):
    main_contact: bool
    is_main: bool


class LinkedEntityOut(OutModel):
    """A link of one entity (its source is the path's)."""

    to_entity_id: int
    to_entity_type: EntityType
    metadata: EntityLinkMetadataOut | None


class EntityLinkOut(LinkedEntityOut):
    """A link naming its source entity."""

    entity_id: int
    entity_type: EntityType


def _links_page(name: str, item: type[LinkedEntityOut]) -> type[OutModel]:
    """The model of a links list: ``_total_items``, ``_links.self`` and ``_embedded.links`` (never paged)."""
    embedded = create_model(f"{name}Embedded", __base__=OutModel, links=(list[item], ...))  # type: ignore[valid-type]
    fields: dict[str, Any] = {
        "total_items": (int, Field(alias="_total_items")),
        "links": (SelfLinks, Field(alias="_links")),
        "embedded": (embedded, Field(alias="_embedded")),
    }
    return create_model(name, __base__=OutModel, **fields)


LinksPage = _links_page("LinksPage", LinkedEntityOut)
EntityLinksPage = _links_page("EntityLinksPage", EntityLinkOut)
LinksWritten = hal_written("LinksWritten", "links", EntityLinkOut)
