"""Field groups on the wire (spec §12.5)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from kanbo.custom_fields.field_wire import Name, ShortListParams, Sort
from kanbo.custom_fields.types import EntityType
from kanbo.http.wire import BatchItem, Id, OutModel, SelfLinks, WireModel, hal_page, hal_written

FieldIds = list[Id] | None


class GroupIn(BatchItem):
    """A new group (``POST /api/v4/{entity}/custom_fields/groups``)."""

    name: Name
    sort: Sort = 0
    fields: FieldIds = Field(None, description="Ids of the entity type's fields to move into the group")


class GroupPatch(WireModel):
    """A change of a group: the keys given change; ``fields`` lists every field the group keeps."""

    name: Name | None = None
    sort: Sort | None = None
    fields: FieldIds = Field(None, description="Ids of all the fields of the group")


class GroupList(ShortListParams):
    pass


class GroupOut(OutModel):
    id: str
    name: str
    sort: int
    entity_type: EntityType
    is_predefined: bool
    type: Literal["custom_field_group", "linked_group"]
    fields: list[int]
    request_id: str | SkipJsonSchema[None] = Field(None, description="In the answer of a batch create")
    links: SelfLinks = Field(alias="_links")


GroupsPage = hal_page("GroupsPage", "custom_field_groups", GroupOut, total=True)


GroupsWritten = hal_written("GroupsWritten", "custom_field_groups", GroupOut, total=True)
