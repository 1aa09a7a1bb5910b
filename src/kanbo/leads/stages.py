"""Where a lead goes: stage resolution for creates and moves, ``closed_at`` and stage rights."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kanbo.core.errors import Errors
from kanbo.models.pipelines import Pipeline, Status
from kanbo.pipelines.wire import INCOMING_TYPE, LOST, WON, stage_order

CLOSED = (WON, LOST)


class StageMap:
    """Every pipeline and stage of the account, loaded once per batch (two small queries)."""

    def __init__(self, pipelines: list[Pipeline], statuses: list[Status]) -> None:
        self.pipelines = {p.id: p for p in pipelines}
        self.main = next((p.id for p in pipelines if p.is_main), pipelines[0].id if pipelines else None)
        self.by_pair = {(s.pipeline_id, s.id): s for s in statuses}
        self.regular_owner = {s.id: s.pipeline_id for s in statuses if s.id not in CLOSED}
        self.first: dict[int, int] = {}
        self.incoming = {s.pipeline_id: s.id for s in statuses if s.type == INCOMING_TYPE}
        for status in sorted(statuses, key=stage_order):
            if status.type != INCOMING_TYPE and status.id not in CLOSED:
                self.first.setdefault(status.pipeline_id, status.id)

    @classmethod
    async def load(cls, session: Any) -> StageMap:
        pipelines = list(await session.scalars(select(Pipeline).order_by(Pipeline.sort, Pipeline.id)))
        statuses = list(await session.scalars(select(Status)))
        return cls(pipelines, statuses)

    def resolve(self, pipeline_id: int | None, status_id: int | None, errors: Errors, request_id: str,
                current: tuple[int, int] | None, *, incoming: bool = False) -> tuple[int, int] | None:
        """The (pipeline_id, status_id) an item asks for (either may be absent); ``None`` when it asks
        for no change.

        ``incoming``: the lead of a new incoming lead, placed in its pipeline's Incoming stage."""
        if incoming and current is None:
            pipeline_id = pipeline_id or self.main
            incoming_id = self.incoming.get(pipeline_id or 0)
            if incoming_id is None:
                errors.add(request_id, "pipeline_id", f"Pipeline {pipeline_id} not found.", "NotFound")
                return None
            return (pipeline_id or 0, incoming_id)
        if pipeline_id is None and status_id is None:
            if current is not None:
                return None
            pipeline_id = self.main
        if pipeline_id is not None and pipeline_id not in self.pipelines:
            errors.add(request_id, "pipeline_id", f"Pipeline {pipeline_id} not found.", "NotFound")
            return None
        if status_id is None:
            assert pipeline_id is not None
            if current is not None and current[0] == pipeline_id:
                return None
            first = self.first.get(pipeline_id)
            if first is None:
                errors.add(request_id, "pipeline_id", f"Pipeline {pipeline_id} has no ordinary stage.", "InvalidValue")
                return None
            return (pipeline_id, first)
        if pipeline_id is None:
            if status_id in CLOSED:
                pipeline_id = current[0] if current is not None else self.main
            else:
                pipeline_id = self.regular_owner.get(status_id)
        stage = self.by_pair.get((pipeline_id or 0, status_id))
        if stage is None:
            errors.add(request_id, "status_id", f"Stage {status_id} not found in pipeline {pipeline_id}.",
                       "NotFound")
            return None
        if stage.type == INCOMING_TYPE and (current is None or current != (stage.pipeline_id, stage.id)):
            errors.add(request_id, "status_id", "Leads enter the incoming stage only as incoming leads.",
                       "InvalidValue")
            return None
        return (stage.pipeline_id, stage.id)


def closed_at_after_move(old_status: int | None, new_status: int, old_closed_at: int | None,
                         requested: int | None, stamp: int) -> int | None:
    """Moving into 142/143 sets ``closed_at`` (or keeps the one given); leaving them clears it."""
    if new_status in CLOSED:
        if requested is not None:
            return requested
        if old_status in CLOSED and old_closed_at is not None:
            return old_closed_at
        return stamp
    return None
