"""Reading fields of batch items: each problem becomes a validation error naming the item and path."""

from __future__ import annotations

from typing import Any

from kanbo.core.errors import Errors
from kanbo.core.values import as_int

NOT_BLANK = "NotBlank"
INVALID_TYPE = "InvalidType"


def text(errors: Errors, request_id: str, path: str, value: Any, *, required: bool = True,
         max_length: int = 255) -> str | None:
    """A non-empty string (surrounding spaces removed); ``None`` when absent or invalid."""
    if value is None:
        if required:
            errors.add(request_id, path, "This value should not be blank.", NOT_BLANK)
        return None
    if not isinstance(value, str):
        errors.add(request_id, path, "This value should be of type string.", INVALID_TYPE)
        return None
    stripped = value.strip()
    if not stripped:
        errors.add(request_id, path, "This value should not be blank.", NOT_BLANK)
        return None
    if len(stripped) > max_length:
        errors.add(request_id, path, f"This value is too long. It should have {max_length} characters or less.",
                   "TooLong")
        return None
    return stripped


integer = as_int


def optional_id(errors: Errors, request_id: str, path: str, value: Any) -> int | None:
    """An id, or ``None`` when absent or ``null``; negative or non-integer values are errors."""
    if value is None:
        return None
    number = integer(value)
    if number is None or number < 0:
        errors.add(request_id, path, "This value should be a non-negative integer.", INVALID_TYPE)
        return None
    return number


def required_id(errors: Errors, request_id: str, path: str, value: Any) -> int | None:
    if value is None:
        errors.add(request_id, path, "This value should not be blank.", NOT_BLANK)
        return None
    number = integer(value)
    if number is None or number < 1:
        errors.add(request_id, path, "This value should be a positive integer.", INVALID_TYPE)
        return None
    return number


def flag(errors: Errors, request_id: str, path: str, value: Any, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(request_id, path, "This value should be of type bool.", INVALID_TYPE)
        return default
    return value
