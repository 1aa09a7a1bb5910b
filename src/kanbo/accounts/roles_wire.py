"""Roles on the wire (spec §4.1, §4.3): request models of the roles API and the documented answers.

The role object itself is rendered by :func:`kanbo.accounts.users_wire.render_role`.
"""

from __future__ import annotations

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from kanbo.accounts.account_wire import PageQuery, WithQuery
from kanbo.accounts.rights_wire import RightsIn, RightsOut
from kanbo.accounts.users_wire import Name, UserOut
from kanbo.http.wire import BatchItem, Id, OutModel, SelfLinks, hal_page, hal_written

ROLE_WITH = ("users",)


# Requests ----------------------------------------------------------------------------------------

class RoleIn(BatchItem):
    """One item of ``POST /api/v4/roles``; rights not given are allowed (``A``, access on)."""

    name: Name
    rights: RightsIn | None = None


class RolePatch(BatchItem):
    """``PATCH /api/v4/roles/{id}``: what is given changes, the rest of the role stays."""

    name: Name | None = None
    rights: RightsIn | None = None


class RoleUpdate(RolePatch):
    """One item of ``PATCH /api/v4/roles``."""

    id: Id


class RoleList(PageQuery):
    known_with = ROLE_WITH


class RoleQuery(WithQuery):
    known_with = ROLE_WITH


# Responses ---------------------------------------------------------------------------------------

class RoleEmbedded(OutModel):
    users: list[UserOut]


class RoleOut(OutModel):
    id: int
    name: str
    rights: RightsOut
    links: SelfLinks = Field(alias="_links")
    embedded: RoleEmbedded | SkipJsonSchema[None] = Field(None, alias="_embedded")


class RoleWritten(RoleOut):
    request_id: str


class RoleUpdated(RoleWritten):
    updated_at: int


class RolePatched(RoleOut):
    updated_at: int


RolesPage = hal_page("RolesPage", "roles", RoleOut, total=True)
RolesWritten = hal_written("RolesWritten", "roles", RoleWritten)
RolesUpdated = hal_written("RolesUpdated", "roles", RoleUpdated)
