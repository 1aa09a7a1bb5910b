"""Pipelines and stages: the rules (spec §7, §24).

Every pipeline has the Incoming stage (type 1), Won (142) and Lost (143); those can only be renamed
and never deleted or moved. Only admins change pipelines. Limits are settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kanbo.accounts import rights
from kanbo.config import get_limits
from kanbo.core.errors import BadRequest, Errors, NotFound
from kanbo.core.principal import Principal
from kanbo.core.sequences import next_ids
from kanbo.core.time import now
from kanbo.models.entities import Lead
from kanbo.models.pipelines import Pipeline, Status
from kanbo.pipelines.wire import (
    COLORS,
    DESCRIPTION_LEVELS,
    INCOMING_COLOR,
    INCOMING_SORT,
    INCOMING_TYPE,
    LOST,
    LOST_COLOR,
    LOST_SORT,
    MAX_SORT,
    WON,
    WON_COLOR,
    WON_SORT,
    DescriptionIn,
    PipelineIn,
    PipelinePatch,
    StageIn,
    StagePatch,
    is_system,
)

STATUS_COUNTER = "status_id"
FIRST_STATUS_ID = 1001  # regular stage ids start above the system ids 142/143

DEFAULT_STAGES = {
    "en": ["Incoming leads", "Initial contact", "Discussions", "Decision making", "Contract discussion",
           "Closed - won", "Closed - lost"],
    "es": ["Leads entrantes", "Contacto inicial", "Conversaciones", "Toma de decisión", "Negociación del contrato",
           "Venta ganada", "Venta perdida"],
}
DEFAULT_PIPELINE = {"en": "Sales", "es": "Embudo de ventas"}


@dataclass
class PipelineView:
    pipeline: Pipeline
    statuses: list[Status]
    request_id: str | None = None


def require_admin(principal: Principal) -> None:
    rights.require_admin(principal, "change pipelines and stages")


def _next_sort(statuses: list[Status]) -> int:
    """Where a stage added without a ``sort`` goes: after the last regular stage."""
    regular = [s.sort for s in statuses if not is_system(s)]
    return min(max(regular, default=0) + 10, MAX_SORT)


# Reading -------------------------------------------------------------------------------------

async def list_pipelines(session: AsyncSession, ids: list[int] | None = None) -> list[PipelineView]:
    query = select(Pipeline).order_by(Pipeline.sort, Pipeline.id)
    if ids is not None:
        query = query.where(Pipeline.id.in_(ids))
    pipelines = list(await session.scalars(query))
    if not pipelines:
        return []
    statuses = await session.scalars(select(Status).where(Status.pipeline_id.in_([p.id for p in pipelines])))
    by_pipeline: dict[int, list[Status]] = {p.id: [] for p in pipelines}
    for status in statuses:
        by_pipeline[status.pipeline_id].append(status)
    return [PipelineView(p, by_pipeline[p.id]) for p in pipelines]


async def get_pipeline(session: AsyncSession, pipeline_id: int) -> PipelineView | None:
    views = await list_pipelines(session, [pipeline_id])
    return views[0] if views else None


async def get_status(session: AsyncSession, pipeline_id: int, status_id: int) -> Status | None:
    return await session.scalar(select(Status).where(Status.pipeline_id == pipeline_id, Status.id == status_id))


async def main_pipeline(session: AsyncSession) -> Pipeline | None:
    return await session.scalar(select(Pipeline).where(Pipeline.is_main.is_(True)).limit(1))


async def first_stage(session: AsyncSession, pipeline_id: int) -> Status | None:
    """The first ordinary stage of a pipeline: where a new lead goes by default."""
    return await session.scalar(
        select(Status).where(Status.pipeline_id == pipeline_id, Status.type == 0, Status.id.not_in((WON, LOST)))
        .order_by(Status.sort, Status.id).limit(1)
    )


async def _has_leads(session: AsyncSession, pipeline_id: int, status_id: int | None = None) -> bool:
    query = select(Lead.id).where(Lead.pipeline_id == pipeline_id)
    if status_id is not None:
        query = query.where(Lead.status_id == status_id)
    return (await session.scalar(query.limit(1))) is not None


# Creating ------------------------------------------------------------------------------------

async def _new_status(session: AsyncSession, pipeline: Pipeline, *, status_id: int | None, name: str, sort: int,
                      color: str, type_: int = 0) -> Status:
    if status_id is None:
        (status_id,) = await next_ids(session, STATUS_COUNTER, start=FIRST_STATUS_ID)
    stamp = now()
    status = Status(id=status_id, pipeline_id=pipeline.id, name=name, sort=sort, color=color, type=type_,
                    descriptions=[], created_at=stamp, updated_at=stamp, account_id=pipeline.account_id)
    session.add(status)
    return status


async def create_pipeline(session: AsyncSession, *, name: str, stages: list[tuple[str, int, str]],
                          system_names: tuple[str, str, str], sort: int = 100, is_main: bool = False,
                          is_unsorted_on: bool = True, is_archive: bool = False,
                          account_id: int | None = None) -> PipelineView:
    """Create a pipeline with its three system stages and the given regular ``(name, sort, colour)`` ones."""
    stamp = now()
    if is_main:
        await session.execute(update(Pipeline).values(is_main=False))
    pipeline = Pipeline(name=name, sort=sort, is_main=is_main, is_unsorted_on=is_unsorted_on,
                        is_archive=is_archive, created_at=stamp, updated_at=stamp)
    if account_id is not None:
        pipeline.account_id = account_id
    session.add(pipeline)
    await session.flush()
    incoming, won, lost = system_names
    statuses = [await _new_status(session, pipeline, status_id=None, name=incoming, sort=INCOMING_SORT,
                                  color=INCOMING_COLOR, type_=INCOMING_TYPE)]
    ids = await next_ids(session, STATUS_COUNTER, len(stages), start=FIRST_STATUS_ID)
    for status_id, (stage_name, stage_sort, color) in zip(ids, stages, strict=True):
        statuses.append(await _new_status(session, pipeline, status_id=status_id, name=stage_name, sort=stage_sort,
                                          color=color))
    statuses.append(await _new_status(session, pipeline, status_id=WON, name=won, sort=WON_SORT, color=WON_COLOR))
    statuses.append(await _new_status(session, pipeline, status_id=LOST, name=lost, sort=LOST_SORT,
                                      color=LOST_COLOR))
    await session.flush()
    return PipelineView(pipeline, statuses)


async def create_default_pipeline(session: AsyncSession, account_id: int, language: str) -> PipelineView:
    names = DEFAULT_STAGES.get(language, DEFAULT_STAGES["en"])
    regular = [(n, 20 + 10 * i, COLORS[(i * 3) % len(COLORS)]) for i, n in enumerate(names[1:-2])]
    return await create_pipeline(session, name=DEFAULT_PIPELINE.get(language, "Sales"), stages=regular,
                                 system_names=(names[0], names[-2], names[-1]), is_main=True, account_id=account_id)


def _rid(item: PipelineIn | StageIn) -> str:
    return item.request_id if item.request_id is not None else "0"


async def add_pipelines(session: AsyncSession, principal: Principal, items: list[PipelineIn],
                        language: str) -> list[PipelineView]:
    require_admin(principal)
    limits = get_limits()
    errors = Errors()
    existing = await session.scalar(select(func.count()).select_from(Pipeline)) or 0
    if existing + len(items) > limits.max_pipelines:
        raise BadRequest(f"An account may have at most {limits.max_pipelines} pipelines "
                         f"({existing} exist, {len(items)} requested)")
    defaults = DEFAULT_STAGES.get(language, DEFAULT_STAGES["en"])
    plans: list[tuple[PipelineIn, list[tuple[str, int, str]], tuple[str, str, str]]] = []
    for item in items:
        system = {INCOMING_TYPE: defaults[0], WON: defaults[-2], LOST: defaults[-1]}
        regular: list[tuple[str, int, str]] = []
        for stage in item.embedded.statuses:
            if stage.system is not None:
                system[stage.system] = stage.name
                continue
            regular.append((stage.name, 20 + 10 * len(regular) if stage.sort is None else stage.sort,
                            stage.color or COLORS[len(regular) % len(COLORS)]))
        if len(regular) + 3 > limits.max_stages:
            errors.add(_rid(item), "_embedded.statuses",
                       f"A pipeline may have at most {limits.max_stages} stages, system stages included.",
                       "TooMany")
        plans.append((item, regular, (system[INCOMING_TYPE], system[WON], system[LOST])))
    errors.raise_if_any()
    created = []
    for item, regular, names in plans:
        view = await create_pipeline(
            session, name=item.name, stages=regular, system_names=names,
            sort=100 if item.sort is None else item.sort, is_main=bool(item.is_main),
            is_unsorted_on=True if item.is_unsorted_on is None else item.is_unsorted_on,
            is_archive=bool(item.is_archive),
        )
        view.request_id = _rid(item)
        created.append(view)
    return created


# Changing ------------------------------------------------------------------------------------

async def update_pipeline(session: AsyncSession, principal: Principal, pipeline_id: int,
                          data: PipelinePatch) -> PipelineView:
    require_admin(principal)
    view = await get_pipeline(session, pipeline_id)
    if view is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    pipeline = view.pipeline
    errors = Errors()
    if data.is_main is False and pipeline.is_main:
        errors.add("0", "is_main", "Make another pipeline the main one instead.", "InvalidValue")
    if data.is_archive and (data.is_main or pipeline.is_main):
        errors.add("0", "is_archive", "The main pipeline cannot be archived.", "InvalidValue")
    errors.raise_if_any()
    if data.name is not None:
        pipeline.name = data.name
    if data.sort is not None:
        pipeline.sort = data.sort
    if data.is_main and not pipeline.is_main:
        await session.execute(update(Pipeline).where(Pipeline.id != pipeline.id).values(is_main=False))
        pipeline.is_main = True
    if data.is_archive is not None:
        pipeline.is_archive = data.is_archive
    if data.is_unsorted_on is not None:
        pipeline.is_unsorted_on = data.is_unsorted_on
    pipeline.updated_at = now()
    await session.flush()
    return view


async def delete_pipeline(session: AsyncSession, principal: Principal, pipeline_id: int) -> None:
    require_admin(principal)
    pipeline = await session.scalar(select(Pipeline).where(Pipeline.id == pipeline_id))
    if pipeline is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    if pipeline.is_main:
        raise BadRequest("The main pipeline cannot be deleted; make another pipeline the main one first")
    if await _has_leads(session, pipeline_id):
        raise BadRequest(f"Pipeline {pipeline_id} still holds leads; move or delete them first")
    await session.delete(pipeline)
    await session.flush()


async def add_statuses(session: AsyncSession, principal: Principal, pipeline_id: int,
                       items: list[StageIn]) -> list[tuple[str, Status]]:
    require_admin(principal)
    view = await get_pipeline(session, pipeline_id)
    if view is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    limit = get_limits().max_stages
    if len(view.statuses) + len(items) > limit:
        raise BadRequest(f"A pipeline may have at most {limit} stages, system stages included "
                         f"({len(view.statuses)} exist, {len(items)} requested)")
    ids = await next_ids(session, STATUS_COUNTER, len(items), start=FIRST_STATUS_ID)
    created = []
    for status_id, item in zip(ids, items, strict=True):
        status = await _new_status(session, view.pipeline, status_id=status_id, name=item.name,
                                   sort=_next_sort(view.statuses) if item.sort is None else item.sort,
                                   color=item.color or COLORS[0])
        created.append((_rid(item), status))
    await session.flush()
    return created


async def update_status(session: AsyncSession, principal: Principal, pipeline_id: int, status_id: int,
                        data: StagePatch) -> Status:
    require_admin(principal)
    status = await get_status(session, pipeline_id, status_id)
    if status is None:
        raise NotFound(f"Stage {status_id} of pipeline {pipeline_id} not found")
    errors = Errors()
    system = is_system(status)
    given = {key: getattr(data, key) for key in ("sort", "color", "type", "descriptions", "pipeline_id", "id",
                                                 "is_editable") if getattr(data, key) is not None}
    for key, value in given.items():
        if system and not _same(status, key, value):
            errors.add("0", key, "System stages (incoming, 142, 143) can only be renamed.", "NotEditable")
    if not system:
        if data.color is not None and data.color not in COLORS:
            errors.add("0", "color", f"The colour must be one of: {' '.join(COLORS)}.", "NotSupportedChoice")
        for key in ("pipeline_id", "type"):
            if key in given and not _same(status, key, given[key]):
                errors.add("0", key, f"{key} of a stage cannot be changed.", "NotEditable")
        descriptions = _descriptions(status, data.descriptions, principal, errors) \
            if data.descriptions is not None else None
    errors.raise_if_any()
    if data.name is not None:
        status.name = data.name
    if not system:
        if data.sort is not None:
            status.sort = data.sort
        if data.color is not None:
            status.color = data.color
        if descriptions is not None:
            status.descriptions = descriptions
    status.updated_at = now()
    await session.flush()
    return status


def _same(status: Status, key: str, value: Any) -> bool:
    if key == "is_editable":
        return bool(value) is (not is_system(status))
    if key == "descriptions":
        return value == []
    return bool(value == getattr(status, key))


def _descriptions(status: Status, wanted: list[DescriptionIn], principal: Principal,
                  errors: Errors) -> list[dict[str, Any]]:
    """The stored descriptions after a PATCH: one per level, each keeping its id and creation."""
    previous = {d["level"]: d for d in status.descriptions or []}
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    stamp = now()
    for i, entry in enumerate(wanted):
        if entry.level in seen:
            errors.add("0", f"descriptions.{i}.level", "One description per level: newbie, candidate, master.",
                       "NotSupportedChoice")
            continue
        seen.add(entry.level)
        old = previous.get(entry.level)
        result.append({"id": old["id"] if old else DESCRIPTION_LEVELS.index(entry.level) + 1, "level": entry.level,
                       "description": entry.description, "created_at": old["created_at"] if old else stamp,
                       "updated_at": stamp, "created_by": old["created_by"] if old else principal.user_id,
                       "updated_by": principal.user_id})
    return result


async def delete_status(session: AsyncSession, principal: Principal, pipeline_id: int, status_id: int) -> None:
    require_admin(principal)
    status = await get_status(session, pipeline_id, status_id)
    if status is None:
        raise NotFound(f"Stage {status_id} of pipeline {pipeline_id} not found")
    if is_system(status):
        raise BadRequest("System stages (incoming, 142, 143) cannot be deleted")
    if await _has_leads(session, pipeline_id, status_id):
        raise BadRequest(f"Stage {status_id} still holds leads; move them to another stage first")
    await session.delete(status)
    await session.flush()
