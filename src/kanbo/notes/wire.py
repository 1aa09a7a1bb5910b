"""The notes wire (spec §10): request models of adds, edits and lists, the note object and the answers
of note writes. The ``params`` of each type are in :mod:`kanbo.notes.params_wire`."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic_core import CoreSchema, PydanticCustomError
from starlette.requests import Request

from kanbo.http.hal import href
from kanbo.http.query import MAX_INT, ListQuery, as_list
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
from kanbo.models.activity import Note
from kanbo.notes.params_wire import (
    CREATABLE,
    PARAMS,
    AnyParams,
    CreatableType,
    is_editable,
    parse_params,
    required,
)

ORDERABLE = ("updated_at", "id")
#: The longest text a query parameter of notes may hold, and the longest name in ``with`` or
#: ``filter[note_type]`` (bounded, so a URL stays within what clients send).
QUERY_TEXT = 255
NAME = 64


def _positive(value: int) -> int:
    if not 1 <= value <= MAX_INT:
        raise PydanticCustomError("int_type", "This value should be a positive integer.")
    return value


#: A note or card id named in a body (``0`` and negative numbers are not ids: ``InvalidType``).
PositiveId = Annotated[int, AfterValidator(_positive),
                       WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_INT})]


# Adds ---------------------------------------------------------------------------------------------

class NoteIn(BatchItem):
    """A note to add to the card of the path (``POST /api/v4/{entity}/{entity_id}/notes``); ``params``
    are those of its ``note_type``."""

    entity_id: PositiveId | None = Field(None, description="Ignored: the path names the card")
    note_type: Annotated[CreatableType, required()]
    params: AnyParams | None = Field(None, validate_default=True, description="The keys of the note's type")
    responsible_user_id: Id | None = None
    created_by: Id | None = Field(None, description="A user of the account, or 0 for the robot")
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    is_need_to_trigger_digital_pipeline: bool | None = Field(None, description="Accepted and ignored")

    @field_validator("params", mode="wrap")
    @classmethod
    def _params_of_type(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        """Validated by the model of ``note_type`` (not checked when the type itself is wrong)."""
        note_type = info.data.get("note_type")
        return None if note_type is None else parse_params(note_type, value)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Documented as one object per note type: ``note_type`` names it, ``params`` are its type's."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        properties, required = schema.pop("properties"), schema.pop("required", [])
        # the refs of the params models, in the order of the union (then ``null``)
        params = properties["params"]
        refs = dict(zip(get_args(AnyParams), params["anyOf"], strict=False))
        schema.pop("type", None)
        schema["oneOf"] = [
            {"type": "object", "title": f"{schema['title']} ({note_type})", "required": [*required, "params"],
             "properties": {**properties, "note_type": {"const": note_type, "type": "string"},
                            "params": {"description": params["description"], **refs[PARAMS[note_type]]}}}
            for note_type in CREATABLE]
        return schema


class NotesAddItem(NoteIn):
    """A note to add; ``entity_id`` names its card (``POST /api/v4/{entity}/notes``)."""

    entity_id: Annotated[PositiveId, required()]


# Edits --------------------------------------------------------------------------------------------

class NoteEdit(BatchItem):
    """An edit of the note of the path: the ``params`` keys given replace the stored ones (``null``
    removes one) and the whole is checked against the note's type, which cannot change. A client may
    echo the whole note: read-only keys are ignored."""

    id: PositiveId | None = Field(None, description="Ignored: the path names the note")
    entity_id: Id | None = Field(None, description="When given, the note's card")
    note_type: str | None = Field(None, description="When given, the note's type")
    params: dict[str, Any] | None = Field(None, description="Keys of the note's type to replace; null removes one")
    updated_by: Id | None = Field(None, description="A user of the account, or 0 for the robot")
    updated_at: Timestamp | None = None


class NotesEditItem(NoteEdit):
    """An edit in a batch (``PATCH /api/v4/{entity}/notes``): ``id`` names the note."""

    id: Annotated[PositiveId, required()]


# Queries ------------------------------------------------------------------------------------------

def _values(value: Any) -> Any:
    """``k=1``, ``k=1,2``, ``k[]=1&k[]=2`` or ``k[0]=1`` as a list."""
    if isinstance(value, dict) and all(isinstance(key, str) and key.isdigit() for key in value):
        return list(value.values())
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value if isinstance(value, list) else [value]


def _since(value: Any) -> Any:
    """``filter[updated_at]=T`` (changed at or after T) and ``[T1, T2]`` as a range."""
    if isinstance(value, list) and 1 <= len(value) <= 2:
        return dict(zip(("from", "to"), value, strict=False))
    if value in (None, "") or isinstance(value, dict):
        return value or None
    return {"from": value}


class NoteTimeRange(WireModel):
    model_config = ConfigDict(extra="forbid")

    from_: Timestamp | None = Field(None, alias="from")
    to: Timestamp | None = None


IdList = Annotated[list[Id], BeforeValidator(_values)]
Names = list[Annotated[str, Field(max_length=NAME)]]
#: ``with=a,b``, ``with[]=a``; unknown names are ignored.
With = Annotated[Names, BeforeValidator(lambda value: as_list(value, path="with")), Field(max_length=16)]


class NotesFilter(WireModel):
    model_config = ConfigDict(str_max_length=QUERY_TEXT)

    id: IdList = Field(default_factory=list)
    entity_id: IdList = Field(default_factory=list, description="Ignored on a card's notes")
    note_type: Annotated[Names, BeforeValidator(_values), Field(max_length=32)] = Field(default_factory=list)
    updated_at: Annotated[NoteTimeRange | None, BeforeValidator(_since)] = Field(
        None, description="A timestamp (changed at or after it) or [from]/[to]")


class NotesList(ListParams):
    """``with=is_pinned``, ``filter[id|entity_id|note_type|updated_at]``, ``order[updated_at|id]``."""

    model_config = ConfigDict(str_max_length=QUERY_TEXT)
    orderable: ClassVar[tuple[str, ...]] = ORDERABLE

    with_: With = Field(default_factory=list, alias="with", description="Comma-separated extras to embed")
    filter: NotesFilter = Field(default_factory=NotesFilter)  # type: ignore[assignment]

    def list_query(self) -> ListQuery:
        return replace(super().list_query(), filter=self.filter.model_dump(exclude_defaults=True))


class NoteGet(WireModel):
    """``with=is_pinned`` on one note."""

    model_config = ConfigDict(str_max_length=QUERY_TEXT)

    with_: With = Field(default_factory=list, alias="with", description="Comma-separated extras to embed")


# Answers ------------------------------------------------------------------------------------------

class NoteOut(OutModel):
    """The note object; every key the PHP library reads is always present."""

    id: int
    entity_id: int
    created_by: int
    updated_by: int
    created_at: int
    updated_at: int
    responsible_user_id: int
    group_id: int
    note_type: str
    params: dict[str, Any] = Field(description="The keys of the note's type")
    is_editable: bool
    is_pinned: bool | SkipJsonSchema[None] = Field(None, description="With with=is_pinned")
    account_id: int
    links: SelfLinks = Field(alias="_links")


class NoteWritten(OutModel):
    """A written note: ``request_id`` on batch answers, ``updated_at`` on edits."""

    id: int
    entity_id: int
    updated_at: int | SkipJsonSchema[None] = None
    request_id: str | SkipJsonSchema[None] = None
    links: SelfLinks = Field(alias="_links")


NotesPage = hal_page("NotesPage", "notes", NoteOut)
NotesWritten = hal_written("NotesWritten", "notes", NoteWritten)


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
