"""The account object of ``GET /api/v4/account`` (spec §3): every key always present, right types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from kanbo.http.query import as_list
from kanbo.http.wire import ListParams, OutModel, SelfLinks, WireModel
from kanbo.models.accounts import Account
from kanbo.models.activity import TaskType
from kanbo.models.users import UserGroup

API_VERSION = 4
ACCOUNT_WITH = ("amojo_id", "uuid", "amojo_rights", "users_groups", "task_types", "version", "entity_names",
                "datetime_settings", "invoices_settings", "is_api_filter_enabled", "drive_url")

CURRENCY_SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "RUB": "₽", "MXN": "$", "COP": "$", "ARS": "$", "CLP": "$",
    "BRL": "R$", "PEN": "S/", "UYU": "$U", "BOB": "Bs", "PYG": "₲", "VES": "Bs.", "GTQ": "Q", "CRC": "₡",
    "DOP": "RD$", "CAD": "$", "AUD": "$", "JPY": "¥", "CNY": "¥", "INR": "₹", "KZT": "₸", "UAH": "₴",
    "TRY": "₺", "PLN": "zł", "CHF": "CHF",
}

MAIN_GROUP_NAME = {"es": "Grupo principal", "en": "Main group"}

SYSTEM_TASK_TYPES: list[dict[str, Any]] = [
    {"id": 1, "code": "FOLLOW_UP", "name": {"es": "Seguimiento", "en": "Follow-up"}},
    {"id": 2, "code": "MEETING", "name": {"es": "Reunión", "en": "Meeting"}},
]

DATETIME_PATTERNS = {
    "es": {"date_pattern": "d/m/Y H:i", "short_date_pattern": "d/m/Y", "short_time_pattern": "H:i",
           "date_format": "d/m/Y", "time_format": "H:i:s"},
    "en": {"date_pattern": "m/d/Y H:i", "short_date_pattern": "m/d/Y", "short_time_pattern": "H:i",
           "date_format": "m/d/Y", "time_format": "H:i:s"},
}


def _forms(default: str, plural: str) -> dict[str, dict[str, str]]:
    cases = ("default", "dative", "default", "genitive", "accusative", "instrumental", "prepositional")
    return {
        "singular_form": {case: default for case in cases},
        "plural_form": {case: plural for case in cases},
    }


ENTITY_NAMES: dict[str, dict[str, dict[str, Any]]] = {
    "leads": {"es": {"gender": "m", **_forms("lead", "leads")}, "en": {"gender": "m", **_forms("lead", "leads")}},
    "contacts": {"es": {"gender": "m", **_forms("contacto", "contactos")},
                 "en": {"gender": "m", **_forms("contact", "contacts")}},
    "companies": {"es": {"gender": "f", **_forms("empresa", "empresas")},
                  "en": {"gender": "f", **_forms("company", "companies")}},
    "customers": {"es": {"gender": "m", **_forms("cliente", "clientes")},
                  "en": {"gender": "m", **_forms("customer", "customers")}},
}


def timezone_offset(name: str) -> str:
    try:
        offset = datetime.now(ZoneInfo(name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        offset = None
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def task_types(lang: str, custom: Sequence[TaskType] = ()) -> list[dict[str, Any]]:
    """FOLLOW_UP and MEETING, then the account's custom types (ids from 3 up) in id order."""
    return [
        {"id": t["id"], "name": t["name"].get(lang, t["name"]["en"]), "color": None, "icon_id": None,
         "code": t["code"]}
        for t in SYSTEM_TASK_TYPES
    ] + [{"id": t.id, "name": t.name, "color": t.color, "icon_id": t.icon_id, "code": t.code} for t in custom]


def render_account(
    account: Account, *, current_user_id: int, with_: frozenset[str], groups: list[UserGroup],
    self_href: str, base: str, custom_task_types: Sequence[TaskType] = (),
) -> dict[str, Any]:
    lang = account.language if account.language in ("es", "en") else "en"
    body: dict[str, Any] = {
        "id": account.id,
        "name": account.name,
        "subdomain": account.subdomain,
        "created_at": account.created_at,
        "created_by": account.created_by,
        "updated_at": account.updated_at,
        "updated_by": account.updated_by,
        "current_user_id": current_user_id,
        "country": account.country,
        "currency": account.currency,
        "currency_symbol": CURRENCY_SYMBOLS.get(account.currency, account.currency),
        "customers_mode": "unavailable",
        "is_unsorted_on": account.is_unsorted_on,
        "mobile_feature_version": 0,
        "is_loss_reason_enabled": account.is_loss_reason_enabled,
        "is_helpbot_enabled": False,
        "is_technical_account": False,
        "contact_name_display_order": account.contact_name_display_order,
        "language": account.language,
        "timezone": account.timezone,
    }
    embedded: dict[str, Any] = {}
    if "amojo_id" in with_:
        body["amojo_id"] = account.amojo_id
    if "uuid" in with_:
        body["uuid"] = account.uuid
    if "version" in with_:
        body["version"] = API_VERSION
    if "is_api_filter_enabled" in with_:
        body["is_api_filter_enabled"] = True
    if "drive_url" in with_:
        body["drive_url"] = base
    if "invoices_settings" in with_:
        body["invoices_settings"] = {"lang": lang, "invoices_catalog_id": None}
    if "entity_names" in with_:
        body["entity_names"] = ENTITY_NAMES
    if "amojo_rights" in with_:
        embedded["amojo_rights"] = {"can_direct": True, "can_create_groups": True}
    if "users_groups" in with_:
        embedded["users_groups"] = [{"id": 0, "name": MAIN_GROUP_NAME[lang], "uuid": None}] + [
            {"id": g.id, "name": g.name, "uuid": g.uuid} for g in groups
        ]
    if "task_types" in with_:
        embedded["task_types"] = task_types(lang, custom_task_types)
    if "datetime_settings" in with_:
        embedded["datetime_settings"] = {
            **DATETIME_PATTERNS[lang],
            "timezone": account.timezone,
            "timezone_offset": timezone_offset(account.timezone),
        }
    body["_links"] = {"self": {"href": self_href}}
    if embedded:
        body["_embedded"] = embedded
    return body


# The wire -----------------------------------------------------------------------------------------

def _with_enum(schema: dict[str, Any], model: type) -> None:
    known: tuple[str, ...] = getattr(model, "known_with", ())
    prop = schema.get("properties", {}).get("with")
    if prop is not None and known:
        prop["items"] = {"type": "string", "enum": list(known)}
        prop["description"] = f"Comma-separated extras to embed ({', '.join(known)}); unknown values are ignored"


class KnownWith(WireModel):
    """A query whose ``with`` takes the values in :attr:`known_with`: a comma list (``with=a,b``,
    ``with=a%2Cb``), ``with[]=a&with[]=b`` or repeated ``with=``. Unknown values are ignored (spec §1.2),
    so the document lists the known ones and the server drops the rest."""

    model_config = ConfigDict(json_schema_extra=_with_enum)
    known_with: ClassVar[tuple[str, ...]] = ()

    @field_validator("with_", mode="before", check_fields=False)
    @classmethod
    def _known_only(cls, value: Any) -> list[str]:
        return [v for v in as_list(value, path="with") if v in cls.known_with]


class PageQuery(KnownWith, ListParams):
    """A list query with a known ``with``. ``limit`` is declared again so that its bound applies to the
    number only: ``ListParams`` bounds ``int | None`` and so fails with a TypeError (a 500) on
    ``limit=`` (no value). Should ``kanbo.http.wire`` bound the number itself, this field can go."""



class WithQuery(KnownWith):
    """The query of a get-by-id endpoint: only ``with``."""

    with_: list[str] = Field(default_factory=list, alias="with")


class AccountQuery(WithQuery):
    known_with = ACCOUNT_WITH


class AmojoRights(OutModel):
    can_direct: bool
    can_create_groups: bool


class UsersGroup(OutModel):
    id: int
    name: str
    uuid: str | None


class TaskTypeOut(OutModel):
    id: int
    name: str
    color: str | None
    icon_id: int | None
    code: str | None


class DatetimeSettings(OutModel):
    date_pattern: str
    short_date_pattern: str
    short_time_pattern: str
    date_format: str
    time_format: str
    timezone: str
    timezone_offset: str


class InvoicesSettings(OutModel):
    lang: str
    invoices_catalog_id: int | None


class WordForms(OutModel):
    default: str
    dative: str
    genitive: str
    accusative: str
    instrumental: str
    prepositional: str


class EntityName(OutModel):
    gender: str
    singular_form: WordForms
    plural_form: WordForms


class AccountEmbedded(OutModel):
    amojo_rights: AmojoRights | SkipJsonSchema[None] = None
    users_groups: list[UsersGroup] | SkipJsonSchema[None] = None
    task_types: list[TaskTypeOut] | SkipJsonSchema[None] = None
    datetime_settings: DatetimeSettings | SkipJsonSchema[None] = None


class AccountOut(OutModel):
    """``GET /api/v4/account``: the always-present keys, then what ``with`` adds."""

    id: int
    name: str
    subdomain: str
    created_at: int
    created_by: int
    updated_at: int
    updated_by: int
    current_user_id: int
    country: str
    currency: str
    currency_symbol: str
    customers_mode: Literal["unavailable", "disabled", "segments", "dynamic", "periodicity"]
    is_unsorted_on: bool
    mobile_feature_version: int
    is_loss_reason_enabled: bool
    is_helpbot_enabled: bool
    is_technical_account: bool
    contact_name_display_order: int
    language: str
    timezone: str
    amojo_id: str | SkipJsonSchema[None] = None
    uuid: str | SkipJsonSchema[None] = None
    version: int | SkipJsonSchema[None] = None
    is_api_filter_enabled: bool | SkipJsonSchema[None] = None
    drive_url: str | SkipJsonSchema[None] = None
    invoices_settings: InvoicesSettings | SkipJsonSchema[None] = None
    entity_names: dict[str, dict[str, EntityName]] | SkipJsonSchema[None] = None
    links: SelfLinks = Field(alias="_links")
    embedded: AccountEmbedded | SkipJsonSchema[None] = Field(None, alias="_embedded")
