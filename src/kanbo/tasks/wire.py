"""The task object (spec §9.2) on the wire: what clients send (models), what the server answers (its
rendering, and the response models that document it).

Requests are lax where Kommo clients need it: ``"12"`` and ``12.0`` for ints, ``1700000000.0`` and RFC 3339
dates for ``complete_till``, numbers for texts, ``task_type`` for ``task_type_id``, echoed read-only keys
and nulls (a PATCH that echoes a whole task leaves what is null as it is), ``result`` as ``{"text"}``, a
plain text, ``[]`` or null. Checks that need the database (users, task types, the entity a task attaches
to, rights) are the service's.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
from starlette.requests import Request

from kanbo.core.errors import BadRequest
from kanbo.custom_fields.types import as_text, as_timestamp
from kanbo.entities.kinds import KINDS, kind_of
from kanbo.entities.users import UserInfo
from kanbo.http.hal import href
from kanbo.http.query import as_list
from kanbo.http.wire import (
    BatchItem,
    Id,
    ListParams,
    OutModel,
    SelfLinks,
    Timestamp,
    WireModel,
    hal_page,
    hal_written,
)
from kanbo.models.activity import Task

BASE = "/api/v4/tasks"
MAX_TEXT = 65535  # also the longest text a task_result note holds
MAX_DURATION = 2**31 - 1


# Request scalars ----------------------------------------------------------------------------------

def _text(value: Any) -> Any:
    """Numbers are written as text."""
    text = as_text(value)
    return value if text is None else text


def _timestamp(value: Any) -> Any:
    """Unix seconds from an int, a float, a digit string or an RFC 3339 date (else left to fail as an int)."""
    stamp = as_timestamp(value) if value is not None else None
    return value if stamp is None else stamp


def not_blank(value: str) -> str:
    """Stripped; blank is refused."""
    value = value.strip()
    if not value:
        raise PydanticCustomError("string_too_short", "This value should not be blank.")
    return value


def _required(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("missing", "This value should not be blank.")
    return value


def _no_entity(value: Any) -> Any:
    """PHP's ``empty()``: ``0``, ``"0"`` and ``""`` mean no entity."""
    return None if value in ("", "0") or (isinstance(value, int | float) and value == 0) else value


def _blank(value: Any) -> Any:
    return None if value == "" else value


def _result(value: Any) -> Any:
    """``{"text": …}``; a plain text or number is the text; ``[]`` (how a task without a result is
    rendered) and ``""`` are no result."""
    if value == [] or value == "":
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"text": value}
    return value


#: A task's text: a string (numbers are written as text), not blank, stripped.
TaskText = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=MAX_TEXT), AfterValidator(not_blank)]
#: A deadline: unix seconds, ``1700000000.0``, ``"1700000000"`` or an RFC 3339 date.
Deadline = Annotated[Timestamp, BeforeValidator(_timestamp)]
Duration = Annotated[int, Field(ge=0, le=MAX_DURATION, description="Seconds")]
EntityId = Annotated[Id | None, BeforeValidator(_no_entity),
                     Field(description="The lead, contact or company; null, 0 or \"\" for none")]
EntityType = Annotated[Literal["leads", "contacts", "companies", "lead", "contact", "company"] | None,
                       BeforeValidator(_blank)]


class TaskResultIn(WireModel):
    text: Annotated[str, BeforeValidator(_text), StringConstraints(max_length=MAX_TEXT)] | None = None


# Request bodies -----------------------------------------------------------------------------------

class TaskFields(BatchItem):
    """What a task write may set. Absent or null keys leave the value as it is (PATCH bodies echo whole
    tasks); read-only keys clients echo (``group_id``, ``account_id``, ``_links``…) are ignored."""

    text: TaskText | None = None
    complete_till: Deadline | None = None
    responsible_user_id: Id | None = None
    task_type_id: Id | None = None
    task_type: Id | None = Field(None, description="PHP's name for task_type_id")
    duration: Duration | None = None
    is_completed: bool | None = None
    entity_id: EntityId = None
    entity_type: EntityType = None
    created_by: Id | None = Field(None, description="A user of the account, or 0 for the robot")
    updated_by: Id | None = Field(None, description="A user of the account, or 0 for the robot")
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    result: Annotated[TaskResultIn | None, BeforeValidator(_result),
                      Field(description='{"text": …} when completing the task')] = None

    @property
    def type_id(self) -> int | None:
        return self.task_type_id if self.task_type_id is not None else self.task_type

    @property
    def result_text(self) -> str | None:
        text = self.result.text if self.result is not None else None
        return (text or "").strip() or None

    @property
    def entity_kind(self) -> str | None:
        """The plural name of ``entity_type`` (``lead`` → ``leads``)."""
        kind = kind_of(self.entity_type) if self.entity_type else None
        return kind.name if kind is not None else None


class TaskIn(TaskFields):
    """One task of ``POST /api/v4/tasks``."""

    text: Annotated[TaskText, BeforeValidator(_required)]
    complete_till: Annotated[Deadline, BeforeValidator(_required)]


class TaskPatch(TaskFields):
    """The body of ``PATCH /api/v4/tasks/{id}``."""


class TaskUpdate(TaskFields):
    """One task of ``PATCH /api/v4/tasks``: edit, complete (``is_completed: true`` with a ``result``) or
    reopen."""

    id: Annotated[Id, Field(ge=1)]


class TaskRef(BatchItem):
    """One task of ``DELETE /api/v4/tasks`` (Kanbo's trash)."""

    id: Annotated[Id, Field(ge=1)]


# Queries ------------------------------------------------------------------------------------------

def _values(value: Any) -> Any:
    """``k=1,2``, ``k[]=1&k[]=2`` or ``k[0]=1`` → a list; any other shape is left to fail as a list."""
    try:
        return as_list(value)
    except BadRequest:
        return value


def _last(value: Any) -> Any:
    if isinstance(value, list):
        value = value[-1] if value else None
    return None if value == "" else value


def _entity_name(value: str) -> str:
    name = value.strip().lower()
    kind = kind_of(name)
    if kind is not None:
        return kind.name
    if name in ("customers", "customer"):  # Kommo's; Kanbo has none, so they match nothing
        return "customers"
    raise PydanticCustomError("enum", "'{name}' is not one of leads, contacts, companies, customers",
                              {"name": value})


def _since(value: Any) -> Any:
    """A single timestamp means ``from`` (modified at or after it)."""
    if isinstance(value, dict) or value in (None, ""):
        return value or None
    return {"from": _last(value)}


IdList = Annotated[list[Id], BeforeValidator(_values)]
#: A name in a query (entity types, ``with`` options): short.
Key = Annotated[str, Field(max_length=64)]
Bound = Annotated[Timestamp | None, BeforeValidator(_blank)]


class Range(WireModel):
    from_: Bound = Field(None, alias="from")
    to: Bound = None


class TaskFilter(WireModel):
    id: IdList = Field(default_factory=list)
    responsible_user_id: IdList = Field(default_factory=list)
    created_by: IdList = Field(default_factory=list)
    task_type: IdList = Field(default_factory=list)
    task_type_id: IdList = Field(default_factory=list, description="PHP's name for task_type")
    is_completed: Annotated[bool | None, BeforeValidator(_last)] = None
    entity_type: Annotated[list[Annotated[Key, AfterValidator(_entity_name)]], BeforeValidator(_values),
                           Field(description="leads, contacts, companies or customers")] = Field(default_factory=list)
    entity_id: IdList = Field(default_factory=list, description="Needs filter[entity_type]")
    updated_at: Annotated[Range | None, BeforeValidator(_since),
                          Field(description="A timestamp (changed at or after it) or [from]/[to]")] = None

    @property
    def entity_names(self) -> list[str]:
        """The Kanbo entity types asked for (``customers`` match nothing)."""
        return [name for name in self.entity_type if name in KINDS]


class TaskList(ListParams):
    """``GET /api/v4/tasks``: filters (spec §9.3), ``order[created_at|complete_till|id]``,
    ``with=only_deleted`` (the trash)."""

    orderable = ("created_at", "complete_till", "id")

    filter: Annotated[TaskFilter, BeforeValidator(lambda v: v or {})] = Field(  # type: ignore[assignment]
        default_factory=TaskFilter)


class TaskGet(WireModel):
    """``GET /api/v4/tasks/{id}``: ``with=only_deleted`` finds a task in the trash."""

    with_: Annotated[list[Key], BeforeValidator(_values)] = Field(
        default_factory=list, alias="with", description="only_deleted")


# Responses ----------------------------------------------------------------------------------------

def task_path(task_id: int) -> str:
    return f"{BASE}/{task_id}"


def render_result(task: Task) -> dict[str, Any] | list[Any]:
    """``[]`` without a result (PHP reads ``$task['result']['text']``), ``{"text": …}`` with one."""
    return {"text": task.result_text} if task.result_text else []


def render_task(request: Request, task: Task, users: dict[int, UserInfo]) -> dict[str, Any]:
    user = users.get(task.responsible_user_id)
    return {
        "id": task.id,
        "created_by": task.created_by,
        "updated_by": task.updated_by,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "responsible_user_id": task.responsible_user_id,
        "group_id": user.group_id if user is not None and user.group_id is not None else 0,
        "entity_id": task.entity_id,
        "entity_type": task.entity_type,
        "is_completed": task.is_completed,
        "task_type_id": task.task_type_id,
        "text": task.text,
        "duration": task.duration,
        "complete_till": task.complete_till,
        "result": render_result(task),
        "account_id": task.account_id,
        "_links": {"self": href(request, task_path(task.id))},
    }


def write_result(request: Request, task: Task, request_id: str | None, *, updated: bool) -> dict[str, Any]:
    """``{id, request_id, _links}`` for adds; ``{id, updated_at, request_id, _links}`` for updates.
    A single PATCH passes ``request_id=None`` and gets no ``request_id`` key."""
    body: dict[str, Any] = {"id": task.id}
    if updated:
        body["updated_at"] = task.updated_at
    if request_id is not None:
        body["request_id"] = request_id
    body["_links"] = {"self": href(request, task_path(task.id))}
    return body


class TaskResultOut(OutModel):
    text: str


class TaskOut(OutModel):
    id: int
    created_by: int
    updated_by: int
    created_at: int
    updated_at: int
    responsible_user_id: int
    group_id: int
    entity_id: int | None
    entity_type: Literal["leads", "contacts", "companies"] | None
    is_completed: bool
    task_type_id: int
    text: str
    duration: int
    complete_till: int
    result: TaskResultOut | Annotated[list[Any], Field(max_length=0)] = Field(
        description='[] without a result, {"text": …} with one')
    account_id: int
    links: SelfLinks = Field(alias="_links")


class TaskAdded(OutModel):
    id: int
    request_id: str
    links: SelfLinks = Field(alias="_links")


class TaskUpdated(OutModel):
    id: int
    updated_at: int
    request_id: str | SkipJsonSchema[None] = None
    links: SelfLinks = Field(alias="_links")


TasksPage = hal_page("TasksPage", "tasks", TaskOut)
TasksAdded = hal_written("TasksAdded", "tasks", TaskAdded)
TasksUpdated = hal_written("TasksUpdated", "tasks", TaskUpdated)
