"""Writing and rendering values (spec §12.4) through kanbo.custom_fields.values, per type."""

from __future__ import annotations

import pytest

from kanbo.core.errors import Errors, ValidationFailed
from kanbo.custom_fields.types import FIELD_TYPES
from kanbo.custom_fields.values import event_changes, missing_required, render_values, write_values
from tests.custom_fields.helpers import (
    account_session,
    add_field,
    add_fields,
    catalog_of,
    paths_of,
    save,
    stored_values,
)
from tests.custom_fields.test_definitions import every_type_body

NULLS_16 = dict.fromkeys(("name", "entity_type", "vat_id", "tax_registration_reason_code", "address", "real_address",
                          "kpp", "bank_code", "external_uid", "unp", "bin", "egrpou", "mfo", "bank_account_number",
                          "oked", "director"))


@pytest.fixture
async def typed(client, tenant):
    """One contact field of every type, by type."""
    fields = await add_fields(client, tenant, every_type_body())
    return {f["type"]: f for f in fields}


def cases(f: dict) -> dict[str, tuple[list, list]]:
    phone = f["select"]["enums"][1]
    work = f["multitext"]["enums"][0]
    items_out = {"sku": "A-1", "description": None, "unit_price": 9.5, "quantity": 2, "unit_type": None,
                 "discount": {"type": "amount", "value": 1}, "vat_rate_id": None, "vat_rate_value": None,
                 "external_uid": None, "product_id": None, "bonus_points_per_purchase": None, "metadata": None,
                 "is_discount_recalculated": None, "is_total_sum_recalculated": None, "total_sum": None}
    return {
        "text": ([{"value": " Hello "}], [{"value": "Hello"}]),
        "numeric": ([{"value": "1 500,5"}], [{"value": 1500.5}]),
        "checkbox": ([{"value": True}], [{"value": True}]),
        "select": ([{"value": "phone"}], [{"value": "Phone", "enum_id": phone["id"], "enum_code": "PH"}]),
        "multiselect": ([{"enum_id": f["multiselect"]["enums"][0]["id"]}, {"enum_code": "ph"}],
                        [{"value": "Web", "enum_id": f["multiselect"]["enums"][0]["id"], "enum_code": None},
                         {"value": "Phone", "enum_id": f["multiselect"]["enums"][1]["id"], "enum_code": "PH"}]),
        "multitext": ([{"value": "note"}], [{"value": "note", "enum_id": work["id"], "enum_code": "WORK"}]),
        "date": ([{"value": "2020-06-15T03:00:00+03:00"}], [{"value": 1592179200}]),
        "url": ([{"value": "https://example.com/a?b=c"}], [{"value": "https://example.com/a?b=c"}]),
        "textarea": ([{"value": "line 1\nline 2"}], [{"value": "line 1\nline 2"}]),
        "radiobutton": ([{"enum_id": f["radiobutton"]["enums"][0]["id"]}],
                        [{"value": "Web", "enum_id": f["radiobutton"]["enums"][0]["id"], "enum_code": None}]),
        "streetaddress": ([{"value": "Main st 1"}], [{"value": "Main st 1"}]),
        "smart_address": ([{"value": "Madrid", "enum_code": "city"}, {"value": "28001", "enum_id": 5}],
                          [{"value": "Madrid", "enum_id": 3, "enum_code": "city"},
                           {"value": "28001", "enum_id": 5, "enum_code": "zip"}]),
        "birthday": ([{"value": 1700000000.0}], [{"value": 1700000000}]),
        "legal_entity": ([{"value": {"name": "ACME", "entity_type": 2, "vat_id": 123}}],
                         [{"value": {**NULLS_16, "name": "ACME", "entity_type": 2, "vat_id": "123"}}]),
        "date_time": ([{"value": "2023-11-14T22:13:20Z"}], [{"value": 1700000000}]),
        "items": ([{"value": {"sku": "A-1", "quantity": 2, "unit_price": "9.5",
                              "discount": {"type": "amount", "value": 1}}}], [{"value": items_out}]),
        "category": ([{"enum_code": "PH"}],
                     [{"value": "Phone", "enum_id": f["category"]["enums"][1]["id"], "enum_code": "PH"}]),
        "price": ([{"value": 99}], [{"value": 99}]),
        "tracking_data": ([{"value": "utm_source=x"}], [{"value": "utm_source=x"}]),
        "linked_entity": ([{"value": {"name": "Elem", "entity_id": "5", "catalog_id": 1001}}],
                          [{"value": {"name": "Elem", "entity_id": 5, "entity_type": None, "catalog_id": 1001}}]),
        "org_legal_name": ([{"value": "ACME LLC"}], [{"value": "ACME LLC"}]),
        "monetary": ([{"value": "12.50"}], [{"value": 12.5}]),
        "chained_list": ([{"catalog_id": 1001, "catalog_element_id": 7}],
                         [{"catalog_id": 1001, "catalog_element_id": 7}]),
        "file": ([{"value": {"file_uuid": "u-1", "file_name": "a.pdf", "file_size": 10}}],
                 [{"value": {"file_uuid": "u-1", "version_uuid": None, "file_name": "a.pdf", "file_size": 10}}]),
        "payer": ([{"value": {"name": "Payer", "entity_id": 3, "phone": "+1 555"}}],
                  [{"value": {"name": "Payer", "entity_id": 3, "phone": "+1 555"}}]),
        "supplier": ([{"value": {"name": "Supplier", "vat_id": "X1"}}],
                     [{"value": {"entity_id": None, "name": "Supplier", "vat_id": "X1", "kpp": None,
                                 "tax_registration_reason_code": None, "bank_code": None, "address": None,
                                 "bank_account_number": None}}]),
    }


async def test_every_type_round_trips_through_storage(tenant, typed):
    expected = cases(typed)
    assert set(expected) == set(FIELD_TYPES)
    raw = [{"field_id": typed[t]["id"], "values": values} for t, (values, _) in expected.items()]
    async with account_session(tenant) as session:
        from kanbo.custom_fields.values import load_catalog

        catalog = await load_catalog(session, "contacts")
        contact_id = await save(session, catalog, tenant, raw)
    async with account_session(tenant) as session:
        rendered = render_values(catalog, await stored_values(session, contact_id))
    assert rendered is not None
    by_type = {item["field_type"]: item for item in rendered}
    for field_type, (_, values) in expected.items():
        item = by_type[field_type]
        assert item["field_id"] == typed[field_type]["id"] and item["field_name"] == f"My {field_type}"
        assert item["field_code"] is None
        if field_type == "payer":
            assert {k: v for k, v in item["values"][0]["value"].items() if v is not None} == values[0]["value"]
            assert len(item["values"][0]["value"]) == 19
        else:
            assert item["values"] == values, field_type


async def test_dates_accept_timestamps_and_rfc3339(tenant, typed):
    catalog = await catalog_of(tenant)
    date_id = typed["date"]["id"]
    for raw, stamp in [("2020-06-15T00:00:00+00:00", 1592179200), ("2020-06-15", 1592179200),
                       ("2020-06-15 02:00:00", 1592186400), (1700000000.0, 1700000000), ("1700000000", 1700000000),
                       (1592179200, 1592179200)]:
        errors = Errors()
        result = write_values(catalog, None, [{"field_id": date_id, "values": [{"value": raw}]}], errors, "0")
        assert not errors, raw
        assert result.stored == [{"field_id": date_id, "values": [{"value": stamp}]}], raw
        assert isinstance(result.stored[0]["values"][0]["value"], int)


async def test_per_type_validation_errors_have_exact_paths(tenant, typed):
    catalog = await catalog_of(tenant)
    email = catalog.by_code["EMAIL"].id
    raw = [
        {"field_id": typed["numeric"]["id"], "values": [{"value": "abc"}]},
        {"field_id": typed["checkbox"]["id"], "values": [{"value": "maybe"}]},
        {"field_id": typed["select"]["id"], "values": [{"enum_id": 999999}]},
        {"field_id": typed["date"]["id"], "values": [{"value": 1}, {"value": "yesterday"}]},
        {"field_id": typed["url"]["id"], "values": [{"value": "not a url"}]},
        {"field_id": email, "values": [{"value": "no-at-sign", "enum_code": "WORK"}]},
        {"field_id": 999999, "values": [{"value": "x"}]},
        {"field_id": None, "field_code": "NOPE", "values": [{"value": "x"}]},
        {"field_id": typed["text"]["id"], "values": [{"value": "a"}, {"value": "b"}]},
        {"field_id": typed["legal_entity"]["id"], "values": [{"value": {"vat_id": "1"}}]},
        {"field_id": typed["chained_list"]["id"], "values": [{"catalog_id": "x", "catalog_element_id": 1}]},
        {"field_id": typed["multitext"]["id"], "values": [{"value": "x", "enum_code": "NOPE"}]},
        {"field_id": typed["smart_address"]["id"], "values": [{"value": "x", "enum_code": "planet"}]},
        {"field_id": typed["items"]["id"], "values": [{"value": {"quantity": "many"}}]},
        {"field_id": typed["text"]["id"], "values": "x"},
        {"field_id": typed["text"]["id"]},
        {"field_id": typed["select"]["id"], "values": [{"value": "Fax"}]},
        {"field_id": typed["multiselect"]["id"], "values": ["x"]},
        {"field_id": typed["text"]["id"], "values": [{"value": {"nested": 1}}]},
    ]
    errors = Errors()
    write_values(catalog, None, raw, errors, "7")
    p = "custom_fields_values"
    assert paths_of(errors) == {
        f"{p}.0.values.0.value": "InvalidType", f"{p}.1.values.0.value": "InvalidType",
        f"{p}.2.values.0.enum_id": "NotSupportedChoice", f"{p}.3.values.1.value": "InvalidType",
        f"{p}.4.values.0.value": "InvalidUrl", f"{p}.5.values.0.value": "InvalidEmail",
        f"{p}.6.field_id": "NotSupportedChoice", f"{p}.7.field_id": "NotSupportedChoice",
        f"{p}.8.values": "TooMany", f"{p}.9.values.0.value.name": "NotBlank",
        f"{p}.10.values.0.catalog_id": "InvalidType", f"{p}.11.values.0.enum_code": "NotSupportedChoice",
        f"{p}.12.values.0.enum_code": "NotSupportedChoice", f"{p}.13.values.0.value.quantity": "InvalidType",
        f"{p}.14.values": "InvalidType", f"{p}.15.values": "NotBlank", f"{p}.16.values.0.value": "NotSupportedChoice",
        f"{p}.17.values.0": "InvalidType", f"{p}.18.values.0.value": "InvalidType",
    }
    with pytest.raises(ValidationFailed) as failed:
        errors.raise_if_any()
    assert failed.value.body()["validation-errors"][0]["request_id"] == "7"


async def test_limit_of_forty_fields_and_custom_path(tenant, typed):
    catalog = await catalog_of(tenant)
    errors = Errors()
    write_values(catalog, None, [{"field_id": typed["text"]["id"], "values": None}] * 41, errors, "0",
                 path="_embedded.contacts.0.custom_fields_values")
    assert paths_of(errors) == {"_embedded.contacts.0.custom_fields_values": "TooMany"}
    errors = Errors()
    write_values(catalog, None, [{"field_id": 1.5, "values": []}], errors, "0", path="cf")
    assert paths_of(errors) == {"cf.0.field_id": "NotSupportedChoice"}


async def test_values_null_clears_and_unlisted_fields_stay(tenant, typed):
    catalog = await catalog_of(tenant)
    text, number = typed["text"]["id"], typed["numeric"]["id"]
    errors = Errors()
    first = write_values(catalog, [], [{"field_id": text, "values": [{"value": "a"}]},
                                       {"field_id": number, "values": [{"value": 5}]}], errors, "0")
    assert [c[0] for c in first.changes] == [text, number] and first.changes[0][1] == []
    second = write_values(catalog, first.stored, [{"field_id": text, "values": None}], errors, "0")
    assert second.stored == [{"field_id": number, "values": [{"value": 5}]}]
    assert second.changes == [(text, [{"value": "a"}], [])]
    assert first.stored[0] == {"field_id": text, "values": [{"value": "a"}]}  # input not mutated
    third = write_values(catalog, second.stored, [{"field_id": number, "values": [{"value": "5"}]}], errors, "0")
    assert third.changes == [] and third.stored == second.stored
    replaced = write_values(catalog, third.stored, [{"field_id": number, "values": [{"value": 6}]}], errors, "0")
    assert replaced.stored == [{"field_id": number, "values": [{"value": 6}]}]
    cleared = write_values(catalog, replaced.stored, [{"field_id": number, "values": []}], errors, "0")
    assert cleared.stored == [] and render_values(catalog, cleared.stored) is None
    assert not errors
    assert write_values(catalog, replaced.stored, None, errors, "0").stored == replaced.stored


async def test_writes_by_field_code_as_php_sends_them(tenant):
    catalog = await catalog_of(tenant)
    phone = catalog.by_code["PHONE"]
    work, mob = (next(e for e in catalog.enums[phone.id] if e.code == code) for code in ("WORK", "MOB"))
    raw = [{"field_id": None, "field_code": "PHONE", "field_name": "Phone", "field_type": "multitext",
            "values": [{"value": "+15551234567", "enum_id": None, "enum_code": "MOB"},
                       {"value": "+15557654321"}, {"value": "+15550000000", "enum_id": work.id, "enum_code": None}]},
           {"field_code": "email", "values": [{"value": "Ann@Example.com", "enum_code": "PRIV"}]}]
    errors = Errors()
    result = write_values(catalog, None, raw, errors, "0")
    assert not errors
    rendered = render_values(catalog, result.stored)
    assert rendered is not None
    assert rendered[0] == {"field_id": phone.id, "field_name": "Phone", "field_code": "PHONE",
                           "field_type": "multitext", "values": [
                               {"value": "+15551234567", "enum_id": mob.id, "enum_code": "MOB"},
                               {"value": "+15557654321", "enum_id": work.id, "enum_code": "WORK"},
                               {"value": "+15550000000", "enum_id": work.id, "enum_code": "WORK"}]}
    assert rendered[1]["field_code"] == "EMAIL" and rendered[1]["values"][0]["enum_code"] == "PRIV"
    assert rendered[1]["values"][0]["value"] == "Ann@Example.com"


async def test_event_changes(tenant, typed):
    catalog = await catalog_of(tenant)
    select_field = typed["select"]
    web, phone = select_field["enums"]
    errors = Errors()
    first = write_values(catalog, None, [{"field_id": select_field["id"], "values": [{"enum_id": web["id"]}]}],
                         errors, "0")
    second = write_values(catalog, first.stored, [{"field_id": select_field["id"], "values": [{"value": "Phone"}]},
                                                  {"field_id": typed["checkbox"]["id"], "values": [{"value": False}]}],
                          errors, "0")
    changes = event_changes("contact", 42, catalog, second.changes)
    expected = ("custom_field_value_changed", "contact", 42)
    assert [(c.type, c.entity_type, c.entity_id) for c in changes] == [expected, expected]
    assert changes[0].before == [{"custom_field_value": {"field_id": select_field["id"], "field_type": "select",
                                                         "enum_id": web["id"], "text": "Web"}}]
    assert changes[0].after == [{"custom_field_value": {"field_id": select_field["id"], "field_type": "select",
                                                        "enum_id": phone["id"], "text": "Phone"}}]
    assert changes[1].before == [] and changes[1].after[0]["custom_field_value"]["text"] == "0"


async def test_missing_required(client, tenant):
    from sqlalchemy import select

    from kanbo.models.pipelines import Status

    async with account_session(tenant) as session:
        stages = (await session.execute(select(Status.pipeline_id, Status.id).order_by(Status.sort))).all()
    (pipeline_id, first), (_, second) = stages[0], stages[1]
    field = await add_field(client, tenant, "leads", type="text", name="Reason",
                            required_statuses=[{"pipeline_id": pipeline_id, "status_id": second}])
    catalog = await catalog_of(tenant, "leads")
    assert [f.id for f in missing_required(catalog, [], pipeline_id, second)] == [field["id"]]
    assert missing_required(catalog, [], pipeline_id, first) == []
    filled = [{"field_id": field["id"], "values": [{"value": "x"}]}]
    assert missing_required(catalog, filled, pipeline_id, second) == []
