"""The note object and the answers of note writes (spec §10.2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.models.activity import Note
from kanbo.notes.params import is_editable


def note_path(entity_type: str, note_id: int) -> str:
    """``_links.self`` of a note: ``/api/v4/{entity}/notes/{id}`` (the form that needs no card id)."""
    return f"/api/v4/{entity_type}/notes/{note_id}"


def render_note(request: Request, note: Note, groups: dict[int, int | None], *, with_pinned: bool) -> dict[str, Any]:
    """Keys in Kommo's order; every key the PHP library reads is always present."""
    responsible = note.responsible_user_id or 0
    body: dict[str, Any] = {
        "id": note.id,
        "entity_id": note.entity_id,
        "created_by": note.created_by,
        "updated_by": note.updated_by,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "responsible_user_id": responsible,
        "group_id": groups.get(responsible) or 0,
        "note_type": note.note_type,
        "params": dict(note.params or {}),
        "is_editable": is_editable(note.note_type),
    }
    if with_pinned:
        body["is_pinned"] = bool(note.is_pinned)
    body["account_id"] = note.account_id
    body["_links"] = {"self": href(request, note_path(note.entity_type, note.id))}
    return body


def write_result(request: Request, note: Note, request_id: str | None, *, updated: bool) -> dict[str, Any]:
    """``{id, entity_id, request_id, _links}`` for an add; ``updated_at`` too for an edit; no
    ``request_id`` for a single edit."""
    body: dict[str, Any] = {"id": note.id, "entity_id": note.entity_id}
    if updated:
        body["updated_at"] = note.updated_at
    if request_id is not None:
        body["request_id"] = request_id
    body["_links"] = {"self": href(request, note_path(note.entity_type, note.id))}
    return body
