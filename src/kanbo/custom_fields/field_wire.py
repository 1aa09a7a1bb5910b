"""Field definitions on the wire (spec §12.1-12.3): create (one model per group of types), update, list, answers.

A create item is chosen by its ``type`` (:data:`NewField`); its errors are named relative to the item
(``enums.0.value``), never with the type in front. Updates take one flat model (:class:`FieldPatch`):
the field's stored type decides which of its type-specific keys count.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, RootModel, StringConstraints, ValidationError
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from kanbo.core.errors import FieldError
from kanbo.custom_fields.types import (
    CURRENCIES,
    MAX_SHORT,
    SEARCH_IN_CHOICES,
    EntityType,
    FieldType,
    Remind,
)
from kanbo.custom_fields.wire import number_is_text
from kanbo.http.query import as_list
from kanbo.http.wire import (
    BatchItem,
    Id,
    ListParams,
    OutModel,
    SelfLinks,
    WireModel,
    field_errors,
    hal_page,
    hal_written,
)

# Scalars ----------------------------------------------------------------------------------------

#: A ``sort``: the database keeps it in an INTEGER.
Sort = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _trimmed(value: Any) -> Any:
    """A text without the blanks around it; ``null`` counts as blank."""
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


_LABEL = StringConstraints(min_length=1, max_length=MAX_SHORT)
#: A field's or a group's name: trimmed, 1..255 characters.
Name = Annotated[str, BeforeValidator(_trimmed), _LABEL]
#: An enum's text (a number is taken as text): trimmed, 1..255 characters.
EnumText = Annotated[str, BeforeValidator(_trimmed), BeforeValidator(number_is_text), _LABEL]
#: A field's or an enum's ``code``; blank is none.
Code = Annotated[Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_\-]{1,64}$")] | None,
                 BeforeValidator(_blank_is_none), Field(description="1-64 letters, digits, '_' or '-'")]
#: A field group's id (``leads_1591337000``); blank is none.
GroupId = Annotated[Annotated[str, StringConstraints(max_length=64)] | None, BeforeValidator(_blank_is_none)]


def _currency(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _known_currency(code: str) -> str:
    if code not in CURRENCIES:
        raise PydanticCustomError("literal_error", "currency must be an ISO 4217 code such as USD or EUR.")
    return code


Currency = Annotated[str, BeforeValidator(_currency), AfterValidator(_known_currency),
                     Field(json_schema_extra={"enum": sorted(CURRENCIES)})]


def _search_in(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in SEARCH_IN_CHOICES:
        return value.strip()
    if isinstance(value, bool):
        raise PydanticCustomError("literal_error", "search_in is contacts, companies, contacts_and_companies "
                                                   "or a list id.")
    try:
        number = int(value) if isinstance(value, (int, str)) else None
    except ValueError:
        number = None
    if number is None or number <= 0:
        raise PydanticCustomError("literal_error", "search_in is contacts, companies, contacts_and_companies "
                                                   "or a list id.")
    return str(number)


#: Where a linked_entity field searches: contacts, companies, contacts_and_companies or a list (catalog) id.
SearchInValue = Annotated[str, BeforeValidator(_search_in), Field(json_schema_extra={
    "anyOf": [{"type": "string", "enum": list(SEARCH_IN_CHOICES)}, {"type": "integer", "minimum": 1}]})]

# Parts of a definition --------------------------------------------------------------------------


class EnumIn(WireModel):
    """One choice of a select, multiselect, radiobutton, multitext or category field."""

    id: Id | None = Field(None, description="An existing enum of the field (updates); others are new")
    value: EnumText
    sort: Sort | None = None
    code: Code = None


class StageIn(WireModel):
    pipeline_id: Id
    status_id: Id


class ChainedListIn(WireModel):
    title: str
    catalog_id: Id
    parent_catalog_id: Id | None = None


Stages = Annotated[list[StageIn] | None, Field(description="Stages as {pipeline_id, status_id}; null clears")]

# Creating ---------------------------------------------------------------------------------------

#: The keys that hold a type's settings (stored in the field's ``settings``).
SETTING_KEYS = frozenset({"remind", "currency", "search_in", "tracking_callback", "chained_lists"})


class FieldCommon(WireModel):
    """What a new field and a change of a field may both carry."""

    code: Code = None
    sort: Sort | None = None
    group_id: GroupId = None
    is_api_only: bool | None = None
    is_deletable: bool | None = None
    required_statuses: Stages = None
    hidden_statuses: Stages = Field(None, description="Leads only")

    def enum_items(self) -> list[EnumIn] | None:
        """The enums given; ``None`` when there are none (or the type has none)."""
        return None

    def settings_given(self) -> dict[str, Any]:
        """The type's settings that the item gives."""
        return {key: getattr(self, key) for key in self.model_fields_set & SETTING_KEYS}


class FieldBase(FieldCommon, BatchItem):
    """What every new field may carry."""

    name: Name


class PlainFieldIn(FieldBase):
    type: Literal["text", "numeric", "checkbox", "date", "url", "textarea", "streetaddress", "smart_address",
                  "legal_entity", "date_time", "items", "price", "org_legal_name", "file", "payer", "supplier"]


class ChoiceFieldIn(FieldBase):
    type: Literal["select", "multiselect", "radiobutton", "multitext"]
    enums: list[EnumIn] = Field(min_length=1)

    def enum_items(self) -> list[EnumIn] | None:
        return self.enums


class CategoryFieldIn(FieldBase):
    type: Literal["category"]
    enums: list[EnumIn] | None = None
    nested: list[EnumIn] | None = Field(None, description="Used when enums is not given")

    def enum_items(self) -> list[EnumIn] | None:
        return self.enums if self.enums is not None else self.nested or []


class BirthdayFieldIn(FieldBase):
    type: Literal["birthday"]
    remind: Remind | None = None


class MonetaryFieldIn(FieldBase):
    type: Literal["monetary"]
    currency: Currency | None = Field(None, description="The account's currency when not given")


class LinkedEntityFieldIn(FieldBase):
    type: Literal["linked_entity"]
    search_in: SearchInValue | None = None


class TrackingDataFieldIn(FieldBase):
    type: Literal["tracking_data"]
    tracking_callback: str | None = None


class ChainedListFieldIn(FieldBase):
    type: Literal["chained_list"]
    chained_lists: list[ChainedListIn] | None = None


NewField = Annotated[
    PlainFieldIn | ChoiceFieldIn | CategoryFieldIn | BirthdayFieldIn | MonetaryFieldIn | LinkedEntityFieldIn
    | TrackingDataFieldIn | ChainedListFieldIn,
    Field(discriminator="type"),
]


class FieldIn(RootModel[NewField]):
    """A new field (``POST /api/v4/{entity}/custom_fields``), its model chosen by ``type``."""

    @staticmethod
    def parse_item(data: dict[str, Any]) -> NewField:
        return FieldIn.model_validate(data).root

    @staticmethod
    def item_errors(exc: ValidationError) -> list[FieldError]:
        """Kommo's errors, named relative to the item: the tag pydantic puts first is dropped."""
        found: list[FieldError] = []
        for error in exc.errors(include_url=False):
            if error["type"] == "union_tag_not_found":
                found.append(FieldError("NotBlank", "type", "This value should not be blank."))
            elif error["type"] == "union_tag_invalid":
                tag = (error.get("ctx") or {}).get("tag")
                blank = tag in ("", "None")
                found.append(FieldError("NotBlank" if blank else "NotSupportedChoice", "type",
                                        "This value should not be blank." if blank
                                        else f"Unknown field type '{tag}'."))
            else:
                found.extend(field_errors([error], strip=1))
        return found


# Updating ---------------------------------------------------------------------------------------


class FieldPatch(FieldCommon):
    """A change of a field (``PATCH /api/v4/{entity}/custom_fields/{id}``): the keys given change; a
    whole field object read from the API may be sent back (read-only keys are ignored). ``type`` may
    only repeat the field's type; the type-specific keys count for fields of that type."""

    type: FieldType | None = None
    name: Name | None = None
    enums: list[EnumIn] | None = Field(None, description="All the enums the field keeps: those with an id are "
                                                         "changed, the others added, the missing ones removed")
    nested: list[EnumIn] | None = Field(None, description="category: used when enums is not given")
    remind: Remind | None = Field(None, description="birthday")
    currency: Currency | None = Field(None, description="monetary")
    search_in: SearchInValue | None = Field(None, description="linked_entity")
    tracking_callback: str | None = Field(None, description="tracking_data")
    chained_lists: list[ChainedListIn] | None = Field(None, description="chained_list")

    def enum_items(self) -> list[EnumIn] | None:
        return self.enums


class FieldUpdate(FieldPatch, BatchItem):
    """One item of ``PATCH /api/v4/{entity}/custom_fields``."""

    id: Id


# Listing ----------------------------------------------------------------------------------------


def _values(path: str) -> Any:
    return BeforeValidator(lambda value: as_list(value, path=path))


class ShortListParams(ListParams):
    """The list query of definitions and groups. Its values are short words and numbers (the document
    says so, and bounds what is read). ``limit=`` (empty) is the default page size: the ``limit`` of
    :class:`ListParams` applies its minimum to the empty value and fails with a server error."""

    model_config = ConfigDict(str_max_length=64)



class FieldFilter(WireModel):
    model_config = ConfigDict(str_max_length=64)

    type: Annotated[list[str], _values("filter[type]")] = Field(
        default_factory=list, description="Field types (filter[type][]=select or a comma list)")
    id: Annotated[list[Id] | None, _values("filter[id]")] = Field(None, description="Field ids")


class FieldList(ShortListParams):
    orderable: ClassVar[tuple[str, ...]] = ("sort", "id")

    filter: FieldFilter = Field(default_factory=FieldFilter)  # type: ignore[assignment]


# Answers ----------------------------------------------------------------------------------------


class EnumOut(OutModel):
    id: int
    value: str
    sort: int
    code: str | None


class NestedOut(OutModel):
    id: int
    parent_id: int | None
    value: str
    sort: int


class StageOut(OutModel):
    pipeline_id: int
    status_id: int


class ChainedListOut(OutModel):
    title: str
    catalog_id: int
    parent_catalog_id: int | None


class FieldOut(OutModel):
    """A field definition (spec §12.2); the keys after ``entity_type`` belong to some types only."""

    id: int
    name: str
    type: FieldType
    account_id: int
    code: str | None
    sort: int
    is_api_only: bool
    enums: list[EnumOut] | None
    group_id: str | None
    required_statuses: list[StageOut]
    is_deletable: bool
    is_predefined: bool
    entity_type: EntityType
    hidden_statuses: list[StageOut] | SkipJsonSchema[None] = Field(None, description="leads")
    is_computed: bool | SkipJsonSchema[None] = Field(None, description="leads")
    remind: Remind | None = Field(None, description="birthday")
    currency: str | None = Field(None, description="monetary")
    search_in: str | None = Field(None, description="linked_entity")
    tracking_callback: str | None = Field(None, description="tracking_data")
    chained_lists: list[ChainedListOut] | SkipJsonSchema[None] = Field(None, description="chained_list")
    nested: list[NestedOut] | SkipJsonSchema[None] = Field(None, description="category")
    request_id: str | SkipJsonSchema[None] = Field(None, description="In the answers of batch writes")
    links: SelfLinks = Field(alias="_links")


FieldsPage = hal_page("FieldsPage", "custom_fields", FieldOut, total=True)


#: The answer of a batch create or update: every field in full, with its ``request_id``.
FieldsWritten = hal_written("FieldsWritten", "custom_fields", FieldOut, total=True)
