from __future__ import annotations

import pytest

ALWAYS = {
    "id": int, "name": str, "subdomain": str, "created_at": int, "updated_at": int, "created_by": int,
    "updated_by": int, "current_user_id": int, "country": str, "currency": str, "currency_symbol": str,
    "customers_mode": str, "is_unsorted_on": bool, "mobile_feature_version": int,
    "is_loss_reason_enabled": bool, "is_helpbot_enabled": bool, "is_technical_account": bool,
    "contact_name_display_order": int, "language": str,
}


async def test_account_has_every_always_present_key_with_its_type(client, tenant):
    response = await client.get("/api/v4/account", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/hal+json"
    body = response.json()
    for key, kind in ALWAYS.items():
        assert isinstance(body[key], kind), key
    assert body["id"] == tenant.id
    assert body["current_user_id"] == tenant.admin.id
    assert body["_links"]["self"]["href"] == "http://127.0.0.1:8000/api/v4/account"
    assert "status" not in body
    assert "_embedded" not in body


async def test_account_with_every_value(client, tenant):
    response = await client.get(
        "/api/v4/account?with=amojo_id,uuid,amojo_rights,users_groups,task_types,version,entity_names,"
        "datetime_settings,invoices_settings,is_api_filter_enabled,drive_url,unknown_thing",
        headers=tenant.headers,
    )
    body = response.json()
    assert isinstance(body["amojo_id"], str) and isinstance(body["uuid"], str)
    assert isinstance(body["version"], int)
    assert body["is_api_filter_enabled"] is True
    assert body["drive_url"].startswith("http://127.0.0.1:8000")
    assert set(body["invoices_settings"]) == {"lang", "invoices_catalog_id"}
    assert set(body["entity_names"]) >= {"leads", "contacts", "companies", "customers"}
    assert set(body["entity_names"]["leads"]["es"]) == {"gender", "singular_form", "plural_form"}
    embedded = body["_embedded"]
    assert embedded["amojo_rights"] == {"can_direct": True, "can_create_groups": True}
    assert embedded["users_groups"][0]["id"] == 0
    assert [t["code"] for t in embedded["task_types"]] == ["FOLLOW_UP", "MEETING"]
    for task_type in embedded["task_types"]:
        assert set(task_type) == {"id", "name", "color", "icon_id", "code"}
    settings = embedded["datetime_settings"]
    assert set(settings) == {"date_pattern", "short_date_pattern", "short_time_pattern", "date_format",
                             "time_format", "timezone", "timezone_offset"}
    assert all(isinstance(v, str) for v in settings.values())


@pytest.mark.parametrize("with_", ["task_types%2Cuuid", "task_types,uuid", "task_types&with=uuid"])
async def test_with_accepts_encoded_and_repeated_forms(client, tenant, with_):
    body = (await client.get(f"/api/v4/account?with={with_}", headers=tenant.headers)).json()
    assert "uuid" in body and "task_types" in body["_embedded"]


async def test_spanish_account_localises_names(client, db):
    from tests.support.factories import make_tenant

    spanish = await make_tenant(db, language="es")
    body = (await client.get("/api/v4/account?with=task_types,users_groups", headers=spanish.headers)).json()
    assert body["language"] == "es"
    assert body["_embedded"]["task_types"][1]["name"] == "Reunión"
    assert body["_embedded"]["users_groups"][0]["name"] == "Grupo principal"
