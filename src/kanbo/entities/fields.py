"""Legacy hand-written field checkers, kept only for the callers outside the entities domain.

Leads, contacts and companies no longer use them: their bodies are pydantic models (``entities/wire.py``)
and the database checks live in ``entities/service.py``. ``tasks``, ``notes``, ``calls`` and
``unsorted`` still import these names; delete this module once the last of them is typed.
``UserInfo`` and ``users_map`` live in :mod:`kanbo.entities.users` and are re-exported here.
"""

from __future__ import annotations

from typing import Any

from kanbo.core.errors import Errors
from kanbo.entities.users import UserInfo, users_map
from kanbo.http.query import as_int

__all__ = ["UserInfo", "actor_field", "as_int", "int_field", "text_field", "user_field", "users_map"]


def int_field(item: dict[str, Any], key: str, errors: Errors, request_id: str, *, path: str | None = None,
              minimum: int | None = 0) -> int | None:
    """An optional integer field; ``None`` when absent or null."""
    if key not in item or item[key] is None:
        return None
    number = as_int(item[key])
    if number is None or (minimum is not None and number < minimum):
        errors.add(request_id, path or key, "This value should be of type int.", "InvalidType")
        return None
    return number


def text_field(item: dict[str, Any], key: str, errors: Errors, request_id: str, *, max_length: int = 255,
               path: str | None = None) -> str | None:
    if key not in item or item[key] is None:
        return None
    value = item[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(request_id, path or key, "This value should be of type string.", "InvalidType")
        return None
    if len(value) > max_length:
        errors.add(request_id, path or key, f"This value is too long ({max_length} characters at most).", "TooLong")
        return None
    return value.strip()


def user_field(item: dict[str, Any], key: str, errors: Errors, request_id: str,
               users: dict[int, UserInfo]) -> int | None:
    """A user id that must name an active user of the account (``0`` is not allowed)."""
    user_id = int_field(item, key, errors, request_id)
    if user_id is None:
        return None
    info = users.get(user_id)
    if info is None or not info.is_active:
        errors.add(request_id, key, f"User {user_id} is not an active user of this account.", "NotSupportedChoice")
        return None
    return user_id


def actor_field(item: dict[str, Any], key: str, errors: Errors, request_id: str,
                users: dict[int, UserInfo]) -> int | None:
    """``created_by``/``updated_by``: a user of the account, or 0 for the robot."""
    user_id = int_field(item, key, errors, request_id)
    if user_id is None or user_id == 0:
        return user_id
    if user_id not in users:
        errors.add(request_id, key, f"User {user_id} is not a user of this account.", "NotSupportedChoice")
        return None
    return user_id
