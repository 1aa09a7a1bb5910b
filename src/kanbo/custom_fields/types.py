"""Field types (spec §12.3), their settings, and the parsing of scalar values shared by writes and filters."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any, Literal, get_args

EntityType = Literal["leads", "contacts", "companies"]
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
SINGULAR = {"leads": "lead", "contacts": "contact", "companies": "company"}

# Every type string of PHP's CustomFieldModel::TYPE_* (§12.3), in that order.
FieldType = Literal[
    "text", "numeric", "checkbox", "select", "multiselect", "multitext", "date", "url", "textarea", "radiobutton",
    "streetaddress", "smart_address", "birthday", "legal_entity", "date_time", "items", "category", "price",
    "tracking_data", "linked_entity", "org_legal_name", "monetary", "chained_list", "file", "payer", "supplier",
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)

TEXT_TYPES = frozenset({"text", "textarea", "url", "streetaddress", "tracking_data", "org_legal_name"})
NUMBER_TYPES = frozenset({"numeric", "price", "monetary"})
DATE_TYPES = frozenset({"date", "date_time", "birthday"})
# Values chosen from the field's enums (by enum_id, enum_code or the enum's text).
CHOICE_TYPES = frozenset({"select", "multiselect", "radiobutton", "category"})
# Types whose definition carries stored enums.
ENUM_TYPES = CHOICE_TYPES | {"multitext"}
ENUMS_REQUIRED = frozenset({"select", "multiselect", "radiobutton", "multitext"})
OBJECT_TYPES = frozenset({"legal_entity", "items", "linked_entity", "file", "payer", "supplier"})
# Types that hold more than one value per entity; every other type holds one.
MULTI_VALUE_TYPES = frozenset({
    "multiselect", "multitext", "smart_address", "items", "linked_entity", "chained_list", "legal_entity", "file",
})

# smart_address parts: fixed enums 1..6 (PHP SmartAddressCustomFieldValueModel uses enum_id / enum_code).
ADDRESS_PARTS: tuple[tuple[int, str], ...] = (
    (1, "address_line_1"), (2, "address_line_2"), (3, "city"), (4, "state"), (5, "zip"), (6, "country"),
)
Remind = Literal["never", "day", "week", "month"]
SearchIn = Literal["contacts", "companies", "contacts_and_companies"]
SEARCH_IN_CHOICES: tuple[str, ...] = get_args(SearchIn)

MAX_FIELDS_PER_WRITE = 40
MAX_ID = 2**63 - 1
MAX_TEXT = 4096
MAX_TEXTAREA = 65536
MAX_SHORT = 255

# ISO 4217 currency codes in use.
_CURRENCY_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL
HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?[^\s/?#.][^\s]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def as_number(value: Any) -> int | float | None:
    """A finite number from a number or a numeric string (``"1 500,5"`` too); ints stay ints."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            return None
        if _INTEGER.fullmatch(text):
            return int(text)
        return as_number(float(text))
    return None


def as_timestamp(value: Any) -> int | None:
    """Unix seconds from an int, a float (``1700000000.0``), a digit string or an RFC 3339 / ISO 8601 string.

    A date without a time is midnight UTC; a time without an offset is UTC.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    number = as_number(text) if _NUMBER.fullmatch(text) else None
    if number is not None:
        return int(number)
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
    return None


def as_text(value: Any) -> str | None:
    """A string value; numbers are accepted and written as text. ``None`` for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return None


def is_url(text: str) -> bool:
    return len(text) <= 2048 and bool(_URL.match(text))


def is_email(text: str) -> bool:
    return len(text) <= MAX_SHORT and bool(_EMAIL.match(text))


def text_limit(field_type: str) -> int:
    return MAX_TEXTAREA if field_type == "textarea" else MAX_TEXT


# Object-valued types (§12.4): key -> kind. Kinds: str (text or number, kept as text), int, num, bool,
# scalar (any of str/int/float kept as given), obj (a JSON object), discount ({type, value}).
OBJECT_SCHEMAS: dict[str, dict[str, str]] = {
    "legal_entity": {
        "name": "str", "entity_type": "int", "vat_id": "str", "tax_registration_reason_code": "str",
        "address": "str", "real_address": "str", "kpp": "str", "bank_code": "str", "external_uid": "str",
        "unp": "str", "bin": "str", "egrpou": "str", "mfo": "str", "bank_account_number": "str", "oked": "str",
        "director": "str",
    },
    "items": {
        "sku": "str", "description": "str", "unit_price": "num", "quantity": "num", "unit_type": "str",
        "discount": "discount", "vat_rate_id": "scalar", "vat_rate_value": "num", "external_uid": "str",
        "product_id": "int", "bonus_points_per_purchase": "num", "metadata": "obj",
        "is_discount_recalculated": "bool", "is_total_sum_recalculated": "bool", "total_sum": "num",
    },
    "linked_entity": {"name": "str", "entity_id": "int", "entity_type": "str", "catalog_id": "int"},
    "file": {"file_uuid": "str", "version_uuid": "str", "file_name": "str", "file_size": "int"},
    "payer": {
        "name": "str", "vat_id": "str", "kpp": "str", "tax_registration_reason_code": "str", "address": "str",
        "entity_type": "scalar", "entity_id": "int", "bank_code": "str", "unp": "str", "bin": "str",
        "egrpou": "str", "real_address": "str", "mfo": "str", "bank_account_number": "str", "oked": "str",
        "director": "str", "phone": "str", "email": "str", "type": "scalar",
    },
    "supplier": {
        "entity_id": "int", "name": "str", "vat_id": "str", "kpp": "str", "tax_registration_reason_code": "str",
        "bank_code": "str", "address": "str", "bank_account_number": "str",
    },
}
# Keys an object value must have (non-empty).
OBJECT_REQUIRED: dict[str, tuple[str, ...]] = {
    "legal_entity": ("name",), "linked_entity": ("entity_id",), "file": ("file_uuid",), "supplier": ("name",),
}
# The key whose text is indexed (searchable) for each object type.
OBJECT_LABEL = {"legal_entity": "name", "items": "sku", "linked_entity": "name", "file": "file_name",
                "payer": "name", "supplier": "name"}
