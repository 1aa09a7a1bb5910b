"""Users on the wire (spec §4.2, §4.3): the request models of the users API, and the user, role and
rights objects as Kommo clients read them (rendered as plain dicts; the ``*Out`` models document them).

PHP's ``UserModel::fromArray`` reads ``id``, ``email`` and ``rights`` unconditionally, and
``RightModel::fromArray`` reads ``leads``, ``contacts``, ``companies``, ``tasks``, ``status_rights``,
``mail_access`` and ``catalog_access``: those keys are always emitted. ``tasks`` carries all five
actions (a documented Kanbo extension; Kommo itself sends only ``edit`` and ``delete``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from starlette.requests import Request

from kanbo.accounts.account_wire import MAIN_GROUP_NAME, PageQuery, WithQuery
from kanbo.accounts.rights import ACTIONS, ENTITIES
from kanbo.accounts.rights_wire import RightsIn, UserRightsIn, UserRightsOut
from kanbo.accounts.service import EMAIL
from kanbo.http.hal import href
from kanbo.http.wire import BatchItem, Id, OutModel, SelfLinks, WireModel, hal_page, hal_written
from kanbo.models.users import Role, User, UserGroup

USER_WITH = ("role", "group", "uuid", "amojo_id", "user_rank", "phone_number")
PASSWORD_MIN = 6
PASSWORD_MAX = 256
MAX_STATUS_CHANGES = 10

#: A name: surrounding spaces removed, then 1 to 255 characters (blank is ``NotBlank``).
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


def _folded(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


# Requests ----------------------------------------------------------------------------------------

#: A user's language: "es" or "en", in any case.
Language = Annotated[Literal["es", "en"], BeforeValidator(_folded)]


class UserIn(BatchItem):
    """One item of ``POST /api/v4/users``. The email's form and uniqueness and the password's length are
    checked by the service (``InvalidEmail``, ``NotUnique``, ``InvalidLength``)."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=255),
                     Field(json_schema_extra={"pattern": EMAIL.pattern})]
    name: Name | None = Field(None, description="Defaults to the part of the email before the @")
    password: str | None = Field(None, json_schema_extra={"minLength": PASSWORD_MIN, "maxLength": PASSWORD_MAX})
    lang: Language | None = Field(None, description="Defaults to the account's language")
    rights: UserRightsIn | None = None


class UserRightsPatch(RightsIn):
    """The rights of ``PATCH /api/v4/users/{id}`` (a Kanbo extension): the permissions given are merged over
    the user's own, the flags given change. ``group_id`` 0 is the main group, ``role_id`` 0 is no role."""

    is_admin: StrictBool | None = None
    is_free: StrictBool | None = None
    group_id: Id | None = Field(None, description="0: the account's main group")
    role_id: Id | None = Field(None, description="0: no role (the user's own permissions apply)")


class UserPatch(WireModel):
    """``PATCH /api/v4/users/{id}`` (a Kanbo extension; Kommo has no user update): what is given changes."""

    name: Name | None = None
    lang: Language | None = None
    rights: UserRightsPatch | None = None


class UserStatusIn(BatchItem):
    """One item of ``POST /api/v4/users/activate`` and ``/deactivate``."""

    id: Id


class UserList(PageQuery):
    known_with = USER_WITH


class UserQuery(WithQuery):
    known_with = USER_WITH


# Responses ---------------------------------------------------------------------------------------

class RoleRef(OutModel):
    id: int
    name: str
    links: SelfLinks = Field(alias="_links")


class GroupRef(OutModel):
    id: int
    name: str


class UserEmbedded(OutModel):
    roles: list[RoleRef] | SkipJsonSchema[None] = None
    groups: list[GroupRef] | SkipJsonSchema[None] = None


class UserOut(OutModel):
    id: int
    name: str
    email: str
    lang: str
    rights: UserRightsOut
    uuid: str | SkipJsonSchema[None] = None
    amojo_id: str | SkipJsonSchema[None] = None
    user_rank: str | SkipJsonSchema[None] = None
    phone_number: str | None = None
    links: SelfLinks = Field(alias="_links")
    embedded: UserEmbedded | SkipJsonSchema[None] = Field(None, alias="_embedded")


class UserWritten(UserOut):
    request_id: str


UsersPage = hal_page("UsersPage", "users", UserOut, total=True)
UsersWritten = hal_written("UsersWritten", "users", UserWritten)


def main_group_name(lang: str) -> str:
    return MAIN_GROUP_NAME.get(lang, MAIN_GROUP_NAME["en"])


def rights_object(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The permission part of a rights object, complete whatever was stored (missing means denied)."""
    stored = stored or {}
    body: dict[str, Any] = {}
    for entity in ENTITIES:
        given = stored.get(entity)
        given = given if isinstance(given, dict) else {}
        body[entity] = {action: str(given.get(action, "D")) for action in ACTIONS}
    body["mail_access"] = bool(stored.get("mail_access", False))
    body["catalog_access"] = bool(stored.get("catalog_access", False))
    body["status_rights"] = list(stored.get("status_rights") or [])
    body["catalog_rights"] = list(stored.get("catalog_rights") or [])
    return body


def user_rights(user: User, role: Role | None) -> dict[str, Any]:
    """The rights that apply to the user (the role's when it has one) plus the user's own flags."""
    body = rights_object(role.rights if role is not None else user.rights)
    body.update({
        "is_admin": user.is_admin,
        "is_free": user.is_free,
        "is_active": user.is_active,
        "group_id": user.group_id,
        "role_id": user.role_id,
    })
    return body


def role_link(request: Request, role_id: int) -> dict[str, Any]:
    return {"self": href(request, f"/api/v4/roles/{role_id}")}


def render_user(
    request: Request,
    user: User,
    role: Role | None,
    group: UserGroup | None = None,
    *,
    with_: frozenset[str] = frozenset(),
    account_lang: str = "en",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "lang": user.lang,
        "rights": user_rights(user, role),
    }
    if "uuid" in with_:
        body["uuid"] = user.uuid
    if "amojo_id" in with_:
        body["amojo_id"] = user.amojo_id
    if "user_rank" in with_:
        body["user_rank"] = user.user_rank
    if "phone_number" in with_:
        body["phone_number"] = user.phone_number
    body["_links"] = {"self": href(request, f"/api/v4/users/{user.id}")}
    embedded: dict[str, Any] = {}
    if "role" in with_:
        embedded["roles"] = [] if role is None else [
            {"id": role.id, "name": role.name, "_links": role_link(request, role.id)}
        ]
    if "group" in with_:
        if group is None:
            embedded["groups"] = [{"id": 0, "name": main_group_name(account_lang)}]
        else:
            embedded["groups"] = [{"id": group.id, "name": group.name}]
    if embedded:
        body["_embedded"] = embedded
    return body


def render_role(request: Request, role: Role, users: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": role.id,
        "name": role.name,
        "rights": rights_object(role.rights),
        "_links": role_link(request, role.id),
    }
    if users is not None:
        body["_embedded"] = {"users": users}
    return body
