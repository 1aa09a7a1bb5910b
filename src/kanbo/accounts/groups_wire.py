"""User groups on the wire (a Kanbo extension; Kommo lists groups in ``GET /api/v4/account?with=users_groups``
but offers no way to change them): the request models and the documented answers."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from kanbo.accounts.users_wire import Name
from kanbo.http.wire import BatchItem, OutModel, WireModel, hal_written
from kanbo.models.users import UserGroup


class GroupIn(BatchItem):
    """One item of ``POST /api/v4/users/groups``."""

    name: Name


class GroupPatch(WireModel):
    """``PATCH /api/v4/users/groups/{id}``: the new name."""

    name: Name


class UserGroupOut(OutModel):
    id: int
    name: str
    uuid: str


class UserGroupWritten(UserGroupOut):
    request_id: str = Field(description="The item's request_id (its index when none was sent)")


UserGroupsWritten = hal_written("UserGroupsWritten", "users_groups", UserGroupWritten)


def render_group(group: UserGroup) -> dict[str, Any]:
    """The shape of ``_embedded.users_groups[]`` of the account."""
    return {"id": group.id, "name": group.name, "uuid": group.uuid}
