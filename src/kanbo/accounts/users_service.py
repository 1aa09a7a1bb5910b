"""Adding users in a batch and (de)activating them. Services flush; the request commits.

Every item is validated, including against the database (taken emails, unknown roles and groups),
before anything is written: one bad item fails the whole batch with per-item validation errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import fields
from kanbo.accounts import repository as repo
from kanbo.accounts import rights as rights_mod
from kanbo.accounts.rights import require_admin
from kanbo.accounts.service import EMAIL, LANGUAGES, create_user, normalise_email
from kanbo.auth.passwords import hash_password
from kanbo.auth.sessions import delete_user_sessions
from kanbo.core.errors import BadRequest, Conflict, Errors
from kanbo.core.principal import Principal
from kanbo.core.time import now
from kanbo.models.users import Role, User, UserGroup

PASSWORD_MIN = 6
PASSWORD_MAX = 256
MAX_STATUS_CHANGES = 10


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


def _email(errors: Errors, request_id: str, value: Any) -> str | None:
    raw = fields.text(errors, request_id, "email", value)
    if raw is None:
        return None
    email = normalise_email(raw)
    if not EMAIL.match(email):
        errors.add(request_id, "email", f"'{raw}' is not a valid email address.", "InvalidEmail")
        return None
    return email


def _password(errors: Errors, request_id: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(request_id, "password", "This value should be of type string.", fields.INVALID_TYPE)
        return None
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        errors.add(request_id, "password",
                   f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX} characters.", "InvalidLength")
        return None
    return value


def _lang(errors: Errors, request_id: str, value: Any, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        errors.add(request_id, "lang", f"Must be one of: {', '.join(LANGUAGES)}.", "NotSupportedChoice")
        return default
    return value.strip().lower()


def parse_user(request_id: str, item: dict[str, Any], errors: Errors, default_lang: str) -> UserSpec | None:
    """Read one item of ``POST /api/v4/users``; ``None`` when it has errors (recorded in ``errors``)."""
    email = _email(errors, request_id, item.get("email"))
    name = fields.text(errors, request_id, "name", item.get("name"), required=False)
    password = _password(errors, request_id, item.get("password"))
    lang = _lang(errors, request_id, item.get("lang"), default_lang)
    raw_rights = item.get("rights")
    rights = rights_mod.normalise(raw_rights, errors, request_id)
    extra = raw_rights if isinstance(raw_rights, dict) else {}
    is_admin = fields.flag(errors, request_id, "rights.is_admin", extra.get("is_admin"), False)
    is_free = fields.flag(errors, request_id, "rights.is_free", extra.get("is_free"), False)
    group_id = fields.optional_id(errors, request_id, "rights.group_id", extra.get("group_id"))
    role_id = fields.optional_id(errors, request_id, "rights.role_id", extra.get("role_id"))
    if request_id in errors or email is None:
        return None
    return UserSpec(
        request_id=request_id, email=email, name=name or email.split("@")[0], password=password, lang=lang,
        rights=rights, is_admin=is_admin, is_free=is_free,
        group_id=group_id or None,  # group 0 is the account's main group: no group row
        role_id=role_id or None,
    )


async def add_users(session: AsyncSession, principal: Principal, batch: list[tuple[str, dict[str, Any]]], *,
                    default_lang: str) -> list[tuple[str, User]]:
    require_admin(principal, "add users")
    errors = Errors()
    specs: list[UserSpec] = []
    first_with_email: dict[str, str] = {}
    for request_id, item in batch:
        spec = parse_user(request_id, item, errors, default_lang)
        if spec is None:
            continue
        if spec.email in first_with_email:
            errors.add(request_id, "email",
                       f"The email '{spec.email}' is also used by item '{first_with_email[spec.email]}'.",
                       "NotUnique")
            continue
        first_with_email[spec.email] = request_id
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


async def set_active(session: AsyncSession, principal: Principal, batch: list[tuple[str, dict[str, Any]]],
                     active: bool) -> None:
    """``POST /api/v4/users/activate|deactivate`` with ``[{"id": …}]``; administrators are refused."""
    require_admin(principal, "activate users" if active else "deactivate users")
    errors = Errors()
    wanted: list[tuple[str, int]] = []
    for request_id, item in batch:
        user_id = fields.required_id(errors, request_id, "id", item.get("id"))
        if user_id is not None:
            wanted.append((request_id, user_id))
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
