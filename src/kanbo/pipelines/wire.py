"""Pipelines and stages on the wire (spec §7.2, §7.3): the palette, the request and response models, and
how pipelines and stages are rendered."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.http.query import as_list
from kanbo.http.wire import BatchItem, Id, OutModel, SelfLinks, WireModel, hal_page, hal_written
from kanbo.models.pipelines import Pipeline, Status

WON, LOST = 142, 143
INCOMING_TYPE = 1
INCOMING_COLOR = "#c1c1c1"
WON_COLOR = "#ccff66"
LOST_COLOR = "#d5d8db"
# Kommo's stage palette (PHP StatusModel::COLORS).
StageColor = Literal[
    "#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a", "#ffdbdb", "#ffc8c8", "#ff8f92",
    "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0", "#f9deff", "#f3beff", "#ccc8f9",
    "#eb93ff", "#f2f3f4", "#e6e8ea",
]
COLORS: tuple[str, ...] = get_args(StageColor)
# The colours of the system stages (Incoming, won, lost): answered, echoed back, never chosen.
SystemColor = Literal["#c1c1c1", "#ccff66", "#d5d8db"]
SYSTEM_COLORS: tuple[str, ...] = get_args(SystemColor)
# The numbers the system stages are created with; their places never depend on them (``stage_order``).
INCOMING_SORT, WON_SORT, LOST_SORT = 10, 10000, 11000
MAX_SORT = 2**31 - 1  # an INTEGER column
DescriptionLevel = Literal["newbie", "candidate", "master"]
DESCRIPTION_LEVELS: tuple[str, ...] = get_args(DescriptionLevel)
MAX_DESCRIPTION = 1000
MAX_NAME = 255


def is_system(status: Status) -> bool:
    return status.type == INCOMING_TYPE or status.id in (WON, LOST)


def stage_order(status: Status) -> tuple[int, int, int]:
    """The order of a pipeline's stages: by type (Incoming, regular, won, lost), then sort, then id.

    A regular stage may have any sort, 0 or 20000 included: Incoming stays first and 142/143 last."""
    if status.type == INCOMING_TYPE:
        return (0, status.sort, status.id)
    if status.id == WON:
        return (2, status.sort, status.id)
    if status.id == LOST:
        return (3, status.sort, status.id)
    return (1, status.sort, status.id)


def status_path(pipeline_id: int, status_id: int) -> str:
    return f"/api/v4/leads/pipelines/{pipeline_id}/statuses/{status_id}"


def render_description(status: Status, entry: dict[str, Any], account_id: int) -> dict[str, Any]:
    def stamp(ts: int) -> str:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")

    return {
        "id": entry["id"], "account_id": account_id, "created_at": stamp(entry["created_at"]),
        "updated_at": stamp(entry["updated_at"]), "created_by": entry["created_by"],
        "updated_by": entry["updated_by"], "pipeline_id": status.pipeline_id, "status_id": status.id,
        "level": entry["level"], "description": entry["description"],
    }


def render_status(request: Request, status: Status, *, with_descriptions: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": status.id,
        "name": status.name,
        "sort": status.sort,
        "is_editable": not is_system(status),
        "pipeline_id": status.pipeline_id,
        "color": status.color,
        "type": status.type,
        "account_id": status.account_id,
    }
    if with_descriptions:
        body["descriptions"] = [render_description(status, d, status.account_id) for d in status.descriptions or []]
    body["_links"] = {"self": href(request, status_path(status.pipeline_id, status.id))}
    return body


def render_pipeline(request: Request, pipeline: Pipeline, statuses: list[Status], *,
                    with_descriptions: bool = False) -> dict[str, Any]:
    ordered = sorted(statuses, key=stage_order)
    return {
        "id": pipeline.id,
        "name": pipeline.name,
        "sort": pipeline.sort,
        "is_main": pipeline.is_main,
        "is_unsorted_on": pipeline.is_unsorted_on,
        "is_archive": pipeline.is_archive,
        "account_id": pipeline.account_id,
        "_links": {"self": href(request, f"/api/v4/leads/pipelines/{pipeline.id}")},
        "_embedded": {"statuses": [render_status(request, s, with_descriptions=with_descriptions) for s in ordered]},
    }


# Requests ------------------------------------------------------------------------------------------

def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


#: A colour of the stage palette, in any case (answered lower case).
Color = Annotated[StageColor, BeforeValidator(_lower)]
#: Any colour a stage is answered with: the palette or a system stage's colour (echoed back unchanged).
AnyColor = Literal[StageColor, SystemColor]
EchoedColor = Annotated[AnyColor, BeforeValidator(_lower)]
#: A pipeline's or a stage's name: trimmed, 1..255 characters.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)]
#: A pipeline's or a stage's ``sort``: any non-negative integer (Kommo's own examples send 10 and 20); system
#: stages keep their places whatever the numbers (see ``stage_order``).
Sort = Annotated[int, Field(ge=0, le=MAX_SORT)]

_ID: TypeAdapter[int] = TypeAdapter(Id)


def _id_of(value: Any) -> int | None:
    try:
        return _ID.validate_python(value)
    except ValidationError:
        return None


class StageIn(BatchItem):
    """``POST /api/v4/leads/pipelines/{id}/statuses``: a regular stage."""

    name: Name
    sort: Sort | None = Field(None, description="Absent: after the last regular stage")
    color: Color | None = Field(None, description="Absent: the first colour of the palette")
    type: Literal[0] | None = Field(None, description="Only regular stages (type 0) can be added")


class PipelineStageIn(WireModel):
    """A stage of a new pipeline. The system stages (``id`` 142 or 143, or ``type`` 1, the Incoming stage)
    exist in every pipeline: for them only ``name`` is read."""

    id: Id | None = None
    name: Name
    sort: Sort | None = Field(None, description="Absent: after the stages before it")
    color: Color | None = Field(None, description="Absent: the palette in turn")
    type: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _system_stage_name_only(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and (_id_of(data.get("id")) in (WON, LOST)
                                          or _id_of(data.get("type")) == INCOMING_TYPE):
            return {key: data[key] for key in ("id", "name", "type") if key in data}
        return data

    @property
    def system(self) -> int | None:
        """``WON``/``LOST`` for those stages, ``INCOMING_TYPE`` for the Incoming stage, else None."""
        if self.id in (WON, LOST):
            return self.id
        return INCOMING_TYPE if self.type == INCOMING_TYPE else None


class PipelineStagesIn(WireModel):
    statuses: Annotated[list[PipelineStageIn], Field(min_length=1, description="At least one regular stage")]

    @field_validator("statuses")
    @classmethod
    def _a_regular_stage(cls, statuses: list[PipelineStageIn]) -> list[PipelineStageIn]:
        if all(stage.system for stage in statuses):
            raise PydanticCustomError("too_short", "A pipeline needs at least one regular stage.")
        return statuses


class PipelineIn(BatchItem):
    """``POST /api/v4/leads/pipelines``: a pipeline with its stages (the system stages are added)."""

    name: Name
    sort: Sort | None = Field(None, description="Absent: 100")
    is_main: bool | None = None
    is_unsorted_on: bool | None = Field(None, description="Absent: true")
    is_archive: bool | None = None
    embedded: PipelineStagesIn = Field(alias="_embedded")

    @field_validator("is_archive")
    @classmethod
    def _main_is_never_archived(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        if value and info.data.get("is_main"):
            raise PydanticCustomError("main_archived", "The main pipeline cannot be archived.")
        return value


class PipelinePatch(WireModel):
    """``PATCH /api/v4/leads/pipelines/{id}``: what to change; a key left out or null stays."""

    name: Name | None = None
    sort: Sort | None = None
    is_main: bool | None = Field(None, description="true makes it the main pipeline (false is refused for it)")
    is_unsorted_on: bool | None = None
    is_archive: bool | None = None


class DescriptionIn(WireModel):
    level: DescriptionLevel
    description: Annotated[str, StringConstraints(max_length=MAX_DESCRIPTION)]


class StagePatch(WireModel):
    """``PATCH /api/v4/leads/pipelines/{pid}/statuses/{id}``: what to change; a key left out or null stays.
    A system stage may only be renamed: any other key must echo its current value. ``id``,
    ``pipeline_id``, ``type`` and ``is_editable`` are read only to check such echoes."""

    name: Name | None = None
    sort: Sort | None = None
    color: EchoedColor | None = None
    descriptions: Annotated[list[DescriptionIn], Field(max_length=len(DESCRIPTION_LEVELS),
                                                       description="One per level")] | None = None
    type: Annotated[int, Field(ge=0, le=1)] | None = None
    pipeline_id: Id | None = None
    id: Id | None = None
    is_editable: bool | None = None


def _with(value: Any) -> Any:
    return as_list(value, path="with")


class PipelineQuery(WireModel):
    """The query of the pipeline and stage reads: ``with=descriptions`` (other values are ignored;
    ``page`` and ``limit`` too: these lists are not paged)."""

    with_: Annotated[list[Annotated[str, StringConstraints(max_length=64)]], BeforeValidator(_with)] = Field(
        default_factory=list, alias="with", description="descriptions: the stages' descriptions")

    @property
    def descriptions(self) -> bool:
        return "descriptions" in self.with_


# Responses -----------------------------------------------------------------------------------------

class DescriptionOut(OutModel):
    id: int
    account_id: int
    created_at: str = Field(description="YYYY-MM-DD HH:MM:SS")
    updated_at: str = Field(description="YYYY-MM-DD HH:MM:SS")
    created_by: int
    updated_by: int
    pipeline_id: int
    status_id: int
    level: DescriptionLevel
    description: str


class StatusOut(OutModel):
    id: int
    name: str
    sort: int
    is_editable: bool
    pipeline_id: int
    color: AnyColor
    type: int
    account_id: int
    descriptions: list[DescriptionOut] | SkipJsonSchema[None] = Field(None, description="with=descriptions")
    links: SelfLinks = Field(alias="_links")


class StatusWritten(StatusOut):
    request_id: str


class PipelineStatuses(OutModel):
    statuses: list[StatusOut]


class PipelineOut(OutModel):
    id: int
    name: str
    sort: int
    is_main: bool
    is_unsorted_on: bool
    is_archive: bool
    account_id: int
    links: SelfLinks = Field(alias="_links")
    embedded: PipelineStatuses = Field(alias="_embedded")


class PipelineWritten(PipelineOut):
    request_id: str


#: The answers of batch writes: ``_total_items`` besides ``_links`` and ``_embedded.<key>``.
PipelinesWritten = create_model("PipelinesWritten", total_items=(int, Field(alias="_total_items")),
                                __base__=hal_written("PipelinesWrittenBase", "pipelines", PipelineWritten))
StatusesWritten = create_model("StatusesWritten", total_items=(int, Field(alias="_total_items")),
                               __base__=hal_written("StatusesWrittenBase", "statuses", StatusWritten))
PipelinesPage = hal_page("PipelinesPage", "pipelines", PipelineOut, total=True)
StatusesPage = hal_page("StatusesPage", "statuses", StatusOut, total=True)
