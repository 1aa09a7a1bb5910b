"""The task type object (spec §3, ``with=task_types``) and Kanbo's custom task types API on the wire."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from starlette.requests import Request

from kanbo.custom_fields.types import as_text
from kanbo.http.hal import href
from kanbo.http.wire import BatchItem, OutModel, SelfLinks, hal_page, hal_written
from kanbo.models.activity import TaskType
from kanbo.tasks.wire import not_blank

TYPES_BASE = "/api/v4/tasks/types"


def _text(value: Any) -> Any:
    """Numbers are written as text."""
    text = as_text(value) if value is not None else None
    return value if text is None else text


def _blank(value: Any) -> Any:
    """``""`` clears; other texts are stripped."""
    if isinstance(value, str):
        return value.strip() or None
    return value


TypeName = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=255), AfterValidator(not_blank)]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$"), AfterValidator(str.lower)]
IconId = Annotated[int, Field(ge=0, lt=2**31)]
Code = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=64)]


class TaskTypePatch(BatchItem):
    """``PATCH /api/v4/tasks/types/{id}``: what is given changes; ``color``, ``icon_id`` and ``code`` may
    be null (or ``""``) to clear them, ``name`` may not."""

    name: TypeName | None = None
    color: Annotated[Color | None, BeforeValidator(_blank), Field(description="#rrggbb, or null")] = None
    icon_id: IconId | None = None
    code: Annotated[Code | None, BeforeValidator(_blank)] = None


def _required(value: Any) -> Any:
    return "" if value is None else value  # a null name is a blank one


class TaskTypeIn(TaskTypePatch):
    """One type of ``POST /api/v4/tasks/types``."""

    name: Annotated[TypeName, BeforeValidator(_required)]


# Responses ----------------------------------------------------------------------------------------

def render_custom_type(task_type: TaskType) -> dict[str, Any]:
    return {"id": task_type.id, "name": task_type.name, "color": task_type.color, "icon_id": task_type.icon_id,
            "code": task_type.code}


def with_link(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "_links": {"self": href(request, f"{TYPES_BASE}/{body['id']}")}}


class TaskTypeOut(OutModel):
    id: int
    name: str
    color: str | None
    icon_id: int | None
    code: str | None
    links: SelfLinks = Field(alias="_links")


class TaskTypeWritten(TaskTypeOut):
    request_id: str


TaskTypesPage = hal_page("TaskTypesPage", "task_types", TaskTypeOut, total=True)
TaskTypesWritten = hal_written("TaskTypesWritten", "task_types", TaskTypeWritten)
