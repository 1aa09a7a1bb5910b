"""What the lead, contact and company routes answer, for the OpenAPI document (spec §5.2, §6.2).

These models only document: the routes render plain dicts (:mod:`kanbo.entities.wire`) and serialize
them once. A key the server adds only for some ``with`` values is optional; a key it always sends but
may be ``null`` is required and nullable.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from kanbo.entities.spec import KindWire
from kanbo.http.wire import BatchItem, OutModel, SelfLinks, hal_page, hal_written


class EntityTagOut(OutModel):
    id: int
    name: str
    color: str | None


class EntityLinkOut(OutModel):
    """A linked entity: its id and link."""

    id: int
    links: SelfLinks = Field(alias="_links")


class EntityFieldValuesOut(OutModel):
    """One field of ``custom_fields_values``; the shape of each value depends on ``field_type`` (§12.4)."""

    field_id: int
    field_name: str
    field_code: str | None
    field_type: str
    values: list[dict[str, Any]]


class EntityOut(OutModel):
    """The keys every lead, contact and company has."""

    id: int
    name: str
    responsible_user_id: int
    group_id: int
    created_by: int
    updated_by: int
    created_at: int
    updated_at: int
    closest_task_at: int | None
    is_deleted: bool
    custom_fields_values: list[EntityFieldValuesOut] | None
    account_id: int
    links: SelfLinks = Field(alias="_links")


class EntityTrashedOut(OutModel):
    """An entity in the trash (``with=only_deleted``)."""

    id: int
    updated_at: int
    is_deleted: bool
    links: SelfLinks = Field(alias="_links")


class EntityAddedOut(OutModel):
    id: int
    request_id: str
    links: SelfLinks = Field(alias="_links")


class EntityUpdatedOut(OutModel):
    id: int
    updated_at: int
    request_id: str
    links: SelfLinks = Field(alias="_links")


class EntityPatchedOut(OutModel):
    """The answer of ``PATCH /api/v4/{entity}/{id}``."""

    id: int
    updated_at: int
    links: SelfLinks = Field(alias="_links")


def kind_wire(plural: str, key: str, *, new: type[BatchItem], update: type[BatchItem], params: type[BaseModel],
              full: type[BaseModel], item: type[BaseModel]) -> KindWire:
    """One kind's models; the page (``LeadsPage``), batch add and update answers (``LeadsAdded``,
    ``LeadsUpdated``) are built here from ``item`` (the entity or its trashed form)."""
    return KindWire(new=new, update=update, params=params, page=hal_page(f"{plural}Page", key, item), item=item,
                    full=full, added=hal_written(f"{plural}Added", key, EntityAddedOut),
                    updated=hal_written(f"{plural}Updated", key, EntityUpdatedOut))


#: An ``_embedded`` list the server always sends empty (customers, catalog elements, social profiles).
EmptyList = list[dict[str, Any]] | SkipJsonSchema[None]
