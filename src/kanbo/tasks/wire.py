"""The task object (spec §9.2) and the task type object (spec §3, ``with=task_types``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kanbo.entities.fields import UserInfo
from kanbo.http.hal import href
from kanbo.models.activity import Task, TaskType

BASE = "/api/v4/tasks"
TYPES_BASE = "/api/v4/tasks/types"


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


def render_custom_type(task_type: TaskType) -> dict[str, Any]:
    return {"id": task_type.id, "name": task_type.name, "color": task_type.color, "icon_id": task_type.icon_id,
            "code": task_type.code}


def with_link(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "_links": {"self": href(request, f"{TYPES_BASE}/{body['id']}")}}
