"""Notes embedded in the events log (``GET /api/v4/events?with=note``), registered with the log at start-up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from kanbo.events.repository import EmbeddedNote
from kanbo.models.activity import Note
from kanbo.notes.service import groups_of
from kanbo.notes.wire import render_note


async def embedded_notes(session: AsyncSession, request: Request, ids: list[int]) -> dict[int, EmbeddedNote]:
    """The notes of these ids, rendered as the notes API renders them (two queries)."""
    notes = list(await session.scalars(select(Note).where(Note.id.in_(ids))))
    groups = await groups_of(session, notes)
    return {note.id: EmbeddedNote(note.entity_type, note.entity_id,
                                  render_note(request, note, groups, with_pinned=False)) for note in notes}
