"""Adding users in a batch, changing one (a Kanbo extension) and (de)activating them. Services flush; the
request commits.

Every item is validated, including against the database (taken emails, unknown roles and groups),
before anything is written: one bad item fails the whole batch with per-item validation errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import repository as repo
from kanbo.accounts.rights import apply_rights, require_admin
from kanbo.accounts.service import EMAIL, create_user
from kanbo.accounts.users_wire import PASSWORD_MAX, PASSWORD_MIN, UserIn, UserPatch, UserStatusIn, rights_object
from kanbo.auth.passwords import hash_password
from kanbo.auth.sessions import delete_user_sessions
from kanbo.core.errors import BadRequest, Conflict, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.users import Role, User, UserGroup


@dataclass
class UserSpec:
    request_id: str
    email: str
    name: str
    password: str | None
    lang: str
    rights: dict[str, Any]
    is_admin: bool
    is_free: bool
    group_id: int | None
    role_id: int | None


def read_user(item: UserIn, errors: Errors, default_lang: str) -> UserSpec | None:
    """What one typed item of ``POST /api/v4/users`` asks for, once the rules pydantic cannot check hold
    (the email's form, the password's length, the rights' dependencies); ``None`` when one fails (recorded
    in ``errors``)."""
    request_id = item.request_id or "0"
    if not EMAIL.match(item.email):
        errors.add(request_id, "email", f"'{item.email}' is not a valid email address.", "InvalidEmail")
    if item.password is not None and not PASSWORD_MIN <= len(item.password) <= PASSWORD_MAX:
        errors.add(request_id, "password",
                   f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters.", "InvalidLength")
    given = item.rights
    rights = apply_rights(given, errors, request_id)
    if request_id in errors:
        return None
    return UserSpec(
        request_id=request_id, email=item.email, name=item.name or item.email.split("@")[0],
        password=item.password, lang=item.lang or default_lang, rights=rights,
        is_admin=bool(given and given.is_admin), is_free=bool(given and given.is_free),
        group_id=(given.group_id or None) if given else None,  # group 0 is the account's main group: no row
        role_id=(given.role_id or None) if given else None,
    )


async def add_users(session: AsyncSession, principal: Principal, items: Sequence[UserIn], *,
                    default_lang: str) -> list[tuple[str, User]]:
    require_admin(principal, "add users")
    errors = Errors()
    specs: list[UserSpec] = []
    first_with_email: dict[str, str] = {}
    for item in items:
        spec = read_user(item, errors, default_lang)
        if spec is None:
            continue
        if spec.email in first_with_email:
            errors.add(spec.request_id, "email",
                       f"The email '{spec.email}' is also used by item '{first_with_email[spec.email]}'.",
                       "NotUnique")
            continue
        first_with_email[spec.email] = spec.request_id
        specs.append(spec)
    taken = await repo.taken_emails(session, (s.email for s in specs))
    roles = await repo.existing_ids(session, Role, (s.role_id for s in specs if s.role_id))
    groups = await repo.existing_ids(session, UserGroup, (s.group_id for s in specs if s.group_id))
    for spec in specs:
        if spec.email in taken:
            errors.add(spec.request_id, "email", f"A user with the email '{spec.email}' already exists.",
                       "NotUnique")
        if spec.role_id is not None and spec.role_id not in roles:
            errors.add(spec.request_id, "rights.role_id", f"Role {spec.role_id} does not exist.", "NotFound")
        if spec.group_id is not None and spec.group_id not in groups:
            errors.add(spec.request_id, "rights.group_id", f"Group {spec.group_id} does not exist.", "NotFound")
    errors.raise_if_any()

    created: list[tuple[str, User]] = []
    try:
        async with session.begin_nested():
            for spec in specs:
                user = await create_user(
                    session, email=spec.email, name=spec.name, password=spec.password, is_admin=spec.is_admin,
                    lang=spec.lang, rights=spec.rights, group_id=spec.group_id, role_id=spec.role_id,
                    is_free=spec.is_free,
                )
                created.append((spec.request_id, user))
    except IntegrityError:
        # Another request took one of the emails between our check and our insert.
        raise Conflict("A user with one of these emails was created at the same time; retry") from None
    return created


async def set_own_language(session: AsyncSession, principal: Principal, lang: str) -> None:
    """The signed-in user's own choice of language (the web UI's switch): no right is needed for it."""
    users = await repo.users_by_ids(session, [principal.user_id])
    user = users.get(principal.user_id)
    if user is None:
        raise NotFound(f"User {principal.user_id} does not exist")
    user.lang = lang


async def update_user(session: AsyncSession, principal: Principal, user_id: int, data: UserPatch) -> User:
    """``PATCH /api/v4/users/{id}``: name, language, the user's own permissions (merged over what they have),
    admin and free flags, group (0: the main group) and role (0: none). An administrator cannot take away
    their own administrator flag (the account would risk having none)."""
    require_admin(principal, "change users")
    users = await repo.users_by_ids(session, [user_id])
    user = users.get(user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist")
    errors = Errors()
    given = data.rights
    permissions = None
    if given is not None:
        permissions = apply_rights(given, errors, "0", base=rights_object(user.rights))
        if given.is_admin is False and user.id == principal.user_id:
            errors.add("0", "rights.is_admin", "You cannot take away your own administrator rights.",
                       "NotSupportedChoice")
        if given.role_id and given.role_id not in await repo.existing_ids(session, Role, [given.role_id]):
            errors.add("0", "rights.role_id", f"Role {given.role_id} does not exist.", "NotFound")
        if given.group_id and given.group_id not in await repo.existing_ids(session, UserGroup, [given.group_id]):
            errors.add("0", "rights.group_id", f"Group {given.group_id} does not exist.", "NotFound")
    errors.raise_if_any()
    if data.name is not None:
        user.name = data.name
    if data.lang is not None:
        user.lang = data.lang
    if given is not None and permissions is not None:
        user.rights = permissions
        if given.is_admin is not None:
            user.is_admin = given.is_admin
        if given.is_free is not None:
            user.is_free = given.is_free
        if given.group_id is not None:
            user.group_id = given.group_id or None
        if given.role_id is not None:
            user.role_id = given.role_id or None
    user.updated_at = now()
    await session.flush()
    return user


async def set_active(session: AsyncSession, principal: Principal, items: Sequence[UserStatusIn],
                     active: bool) -> None:
    """``POST /api/v4/users/activate|deactivate`` with ``[{"id": …}]``; administrators are refused."""
    require_admin(principal, "activate users" if active else "deactivate users")
    errors = Errors()
    wanted = [(item.request_id or "0", item.id) for item in items]
    users = await repo.users_by_ids(session, (user_id for _, user_id in wanted))
    for request_id, user_id in wanted:
        user = users.get(user_id)
        if user is None:
            errors.add(request_id, "id", f"User {user_id} does not exist.", "NotFound")
        elif user.is_admin:
            verb = "activated" if active else "deactivated"
            errors.add(request_id, "id", f"User {user_id} is an administrator and cannot be {verb}.",
                       "NotSupportedChoice")
    errors.raise_if_any()
    stamp = now()
    for user in users.values():
        if user.is_active != active:
            user.is_active = active
            user.updated_at = stamp
    await session.flush()


async def set_password(session: AsyncSession, user: User, password: str) -> int:
    """Give ``user`` a new password (same length rule as the API) and end their browser sessions.

    Access tokens stay valid: integrations act for the user and are revoked on their own.
    Returns how many browser sessions ended.
    """
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise BadRequest(f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters")
    user.password_hash = hash_password(password)
    user.updated_at = now()
    await session.flush()
    return await delete_user_sessions(session, user.id)
