"""The rights object on the wire (spec §4.3): what clients send in users and roles, and what they read.

Letters are ``Literal`` types: ``A`` all, ``G`` group, ``M`` own (main), ``D`` denied, and ``L`` linked
for catalogs; ``add`` takes only ``A`` or ``D``. A ``null`` action, entity or list means "not given"
(clients echo whole objects). Unknown keys of the rights object are ignored (clients echo
``is_active``, ``request_id``…), but an unknown *action* inside an entity's rights is refused naming
it (``rights.tasks.fly``): a misspelt action would otherwise be silently dropped. Whether an action
is broader than the one it depends on (``edit`` broader than ``view``) is decided after merging over
the stored rights, by :func:`kanbo.accounts.rights.apply_rights`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from kanbo.http.wire import Id, OutModel, WireModel

Letter = Literal["A", "G", "M", "D"]
AddLetter = Literal["A", "D"]
CatalogLetter = Literal["A", "L", "D"]


def _unknown_action(value: Any) -> Any:
    raise PydanticCustomError("literal_error", "Unknown action.")


class Actions(WireModel):
    """An object of actions → letters; any other key is an error at its own path (NotSupportedChoice)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": False})
    __pydantic_extra__: dict[str, Annotated[Any, AfterValidator(_unknown_action)]]


class EntityRightsIn(Actions):
    view: Letter | None = None
    edit: Letter | None = None
    add: AddLetter | None = None
    delete: Letter | None = None
    export: Letter | None = None


class StageActionsIn(Actions):
    view: Letter | None = None
    edit: Letter | None = None
    delete: Letter | None = None
    export: Letter | None = None


class CatalogActionsIn(Actions):
    view: CatalogLetter | None = None
    add: CatalogLetter | None = None
    edit: CatalogLetter | None = None
    delete: CatalogLetter | None = None
    export: CatalogLetter | None = None


class StageRightsIn(WireModel):
    """The rights of one lead stage (``status_rights[]``)."""

    entity_type: Annotated[str, Field(max_length=255)] | None = None
    pipeline_id: Id
    status_id: Id
    rights: StageActionsIn | None = None


class CatalogRightsIn(WireModel):
    catalog_id: Id
    rights: CatalogActionsIn | None = None


class RightsIn(WireModel):
    """The permissions of a role (and of a user without one); what is not given keeps its value."""

    leads: EntityRightsIn | None = None
    contacts: EntityRightsIn | None = None
    companies: EntityRightsIn | None = None
    tasks: EntityRightsIn | None = None
    status_rights: list[StageRightsIn] | None = None
    catalog_rights: list[CatalogRightsIn] | None = None
    mail_access: StrictBool | None = None
    catalog_access: StrictBool | None = None


class UserRightsIn(RightsIn):
    """A new user's rights: the permissions plus the user's own flags. ``group_id`` 0 is the main group."""

    is_admin: StrictBool | None = None
    is_free: StrictBool | None = None
    group_id: Id | None = None
    role_id: Id | None = None


# Responses ---------------------------------------------------------------------------------------

class EntityRightsOut(OutModel):
    view: Letter
    edit: Letter
    add: Letter
    delete: Letter
    export: Letter


class StageActionsOut(OutModel):
    view: Letter | SkipJsonSchema[None] = None
    edit: Letter | SkipJsonSchema[None] = None
    delete: Letter | SkipJsonSchema[None] = None
    export: Letter | SkipJsonSchema[None] = None


class StageRightsOut(OutModel):
    entity_type: str
    pipeline_id: int
    status_id: int
    rights: StageActionsOut


class CatalogActionsOut(OutModel):
    view: CatalogLetter | SkipJsonSchema[None] = None
    add: CatalogLetter | SkipJsonSchema[None] = None
    edit: CatalogLetter | SkipJsonSchema[None] = None
    delete: CatalogLetter | SkipJsonSchema[None] = None
    export: CatalogLetter | SkipJsonSchema[None] = None


class CatalogRightsOut(OutModel):
    catalog_id: int
    rights: CatalogActionsOut


class RightsOut(OutModel):
    """Every key always present (PHP's ``RightModel::fromArray`` reads them unconditionally)."""

    leads: EntityRightsOut
    contacts: EntityRightsOut
    companies: EntityRightsOut
    tasks: EntityRightsOut
    mail_access: bool
    catalog_access: bool
    status_rights: list[StageRightsOut]
    catalog_rights: list[CatalogRightsOut]


class UserRightsOut(RightsOut):
    is_admin: bool
    is_free: bool
    is_active: bool
    group_id: int | None
    role_id: int | None
