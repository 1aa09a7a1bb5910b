"""The lists of leads and contacts, and Find anything (Ctrl+K), in a real browser."""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.artifacts import snap


def unique() -> str:
    return uuid.uuid4().hex[:8]


def add(api: httpx.Client, kind: str, items: list[dict[str, Any]]) -> list[int]:
    answer = api.post(f"/api/v4/{kind}", json=items)
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["_embedded"][kind]]


def row_names(page: Page, marker: str) -> list[str]:
    """The names in the table's rows that contain ``marker``, top to bottom."""
    names = page.get_by_role("table").get_by_role("rowheader").all_inner_texts()
    return [name for name in names if marker in name]


def test_a_contact_is_found_by_phone_in_another_form_in_the_list_and_the_palette(signed_in_page: Page, api):
    digits = f"{random.randrange(10**6, 10**7):07d}"
    name = f"Phone person {unique()}"
    (contact_id,) = add(api, "contacts", [{"name": name, "custom_fields_values": [
        {"field_code": "PHONE", "values": [{"value": f"+1 555 {digits[:3]} {digits[3:]}", "enum_code": "WORK"}]}]}])
    typed = f"555{digits}"
    page = signed_in_page

    page.goto("/contacts")
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    page.get_by_role("searchbox", name="Search contacts by name, phone or email").fill(typed)
    expect(page).to_have_url(re.compile(rf"/contacts\?q={typed}$"))
    link = page.get_by_role("table", name="Contacts").get_by_role("link", name=name)
    expect(link).to_be_visible()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)  # the header and the one contact
    expect(page.get_by_role("table").get_by_text(f"+1 555 {digits[:3]} {digits[3:]}")).to_be_visible()
    snap(page, "contacts-list")
    link.click()
    expect(page).to_have_url(re.compile(rf"/contacts/{contact_id}$"))

    page.goto("/leads")
    expect(page.get_by_role("heading", name="Leads", level=1)).to_be_visible()
    page.keyboard.press("Control+K")
    dialog = page.get_by_role("dialog", name="Find anything")
    expect(dialog).to_be_visible()
    box = dialog.get_by_role("combobox", name="Find anything")
    expect(box).to_be_focused()
    box.fill(typed)
    option = dialog.get_by_role("option", name=re.compile(name))
    expect(option).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    expect(dialog.get_by_role("group", name="Contacts")).to_be_visible()
    expect(option.locator("mark").first).to_have_text(f"555 {digits[:3]} {digits[3:]}")
    snap(page, "palette")
    box.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/contacts/{contact_id}$"))

    # the header's button opens it too (touch screens), Esc closes it
    page.get_by_role("button", name="Find anything").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_on_a_phone_the_list_is_compact(signed_in_page: Page, api):
    name = f"Pocket person {unique()}"
    add(api, "contacts", [{"name": name, "custom_fields_values": [
        {"field_code": "EMAIL", "values": [{"value": f"{name.split()[-1]}@example.com", "enum_code": "WORK"}]}]}])
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/contacts?q={name.split()[-1]}")
    items = page.get_by_role("list", name="Contacts").get_by_role("listitem")
    expect(items).to_have_count(1)
    expect(items.get_by_role("link", name=name)).to_be_visible()
    expect(items).to_contain_text(f"{name.split()[-1]}@example.com")
    expect(page.get_by_role("table")).to_have_count(0)
    items.get_by_role("checkbox", name=f"Select {name}").check()
    expect(page.get_by_role("region", name="Actions on the selected rows")).to_contain_text("1 selected")
    expect(page.get_by_role("button", name="Find anything")).to_be_visible()  # the header keeps it on a phone
    snap(page, "contacts-list-phone")


def test_leads_sort_by_a_custom_field(signed_in_page: Page, api):
    marker = unique()
    field_name = f"Score {marker}"
    answer = api.post("/api/v4/leads/custom_fields", json=[{"name": field_name, "type": "numeric"}])
    assert answer.status_code == 200, answer.text
    field_id = answer.json()["_embedded"]["custom_fields"][0]["id"]
    add(api, "leads", [{"name": f"{label} {marker}", "price": price,
                        "custom_fields_values": [{"field_id": field_id, "values": [{"value": score}]}]}
                       for label, score, price in (("Middle", 20, 300), ("Low", 10, 100), ("High", 30, 200))])
    page = signed_in_page

    page.goto(f"/leads?q={marker}")
    expect(page.get_by_role("link", name=f"High {marker}")).to_be_visible()
    page.get_by_role("button", name="Columns").click()
    chooser = page.get_by_role("dialog", name="Columns to show")
    chooser.get_by_label(field_name).check()
    chooser.get_by_role("button", name="Close", exact=True).last.click()
    header = page.get_by_role("columnheader", name=field_name)
    expect(header).to_be_visible()

    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(rf"sort={field_id}"))
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text(
        [f"Low {marker}", f"Middle {marker}", f"High {marker}"])
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text(
        [f"High {marker}", f"Middle {marker}", f"Low {marker}"])
    snap(page, "leads-list")

    page.reload()  # the sort is in the URL, the columns in the browser's storage
    expect(page.get_by_role("columnheader", name=field_name)).to_have_attribute("aria-sort", "descending")
    assert row_names(page, marker) == [f"High {marker}", f"Middle {marker}", f"Low {marker}"]


def test_bulk_change_responsible_and_bulk_delete(signed_in_page: Page, api, kanbo_server):
    marker = unique()
    answer = api.post("/api/v4/users", json=[{"email": f"bulk-{marker}@example.com", "name": f"Bulk user {marker}",
                                              "password": "secret-password"}])
    assert answer.status_code == 200, answer.text
    user_id = answer.json()["_embedded"]["users"][0]["id"]
    first, second, third = add(api, "leads", [{"name": f"{label} {marker}"} for label in ("First", "Second", "Third")])
    page = signed_in_page

    page.goto(f"/leads?q={marker}&sort=id")
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(3)
    page.get_by_role("checkbox", name=f"Select First {marker}").click()
    page.get_by_role("checkbox", name=f"Select Second {marker}").click(modifiers=["Shift"])  # a range of two
    bar = page.get_by_role("region", name="Actions on the selected rows")
    expect(bar).to_contain_text("2 selected")
    expect(page.get_by_role("checkbox", name=f"Select Third {marker}")).not_to_be_checked()

    bar.get_by_role("button", name="Change responsible").click()
    dialog = page.get_by_role("dialog", name="Change responsible")
    dialog.get_by_label("Responsible").select_option(label=f"Bulk user {marker}")
    dialog.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").filter(has_text="2 rows changed.")).to_be_visible()
    expect(dialog).to_be_hidden()
    responsible = {lead: api.get(f"/api/v4/leads/{lead}").json()["responsible_user_id"]
                   for lead in (first, second, third)}
    assert responsible == {first: user_id, second: user_id, third: kanbo_server.user_id}
    expect(page.get_by_role("row", name=re.compile(f"First {marker}"))).to_contain_text(f"Bulk user {marker}")

    page.get_by_role("button", name="Filters").click()  # the filter by responsible finds the two
    page.get_by_label("Responsible").select_option(label=f"Bulk user {marker}")
    expect(page).to_have_url(re.compile(f"user={user_id}"))
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text([f"First {marker}", f"Second {marker}"])
    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_count(3)

    page.get_by_role("checkbox", name=f"Select First {marker}").click()
    page.get_by_role("checkbox", name=f"Select Third {marker}").click()
    bar.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog", name="Delete")
    expect(confirm).to_contain_text("2 leads selected.")
    confirm.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status").filter(has_text="2 rows deleted.")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("rowheader")).to_have_text([f"Second {marker}"])
    assert api.get(f"/api/v4/leads/{first}").status_code == 204
    assert api.get(f"/api/v4/leads/{third}").status_code == 204
    assert api.get(f"/api/v4/leads/{second}").status_code == 200
    trashed = api.get("/api/v4/leads", params={"with": "only_deleted", "filter[id][]": [first, third]})
    assert sorted(item["id"] for item in trashed.json()["_embedded"]["leads"]) == sorted([first, third])
