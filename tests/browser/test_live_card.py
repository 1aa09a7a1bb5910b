"""An open card follows live events (issue 11 §7): what someone else changes through the API — the name, a custom
field, a note, a task added and completed — shows on the open lead card without a reload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from playwright.sync_api import Page, expect


def _created(answer: httpx.Response, key: str) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["_embedded"][key]
    return items


def test_an_open_lead_card_shows_changes_made_elsewhere(signed_in_page: Page, api: httpx.Client):
    tag = uuid.uuid4().hex[:8]
    (source,) = _created(api.post("/api/v4/leads/custom_fields", json=[{"name": f"Source {tag}", "type": "text"}]),
                         "custom_fields")
    name = f"Live lead {tag}"
    lead_id = _created(api.post("/api/v4/leads", json=[{"name": name}]), "leads")[0]["id"]
    page = signed_in_page
    page.goto(f"/leads/{lead_id}")
    expect(page.get_by_role("button", name=f"Name: {name}")).to_be_visible()
    expect(page.get_by_role("button", name=f"Source {tag}: Not set")).to_be_visible()
    feed = page.get_by_role("region", name="Feed")
    page.evaluate("window.kanboNotReloaded = true")  # gone if the page were loaded again

    # The name and a custom field, in one PATCH of someone else.
    renamed = f"Renamed lead {tag}"
    answer = api.patch(f"/api/v4/leads/{lead_id}", json={
        "name": renamed,
        "custom_fields_values": [{"field_id": source["id"], "values": [{"value": f"Fair {tag}"}]}],
    })
    assert answer.status_code == 200, answer.text
    expect(page.get_by_role("button", name=f"Name: {renamed}")).to_be_visible()
    expect(page.get_by_role("heading", name=renamed)).to_be_attached()
    expect(page.get_by_role("button", name=f"Source {tag}: Fair {tag}")).to_be_visible()
    expect(feed.get_by_text(f"Source {tag} set to Fair {tag}")).to_be_visible()

    # A note.
    note = f"Called from the other office {tag}"
    _created(api.post(f"/api/v4/leads/{lead_id}/notes", json=[{"note_type": "common", "params": {"text": note}}]),
             "notes")
    expect(feed.get_by_role("article", name="Note").filter(has_text=note)).to_be_visible()

    # A task (its events name the task, not the lead), then its completion with a result.
    deadline = int(datetime(2031, 5, 4, 15, 30, tzinfo=UTC).timestamp())
    (task,) = _created(api.post("/api/v4/tasks", json=[{
        "text": f"Send the offer {tag}", "complete_till": deadline, "task_type_id": 2,
        "entity_type": "leads", "entity_id": lead_id,
    }]), "tasks")
    task_card = feed.get_by_role("article", name=f"Meeting: Send the offer {tag}")
    expect(task_card.get_by_role("button", name="Complete")).to_be_visible()
    answer = api.patch(f"/api/v4/tasks/{task['id']}", json={"is_completed": True, "result": {"text": f"Sent {tag}"}})
    assert answer.status_code == 200, answer.text
    expect(task_card.get_by_text(f"Sent {tag}")).to_be_visible()
    expect(task_card.get_by_role("button", name="Complete")).to_have_count(0)

    assert page.evaluate("window.kanboNotReloaded") is True
