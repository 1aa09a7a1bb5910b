from __future__ import annotations

from tests.entities.helpers import create, get, phone


async def test_complex_add_creates_linked_lead_contact_and_company(client, tenant):
    response = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[{
        "name": "Big deal", "price": 10, "request_id": "x",
        "_embedded": {"contacts": [{"first_name": "Ana", "custom_fields_values": [phone("+15551230000")]}],
                      "companies": [{"name": "Acme"}], "tags": [{"name": "web"}]}}])
    assert response.status_code == 200, response.text
    (result,) = response.json()
    assert set(result) == {"id", "contact_id", "company_id", "request_id", "merged"}
    assert result["request_id"] == ["x"] and result["merged"] is False
    lead = (await get(client, tenant, "leads", result["id"], "?with=contacts")).json()
    assert lead["_embedded"]["contacts"][0]["id"] == result["contact_id"]
    assert lead["_embedded"]["companies"][0]["id"] == result["company_id"]
    contact = (await get(client, tenant, "contacts", result["contact_id"])).json()
    assert contact["_embedded"]["companies"][0]["id"] == result["company_id"]


async def test_duplicate_control_links_an_existing_contact(client, tenant):
    (existing,) = await create(client, tenant, "contacts", [{"name": "Old", "custom_fields_values": [
        phone("+1 555 123 4567")]}])
    response = await client.post("/api/v4/leads/complex?duplicate_control=true", headers=tenant.headers, json=[{
        "name": "Again", "_embedded": {"contacts": [{"name": "New", "custom_fields_values": [phone("15551234567")]}]}}])
    (result,) = response.json()
    assert result["merged"] is True and result["contact_id"] == existing
    without = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[{
        "name": "Again", "_embedded": {"contacts": [{"name": "New", "custom_fields_values": [phone("15551234567")]}]}}])
    assert without.json()[0]["contact_id"] != existing


async def test_complex_errors_name_the_nested_path_and_save_nothing(client, tenant):
    response = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[
        {"name": "ok", "_embedded": {"companies": [{"name": "Fine"}]}},
        {"name": "bad", "_embedded": {"contacts": [{"name": "C", "responsible_user_id": 999999999}]}}])
    assert response.status_code == 400
    error = response.json()["validation-errors"][0]
    assert error["request_id"] == "1"
    assert error["errors"][0]["path"] == "_embedded.contacts.0.responsible_user_id"
    assert (await client.get("/api/v4/companies", headers=tenant.headers)).status_code == 204
    too_many = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[{"name": "x"}] * 51)
    assert too_many.status_code == 422


async def test_complex_lead_with_metadata_becomes_an_incoming_lead(client, tenant):
    response = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[{
        "name": "From the form", "request_id": "f",
        "_embedded": {"contacts": [{"name": "Web visitor", "custom_fields_values": [phone("+15559870000")]}],
                      "metadata": {"category": "forms", "form_id": "callback", "form_name": "Callback",
                                   "form_page": "https://example.org", "form_sent_at": 1700000000}}}])
    assert response.status_code == 200, response.text
    (result,) = response.json()
    assert result["request_id"] == ["f"] and isinstance(result["contact_id"], int)
    lead = (await get(client, tenant, "leads", result["id"])).json()
    assert lead["is_unsorted"] is True
    waiting = (await client.get("/api/v4/leads/unsorted", headers=tenant.headers)).json()
    assert [u["_embedded"]["leads"][0]["id"] for u in waiting["_embedded"]["unsorted"]] == [result["id"]]
    assert (await client.get("/api/v4/contacts", headers=tenant.headers)).status_code == 204
    bad = await client.post("/api/v4/leads/complex", headers=tenant.headers, json=[{
        "name": "x", "_embedded": {"metadata": {"category": "forms", "form_name": "No id"}}}])
    assert bad.status_code == 400
    assert bad.json()["validation-errors"][0]["errors"][0]["path"].startswith("_embedded.metadata.")
