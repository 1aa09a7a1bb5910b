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
from kanbo.core.values import as_int
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


def _name(value: Any, errors: Errors, request_id: str, path: str = "name") -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.add(request_id, path, "This value should not be blank.", "NotBlank")
        return None
    if len(value) > 255:
        errors.add(request_id, path, "This value is too long (255 characters at most).", "TooLong")
        return None
    return value.strip()


def _bool(value: Any, errors: Errors, request_id: str, path: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        errors.add(request_id, path, "This value should be of type bool.", "InvalidType")
        return None
    return value


def _color(value: Any, errors: Errors, request_id: str, path: str) -> str | None:
    if not isinstance(value, str) or value.lower() not in COLORS:
        errors.add(request_id, path, f"The colour must be one of: {' '.join(COLORS)}.", "NotSupportedChoice")
        return None
    return value.lower()


def _sort(value: Any, errors: Errors, request_id: str, path: str) -> int | None:
    """A pipeline's or a stage's ``sort``: any non-negative integer (Kommo's own examples send 10 and 20).

    System stages keep their places whatever the numbers: see ``stage_order``."""
    sort = as_int(value)
    if sort is None or not 0 <= sort <= MAX_SORT:
        errors.add(request_id, path, f"sort must be an integer between 0 and {MAX_SORT}.", "InvalidValue")
        return None
    return sort


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


async def add_pipelines(session: AsyncSession, principal: Principal, items: list[tuple[str, dict[str, Any]]],
                        language: str) -> list[PipelineView]:
    require_admin(principal)
    limits = get_limits()
    errors = Errors()
    existing = await session.scalar(select(func.count()).select_from(Pipeline)) or 0
    if existing + len(items) > limits.max_pipelines:
        raise BadRequest(f"An account may have at most {limits.max_pipelines} pipelines "
                         f"({existing} exist, {len(items)} requested)")
    plans: list[tuple[str, str | None, int | None, dict[str, bool | None], list[tuple[str, int, str]],
                      tuple[str, str, str]]] = []
    defaults = DEFAULT_STAGES.get(language, DEFAULT_STAGES["en"])
    for request_id, item in items:
        name = _name(item.get("name"), errors, request_id)
        sort = _sort(item.get("sort", 100), errors, request_id, "sort")
        flags = {key: _bool(item.get(key), errors, request_id, key) for key in ("is_main", "is_unsorted_on",
                                                                                  "is_archive")}
        system = [defaults[0], defaults[-2], defaults[-1]]
        regular: list[tuple[str, int, str]] = []
        raw_statuses = (item.get("_embedded") or {}).get("statuses") if isinstance(item.get("_embedded"), dict) \
            else None
        if not isinstance(raw_statuses, list) or not raw_statuses:
            errors.add(request_id, "_embedded.statuses", "A pipeline needs at least one stage.", "NotBlank")
            raw_statuses = []
        for i, raw in enumerate(raw_statuses):
            path = f"_embedded.statuses.{i}"
            if not isinstance(raw, dict):
                errors.add(request_id, path, "This value should be of type object.", "InvalidType")
                continue
            stage_name = _name(raw.get("name"), errors, request_id, f"{path}.name")
            status_id = as_int(raw.get("id"))
            if status_id in (WON, LOST):
                if stage_name:
                    system[1 if status_id == WON else 2] = stage_name
                continue
            if raw.get("type") == INCOMING_TYPE:
                if stage_name:
                    system[0] = stage_name
                continue
            stage_sort = _sort(raw.get("sort", 20 + 10 * len(regular)), errors, request_id, f"{path}.sort")
            color = _color(raw.get("color", COLORS[len(regular) % len(COLORS)]), errors, request_id, f"{path}.color")
            if stage_name and stage_sort is not None and color:
                regular.append((stage_name, stage_sort, color))
        if not regular and raw_statuses:
            errors.add(request_id, "_embedded.statuses", "A pipeline needs at least one regular stage.", "NotBlank")
        if len(regular) + 3 > limits.max_stages:
            errors.add(request_id, "_embedded.statuses",
                       f"A pipeline may have at most {limits.max_stages} stages, system stages included.",
                       "TooMany")
        if flags["is_main"] and flags["is_archive"]:
            errors.add(request_id, "is_archive", "The main pipeline cannot be archived.", "InvalidValue")
        plans.append((request_id, name, sort, flags, regular, (system[0], system[1], system[2])))
    errors.raise_if_any()
    created = []
    for request_id, name, sort, flags, regular, names in plans:
        view = await create_pipeline(
            session, name=str(name), stages=regular, system_names=names,
            sort=100 if sort is None else sort, is_main=bool(flags["is_main"]),
            is_unsorted_on=True if flags["is_unsorted_on"] is None else bool(flags["is_unsorted_on"]),
            is_archive=bool(flags["is_archive"]),
        )
        view.request_id = request_id
        created.append(view)
    return created


# Changing ------------------------------------------------------------------------------------

async def update_pipeline(session: AsyncSession, principal: Principal, pipeline_id: int,
                          data: dict[str, Any]) -> PipelineView:
    require_admin(principal)
    view = await get_pipeline(session, pipeline_id)
    if view is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    pipeline = view.pipeline
    errors = Errors()
    if "name" in data:
        name = _name(data["name"], errors, "0")
        if name:
            pipeline.name = name
    if data.get("sort") is not None:
        sort = _sort(data["sort"], errors, "0", "sort")
        if sort is not None:
            pipeline.sort = sort
    is_main = _bool(data.get("is_main"), errors, "0", "is_main")
    is_archive = _bool(data.get("is_archive"), errors, "0", "is_archive")
    is_unsorted_on = _bool(data.get("is_unsorted_on"), errors, "0", "is_unsorted_on")
    if is_main is False and pipeline.is_main:
        errors.add("0", "is_main", "Make another pipeline the main one instead.", "InvalidValue")
    becomes_main = bool(is_main) or pipeline.is_main
    if is_archive and becomes_main:
        errors.add("0", "is_archive", "The main pipeline cannot be archived.", "InvalidValue")
    errors.raise_if_any()
    if is_main and not pipeline.is_main:
        await session.execute(update(Pipeline).where(Pipeline.id != pipeline.id).values(is_main=False))
        pipeline.is_main = True
    if is_archive is not None:
        pipeline.is_archive = is_archive
    if is_unsorted_on is not None:
        pipeline.is_unsorted_on = is_unsorted_on
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
                       items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Status]]:
    require_admin(principal)
    view = await get_pipeline(session, pipeline_id)
    if view is None:
        raise NotFound(f"Pipeline {pipeline_id} not found")
    limit = get_limits().max_stages
    if len(view.statuses) + len(items) > limit:
        raise BadRequest(f"A pipeline may have at most {limit} stages, system stages included "
                         f"({len(view.statuses)} exist, {len(items)} requested)")
    errors = Errors()
    plans = []
    for request_id, item in items:
        name = _name(item.get("name"), errors, request_id)
        sort = _sort(item.get("sort", _next_sort(view.statuses)), errors, request_id, "sort")
        color = _color(item.get("color", COLORS[0]), errors, request_id, "color")
        if item.get("type") not in (None, 0):
            errors.add(request_id, "type", "Only regular stages (type 0) can be added.", "InvalidValue")
        plans.append((request_id, name, sort, color))
    errors.raise_if_any()
    ids = await next_ids(session, STATUS_COUNTER, len(plans), start=FIRST_STATUS_ID)
    created = []
    for status_id, (request_id, name, sort, color) in zip(ids, plans, strict=True):
        status = await _new_status(session, view.pipeline, status_id=status_id, name=str(name), sort=int(sort or 0),
                                   color=str(color))
        created.append((request_id, status))
    await session.flush()
    return created


async def update_status(session: AsyncSession, principal: Principal, pipeline_id: int, status_id: int,
                        data: dict[str, Any]) -> Status:
    require_admin(principal)
    status = await get_status(session, pipeline_id, status_id)
    if status is None:
        raise NotFound(f"Stage {status_id} of pipeline {pipeline_id} not found")
    errors = Errors()
    system = is_system(status)
    for key in ("sort", "color", "type", "descriptions", "pipeline_id", "id", "is_editable"):
        if key not in data or data[key] is None:
            continue
        if system and not _same(status, key, data[key]):
            errors.add("0", key, "System stages (incoming, 142, 143) can only be renamed.", "NotEditable")
    if "name" in data:
        name = _name(data["name"], errors, "0")
        if name:
            status.name = name
    if not system:
        if data.get("sort") is not None:
            sort = _sort(data["sort"], errors, "0", "sort")
            if sort is not None:
                status.sort = sort
        if data.get("color") is not None:
            color = _color(data["color"], errors, "0", "color")
            if color:
                status.color = color
        if data.get("descriptions") is not None:
            status.descriptions = _descriptions(status, data["descriptions"], principal, errors)
        for key in ("pipeline_id", "type"):
            if data.get(key) is not None and not _same(status, key, data[key]):
                errors.add("0", key, f"{key} of a stage cannot be changed.", "NotEditable")
    errors.raise_if_any()
    status.updated_at = now()
    await session.flush()
    return status


def _same(status: Status, key: str, value: Any) -> bool:
    if key == "is_editable":
        return bool(value) is (not is_system(status))
    if key == "descriptions":
        return value == [] or value == status.descriptions
    if key == "color":
        return isinstance(value, str) and value.lower() == status.color
    return bool(value == getattr(status, key))


def _descriptions(status: Status, raw: Any, principal: Principal, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or len(raw) > len(DESCRIPTION_LEVELS):
        errors.add("0", "descriptions", "At most 3 descriptions, one per level.", "InvalidValue")
        return list(status.descriptions or [])
    previous = {d["level"]: d for d in status.descriptions or []}
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    stamp = now()
    for i, entry in enumerate(raw):
        level = entry.get("level") if isinstance(entry, dict) else None
        text = entry.get("description") if isinstance(entry, dict) else None
        if level not in DESCRIPTION_LEVELS or level in seen:
            errors.add("0", f"descriptions.{i}.level", "One description per level: newbie, candidate, master.",
                       "NotSupportedChoice")
            continue
        if not isinstance(text, str) or len(text) > 1000:
            errors.add("0", f"descriptions.{i}.description", "A description is a text of at most 1000 characters.",
                       "InvalidValue")
            continue
        seen.add(level)
        old = previous.get(level)
        result.append({"id": old["id"] if old else DESCRIPTION_LEVELS.index(level) + 1, "level": level,
                       "description": text, "created_at": old["created_at"] if old else stamp, "updated_at": stamp,
                       "created_by": old["created_by"] if old else principal.user_id,
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
