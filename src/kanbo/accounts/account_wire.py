"""The account object of ``GET /api/v4/account`` (spec §3): every key always present, right types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kanbo.models.accounts import Account
from kanbo.models.activity import TaskType
from kanbo.models.users import UserGroup

API_VERSION = 4

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
