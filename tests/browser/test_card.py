"""The lead, contact and company cards (issue 11 §4) in a real browser: fields edited in place and saved through
the API, the API's validation message next to the field, links, and the feed's composer (a note, a task completed
with a result). Data is made through ``api`` with unique names; every save is checked through the API too."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from playwright.sync_api import Page, Response, expect

from tests.browser.artifacts import snap


def _created(answer: httpx.Response, key: str) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["_embedded"][key]
    return items


def _field_values(entity: dict[str, Any], field_id: int) -> list[dict[str, Any]] | None:
    for field in entity.get("custom_fields_values") or []:
        if field["field_id"] == field_id:
            values: list[dict[str, Any]] = field["values"]
            return values
    return None


def _is_patch_of(kind: str, entity_id: int) -> Callable[[Response], bool]:
    """For ``page.expect_response``: the PATCH of one card."""
    return lambda r: r.request.method == "PATCH" and r.url.endswith(f"/api/v4/{kind}/{entity_id}")


def test_a_lead_card_edits_fields_and_works_the_feed(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    budget, channel = _created(api.post("/api/v4/leads/custom_fields", json=[
        {"name": f"Budget {tag}", "type": "numeric"},
        {"name": f"Channel {tag}", "type": "select", "enums": [{"value": "Web"}, {"value": "Phone"}]},
    ]), "custom_fields")
    phone_enum = next(item["id"] for item in channel["enums"] if item["value"] == "Phone")
    name = f"Card lead {tag}"
    lead_id = _created(api.post("/api/v4/leads", json=[{"name": name, "price": 100}]), "leads")[0]["id"]
    page = signed_in_page
    page.goto(f"/leads/{lead_id}")
    expect(page.get_by_role("heading", name=name)).to_be_attached()
    expect(page.get_by_role("button", name=f"Name: {name}")).to_be_visible()

    # A numeric field: typed, Enter saves through the API, the card shows the new value.
    page.get_by_role("button", name=f"Budget {tag}: Not set").click()
    field = page.get_by_label(f"Budget {tag}", exact=True)
    expect(field).to_be_focused()
    field.fill("1500")
    with page.expect_response(_is_patch_of("leads", lead_id)) as saved:
        field.press("Enter")
    assert saved.value.status == 200
    expect(page.get_by_role("button", name=f"Budget {tag}: 1,500")).to_be_visible()
    assert _field_values(api.get(f"/api/v4/leads/{lead_id}").json(), budget["id"]) == [{"value": 1500}]

    # Not a number: the API's validation message shows next to the field, which stays open; Esc cancels.
    page.get_by_role("button", name=f"Budget {tag}: 1,500").click()
    field.fill("a lot")
    with page.expect_response(_is_patch_of("leads", lead_id)) as refused:
        field.press("Enter")
    assert refused.value.status == 400
    message = refused.value.json()["validation-errors"][0]["errors"][0]
    assert message["path"] == "custom_fields_values.0.values.0.value"
    error = page.get_by_role("alert").filter(has_text=message["detail"])
    expect(error).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert field.get_attribute("aria-describedby") == error.get_attribute("id")
    field.press("Escape")
    expect(page.get_by_role("button", name=f"Budget {tag}: 1,500")).to_be_focused()
    assert _field_values(api.get(f"/api/v4/leads/{lead_id}").json(), budget["id"]) == [{"value": 1500}]

    # A select field, saved when the focus leaves it.
    page.get_by_role("button", name=f"Channel {tag}: Not set").click()
    page.get_by_label(f"Channel {tag}", exact=True).select_option(label="Phone")
    with page.expect_response(_is_patch_of("leads", lead_id)):
        page.get_by_role("button", name=re.compile(r"^Sale: ")).focus()
    expect(page.get_by_role("button", name=f"Channel {tag}: Phone")).to_be_visible()
    assert _field_values(api.get(f"/api/v4/leads/{lead_id}").json(), channel["id"]) == [
        {"value": "Phone", "enum_id": phone_enum, "enum_code": None}]

    # The changes are in the feed as readable lines.
    feed = page.get_by_role("region", name="Feed")
    expect(feed.get_by_text(f"Budget {tag} set to 1,500")).to_be_visible()
    expect(feed.get_by_text(f"Channel {tag} set to Phone")).to_be_visible()

    # A note from the composer.
    note = f"Called the client {tag}"
    feed.get_by_role("textbox", name="Note").fill(note)
    feed.get_by_role("button", name="Add note").click()
    expect(feed.get_by_role("article", name="Note").filter(has_text=note)).to_be_visible()
    notes = api.get(f"/api/v4/leads/{lead_id}/notes").json()["_embedded"]["notes"]
    assert [(n["note_type"], n["params"]["text"]) for n in notes] == [("common", note)]

    # A task with an exact deadline (the browser runs in UTC).
    feed.get_by_role("button", name="Task", exact=True).click()
    feed.get_by_role("combobox", name="Type").select_option(label="Meeting")
    feed.get_by_label("Date").fill("2031-05-04")
    feed.get_by_label("Time").fill("15:30")
    feed.get_by_role("textbox", name="Task").fill(f"Send the offer {tag}")
    feed.get_by_role("button", name="Set task").click()
    task_card = feed.get_by_role("article", name=f"Meeting: Send the offer {tag}")
    expect(task_card).to_be_visible()
    tasks = api.get("/api/v4/tasks", params={"filter[entity_type]": "leads", "filter[entity_id]": lead_id}).json()
    (task,) = tasks["_embedded"]["tasks"]
    assert task["complete_till"] == int(datetime(2031, 5, 4, 15, 30, tzinfo=UTC).timestamp())
    assert (task["task_type_id"], task["is_completed"], task["entity_type"]) == (2, False, "leads")

    # Completing it asks for the result, which the API records.
    task_card.get_by_role("button", name="Complete").click()
    dialog = page.get_by_role("dialog", name="Complete the task")
    dialog.get_by_label("Result").fill(f"Offer sent {tag}")
    dialog.get_by_role("button", name="Complete").click()
    expect(dialog).to_be_hidden()
    completed = feed.get_by_role("article", name=f"Meeting: Send the offer {tag}")
    expect(completed.get_by_text(f"Offer sent {tag}")).to_be_visible()
    expect(feed.get_by_role("button", name="Complete")).to_have_count(0)
    done = api.get(f"/api/v4/tasks/{task['id']}").json()
    assert done["is_completed"] is True and done["result"] == {"text": f"Offer sent {tag}"}

    # A new contact made inline and linked; its link opens its card.
    page.get_by_role("button", name="Add contact").click()
    search = page.get_by_role("combobox", name="Add contact")
    search.fill(f"Ann {tag}")
    expect(page.get_by_role("option", name=f"New contact “Ann {tag}”")).to_be_visible()
    search.press("Enter")
    contacts = page.get_by_role("region", name="Contacts")
    expect(contacts.get_by_role("link", name=f"Ann {tag}")).to_be_visible()
    linked = api.get(f"/api/v4/leads/{lead_id}", params={"with": "contacts"}).json()["_embedded"]["contacts"]
    assert len(linked) == 1
    page.get_by_role("button", name="Add tag").click()
    page.get_by_role("combobox", name="Add tag").fill(f"hot-{tag}")
    page.get_by_role("combobox", name="Add tag").press("Enter")
    expect(page.get_by_role("list", name="Tags").get_by_text(f"hot-{tag}")).to_be_visible()
    assert [t["name"] for t in api.get(f"/api/v4/leads/{lead_id}").json()["_embedded"]["tags"]] == [f"hot-{tag}"]
    page.get_by_role("combobox", name="Add tag").fill(f"cold-{tag}")
    page.get_by_role("combobox", name="Add tag").press("Enter")
    page.get_by_role("button", name=f"Remove tag cold-{tag}").click()
    expect(page.get_by_role("button", name=f"Remove tag cold-{tag}")).to_have_count(0)
    assert [t["name"] for t in api.get(f"/api/v4/leads/{lead_id}").json()["_embedded"]["tags"]] == [f"hot-{tag}"]
    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    snap(page, "lead-card")

    contacts.get_by_role("link", name=f"Ann {tag}").click()
    expect(page).to_have_url(re.compile(rf"/contacts/{linked[0]['id']}$"))
    expect(page.get_by_role("region", name="Leads").get_by_role("link", name=name)).to_be_visible()


def test_a_contact_card_shows_and_edits_phones(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    company_id = _created(api.post("/api/v4/companies", json=[{"name": f"Acme {tag}"}]), "companies")[0]["id"]
    contact_id = _created(api.post("/api/v4/contacts", json=[{
        "first_name": "Eva", "last_name": f"Prado {tag}",
        "custom_fields_values": [
            {"field_code": "PHONE", "values": [{"value": "+1 555 0100", "enum_code": "MOB"}]},
            {"field_code": "EMAIL", "values": [{"value": f"eva.{tag}@acme.test", "enum_code": "WORK"}]},
        ],
    }]), "contacts")[0]["id"]
    assert api.post(f"/api/v4/contacts/{contact_id}/link",
                    json=[{"to_entity_id": company_id, "to_entity_type": "companies"}]).status_code == 200
    _created(api.post("/api/v4/leads", json=[{"name": f"Deal {tag}",
                                              "_embedded": {"contacts": [{"id": contact_id}]}}]), "leads")
    call = api.post("/api/v4/contacts/" + str(contact_id) + "/notes", json=[{"note_type": "call_in", "params": {
        "uniq": str(uuid.uuid4()), "duration": 95, "source": "PBX", "phone": "+1 555 0100",
        "link": "https://example.test/recording.mp3", "call_status": 4, "call_result": "Wants a quote"}}])
    assert call.status_code == 200, call.text
    page = signed_in_page
    page.goto(f"/contacts/{contact_id}")

    phone = page.get_by_role("button", name="Phone: +1 555 0100 (Mobile)")
    expect(phone).to_be_visible()
    expect(page.get_by_role("region", name="Company").get_by_role("link", name=f"Acme {tag}")).to_be_visible()
    expect(page.get_by_role("region", name="Leads").get_by_role("link", name=f"Deal {tag}")).to_be_visible()
    call_card = page.get_by_role("article", name="Incoming call from +1 555 0100")
    expect(call_card).to_contain_text("Duration 1:35")
    expect(call_card).to_contain_text("Conversation held")
    expect(call_card.locator("audio[controls]")).to_have_attribute("src", "https://example.test/recording.mp3")

    # A second phone, typed as work, added in the editor.
    phone.click()
    page.get_by_role("button", name="Add another").click()
    page.get_by_role("textbox", name="Phone, value 2").fill("+1 555 0199")
    page.get_by_role("combobox", name="Phone, type of value 2").select_option(label="Work")
    with page.expect_response(_is_patch_of("contacts", contact_id)) as saved:
        page.get_by_role("textbox", name="Phone, value 2").press("Enter")
    assert saved.value.status == 200
    expect(page.get_by_role("button", name="Phone: +1 555 0100 (Mobile), +1 555 0199 (Work)")).to_be_visible()
    phones = next(f for f in api.get(f"/api/v4/contacts/{contact_id}").json()["custom_fields_values"]
                  if f["field_code"] == "PHONE")["values"]
    assert [(p["value"], p["enum_code"]) for p in phones] == [("+1 555 0100", "MOB"), ("+1 555 0199", "WORK")]
    snap(page, "contact-card")


def test_a_lead_moves_stage_and_gets_a_loss_reason(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    pipeline = api.get("/api/v4/leads/pipelines").json()["_embedded"]["pipelines"][0]
    won = next(s for s in pipeline["_embedded"]["statuses"] if s["id"] == 142)
    lost = next(s for s in pipeline["_embedded"]["statuses"] if s["id"] == 143)
    _created(api.post("/api/v4/leads/custom_fields", json=[
        {"name": f"Contract {tag}", "type": "text",
         "required_statuses": [{"pipeline_id": pipeline["id"], "status_id": 142}]}]), "custom_fields")
    (reason,) = _created(api.post("/api/v4/leads/loss_reasons", json=[{"name": f"Too dear {tag}"}]), "loss_reasons")
    lead_id = _created(api.post("/api/v4/leads", json=[{"name": f"Stage lead {tag}"}]), "leads")[0]["id"]
    page = signed_in_page
    page.goto(f"/leads/{lead_id}")

    # Won needs the required field: the API's message shows under the stage, nothing moves.
    page.get_by_role("button", name=re.compile(r"^Stage: ")).click()
    stage = page.get_by_label("Stage", exact=True)
    stage.select_option(label=won["name"])
    with page.expect_response(_is_patch_of("leads", lead_id)) as refused:
        stage.press("Enter")
    assert refused.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text(f"Contract {tag}")
    stage.press("Escape")
    assert api.get(f"/api/v4/leads/{lead_id}").json()["status_id"] != 142

    # Lost, then the loss reason that only a lost lead has.
    page.get_by_role("button", name=re.compile(r"^Stage: ")).click()
    stage.select_option(label=lost["name"])
    with page.expect_response(_is_patch_of("leads", lead_id)):
        stage.press("Enter")
    expect(page.get_by_role("button", name=re.compile(rf"^Stage: .*{re.escape(lost['name'])}"))).to_be_visible()
    page.get_by_role("button", name="Loss reason: Not set").click()
    page.get_by_label("Loss reason", exact=True).select_option(label=f"Too dear {tag}")
    with page.expect_response(_is_patch_of("leads", lead_id)):
        page.get_by_label("Loss reason", exact=True).press("Enter")
    expect(page.get_by_role("button", name=f"Loss reason: Too dear {tag}")).to_be_visible()
    saved = api.get(f"/api/v4/leads/{lead_id}").json()
    assert (saved["status_id"], saved["loss_reason_id"]) == (143, reason["id"])
    feed = page.get_by_role("region", name="Feed")
    expect(feed.get_by_text(re.compile(rf"Stage changed: .* → {re.escape(lost['name'])}"))).to_be_visible()
    expect(feed.get_by_text(f"Loss reason: Too dear {tag}")).to_be_visible()


def test_a_long_feed_loads_earlier_pages(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    lead_id = _created(api.post("/api/v4/leads", json=[{"name": f"Busy lead {tag}"}]), "leads")[0]["id"]
    start = int(datetime.now(UTC).timestamp()) - 100_000
    notes = [{"note_type": "common", "params": {"text": f"Note {n:02d} {tag}"}, "created_at": start + n * 60}
             for n in range(60)]
    _created(api.post(f"/api/v4/leads/{lead_id}/notes", json=notes), "notes")
    page = signed_in_page
    page.goto(f"/leads/{lead_id}")
    history = page.get_by_role("region", name="Feed").get_by_role("article", name="Note")
    expect(history).to_have_count(50)  # one page of notes; the older ten wait for "show earlier"
    expect(history.last).to_contain_text(f"Note 59 {tag}")  # the newest at the bottom
    expect(history.first).to_contain_text(f"Note 10 {tag}")
    page.get_by_role("button", name="Show earlier").click()
    expect(history).to_have_count(60)
    expect(history.first).to_contain_text(f"Note 00 {tag}")
    expect(page.get_by_role("button", name="Show earlier")).to_have_count(0)


def test_a_note_is_corrected_and_deleted_in_the_feed(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    (contact,) = _created(api.post("/api/v4/contacts", json=[{"name": f"Noted {tag}"}]), "contacts")
    notes = api.post(f"/api/v4/contacts/{contact['id']}/notes",
                     json=[{"note_type": "common", "params": {"text": f"Calld {tag}"}},
                           {"note_type": "common", "params": {"text": f"Spam {tag}"}}])
    assert notes.status_code == 200, notes.text
    typo, spam = (item["id"] for item in notes.json()["_embedded"]["notes"])
    page = signed_in_page
    page.goto(f"/contacts/{contact['id']}")
    feed = page.get_by_role("region", name="Feed")

    feed.get_by_role("article", name="Note").filter(has_text=f"Calld {tag}").get_by_role(
        "button", name="Edit the note").click()
    dialog = page.get_by_role("dialog", name="Edit the note")
    dialog.get_by_label("Note").fill(f"Called {tag}")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(f"/notes/{typo}")):
        dialog.get_by_role("button", name="Save").click()
    expect(feed.get_by_role("article", name="Note").filter(has_text=f"Called {tag}")).to_be_visible()
    assert api.get(f"/api/v4/contacts/{contact['id']}/notes/{typo}").json()["params"]["text"] == f"Called {tag}"

    feed.get_by_role("article", name="Note").filter(has_text=f"Spam {tag}").get_by_role(
        "button", name="Delete the note").click()
    page.get_by_role("dialog", name="Delete this note?").get_by_role("button", name="Delete").click()
    expect(feed.get_by_role("article", name="Note").filter(has_text=f"Spam {tag}")).to_have_count(0)
    assert api.get(f"/api/v4/contacts/{contact['id']}/notes/{spam}").status_code == 204  # gone


def test_another_contact_becomes_the_leads_main_one(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    first, second = _created(api.post("/api/v4/contacts", json=[{"name": f"First {tag}"}, {"name": f"Second {tag}"}]),
                             "contacts")
    (lead,) = _created(api.post("/api/v4/leads", json=[{"name": f"Two contacts {tag}", "_embedded": {"contacts": [
        {"id": first["id"], "is_main": True}, {"id": second["id"]}]}}]), "leads")
    page = signed_in_page
    page.goto(f"/leads/{lead['id']}")
    contacts = page.get_by_role("region", name="Contacts")
    expect(contacts.get_by_role("listitem").filter(has_text=f"First {tag}")).to_contain_text("main")
    contacts.get_by_role("button", name=f"Make Second {tag} the main contact").click()
    expect(contacts.get_by_role("listitem").filter(has_text=f"Second {tag}")).to_contain_text("main")
    expect(contacts.get_by_role("button", name=f"Make First {tag} the main contact")).to_be_visible()
    linked = api.get(f"/api/v4/leads/{lead['id']}", params={"with": "contacts"}).json()["_embedded"]["contacts"]
    assert {item["id"]: item["is_main"] for item in linked} == {first["id"]: False, second["id"]: True}


def test_a_missing_card_says_so(signed_in_page: Page):
    page = signed_in_page
    page.goto("/companies/987654321")
    expect(page.get_by_role("heading", name="This company does not exist")).to_be_visible()
    expect(page.get_by_role("link", name="Back to Companies")).to_have_attribute("href", "/companies")
