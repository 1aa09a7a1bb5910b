"""The three CRM entity types and what differs between them."""

from __future__ import annotations

from dataclasses import dataclass

from kanbo.models.entities import Company, Contact, EntityColumns, Lead


@dataclass(frozen=True)
class EntityKind:
    name: str  # path and rights key: leads, contacts, companies
    singular: str  # event entity type: lead, contact, company
    model: type[EntityColumns]
    element_type: int  # legacy numeric type (webhooks, notes): 1 contact, 2 lead, 3 company


LEADS = EntityKind("leads", "lead", Lead, 2)
CONTACTS = EntityKind("contacts", "contact", Contact, 1)
COMPANIES = EntityKind("companies", "company", Company, 3)
KINDS = {kind.name: kind for kind in (LEADS, CONTACTS, COMPANIES)}
BY_SINGULAR = {kind.singular: kind for kind in (LEADS, CONTACTS, COMPANIES)}


def kind_of(name: str) -> EntityKind | None:
    """Plural or singular name → kind (PHP's EntityFactory accepts both)."""
    return KINDS.get(name) or BY_SINGULAR.get(name)
