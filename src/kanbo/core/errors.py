"""One error hierarchy; every error carries its HTTP status and renders as problem+json."""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


class KanboError(Exception):
    status: int = 400

    def __init__(self, detail: str, *, status: int | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        self.extra: dict[str, Any] = extra
        self.headers: dict[str, str] = {}

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = dict(self.extra)
        body.update(
            {
                "title": self.title,
                "type": f"https://httpstatus.es/{self.status}",
                "status": self.status,
                "detail": self.detail,
            }
        )
        return body


class BadRequest(KanboError):
    status = 400


class Unauthorized(KanboError):
    status = 401


class Forbidden(KanboError):
    status = 403


class NotFound(KanboError):
    status = 404


class Conflict(KanboError):
    status = 409


class PayloadTooLarge(KanboError):
    status = 413


class Unprocessable(KanboError):
    status = 422


class TooManyRequests(KanboError):
    status = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.headers["Retry-After"] = str(retry_after)


class OAuthError(KanboError):
    """Token-endpoint errors carry a ``hint`` as Kommo's do."""

    def __init__(self, hint: str, *, status: int = 400, detail: str | None = None) -> None:
        super().__init__(detail or "The request is missing parameters or the parameters are invalid",
                         status=status, hint=hint)
        self.hint = hint


@dataclass
class FieldError:
    code: str
    path: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "path": self.path, "detail": self.detail}


@dataclass
class ItemErrors:
    request_id: str
    errors: list[FieldError] = field(default_factory=list)


class ValidationFailed(KanboError):
    """400 with Kommo's ``validation-errors`` list, one entry per failing batch item."""

    status = 400

    def __init__(self, items: list[ItemErrors], detail: str = "Request validation failed") -> None:
        super().__init__(detail)
        self.items = items

    def body(self) -> dict[str, Any]:
        body = {
            "validation-errors": [
                {"request_id": item.request_id, "errors": [e.as_dict() for e in item.errors]}
                for item in self.items
            ]
        }
        body.update(super().body())
        return body

    @classmethod
    def single(cls, path: str, detail: str, *, code: str = "InvalidValue", request_id: str = "0") -> ValidationFailed:
        return cls([ItemErrors(request_id, [FieldError(code, path, detail)])])


class Errors:
    """Collects per-item validation errors of a batch; ``raise_if_any`` fails the whole batch."""

    def __init__(self) -> None:
        self._items: dict[str, ItemErrors] = {}

    def add(self, request_id: str, path: str, detail: str, code: str = "InvalidValue") -> None:
        item = self._items.setdefault(request_id, ItemErrors(request_id))
        item.errors.append(FieldError(code, path, detail))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __contains__(self, request_id: object) -> bool:
        """Has the item with this ``request_id`` failed already?"""
        return request_id in self._items

    def items(self) -> list[ItemErrors]:
        return list(self._items.values())

    def raise_if_any(self) -> None:
        if self._items:
            raise ValidationFailed(list(self._items.values()))
