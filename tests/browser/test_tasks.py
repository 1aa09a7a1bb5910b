"""The tasks screen in a real browser: tasks made through the API show in Overdue / Today / Upcoming, are
completed with a result, rescheduled, and added through the screen (each checked through the API)."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.artifacts import snap


def unique(label: str) -> str:
    return f"{label} {uuid.uuid4().hex[:8]}"


def task_type(api: httpx.Client) -> dict[str, Any]:
    """A task type of this test's own: the screen filtered by it shows only this test's tasks."""
    response = api.post("/api/v4/tasks/types", json=[{"name": unique("Type")}])
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()["_embedded"]["task_types"][0]
    return created


def add_tasks(api: httpx.Client, tasks: list[dict[str, Any]]) -> list[int]:
    response = api.post("/api/v4/tasks", json=tasks)
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["_embedded"]["tasks"]]


def get_task(api: httpx.Client, task_id: int) -> dict[str, Any]:
    response = api.get(f"/api/v4/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def group(page: Page, name: str) -> Locator:
    """A group of the screen: a region named by its heading ("Overdue 2")."""
    return page.get_by_role("region", name=re.compile(f"^{name}\\b"))


def later_today(now: int) -> int:
    """A deadline later today in the demo account's zone (UTC), not too close to midnight to stay today."""
    midnight = int(datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0).timestamp()) + 86_400
    if midnight - now < 180:
        pytest.skip("less than three minutes before midnight UTC: 'today' would end during the test")
    return now + (midnight - now) // 2


def test_tasks_are_grouped_and_completed_with_a_result(signed_in_page: Page, api: httpx.Client):
    now = int(time.time())
    kind = task_type(api)
    lead = api.post("/api/v4/leads", json=[{"name": unique("Task lead")}]).json()["_embedded"]["leads"][0]["id"]
    overdue, today, upcoming = unique("Call back"), unique("Send the offer"), unique("Visit the client")
    ids = add_tasks(api, [
        {"text": overdue, "complete_till": now - 3600, "task_type_id": kind["id"], "entity_id": lead,
         "entity_type": "leads"},
        {"text": today, "complete_till": later_today(now), "task_type_id": kind["id"]},
        {"text": upcoming, "complete_till": now + 3 * 86_400, "task_type_id": kind["id"]},
    ])
    page = signed_in_page
    page.goto(f"/tasks?type={kind['id']}")

    expect(group(page, "Overdue").get_by_role("listitem", name=overdue)).to_be_visible()
    expect(group(page, "Today").get_by_role("listitem", name=today)).to_be_visible()
    expect(group(page, "Upcoming").get_by_role("listitem", name=upcoming)).to_be_visible()
    for name, text in (("Today", overdue), ("Upcoming", today), ("Overdue", upcoming)):
        expect(group(page, name).get_by_text(text)).to_have_count(0)
    overdue_row = page.get_by_role("listitem", name=overdue)
    expect(overdue_row.get_by_role("link", name=re.compile("Task lead"))).to_have_attribute("href", f"/leads/{lead}")
    expect(overdue_row.get_by_label(f"Responsible for “{overdue}”")).to_have_value(str(api.get(
        "/api/v4/account").json()["current_user_id"]))
    snap(page, "tasks")

    page.get_by_role("listitem", name=today).get_by_role("button", name="Complete").click()
    dialog = page.get_by_role("dialog", name="Complete task")
    dialog.get_by_label("Result").fill("Offer sent, they answer on Monday")
    dialog.get_by_role("button", name="Complete task").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("listitem", name=today)).to_have_count(0)  # completed tasks are hidden
    expect(group(page, "Today").get_by_text("Nothing left for today.")).to_be_visible()
    completed = get_task(api, ids[1])
    assert completed["is_completed"] is True
    assert completed["result"] == {"text": "Offer sent, they answer on Monday"}

    # A click, then wait: the box follows the address, which the router updates in a transition, so Playwright's
    # check() may look before React has rendered the new state.
    show_completed = page.get_by_label("Show completed")
    show_completed.click()
    expect(show_completed).to_be_checked()
    done_row = group(page, "Completed").get_by_role("listitem", name=today)
    expect(done_row.get_by_text("Result: Offer sent, they answer on Monday")).to_be_visible()
    assert get_task(api, ids[0])["is_completed"] is False


def test_a_task_is_rescheduled_in_place_and_one_is_added_to_a_lead(signed_in_page: Page, api: httpx.Client):
    now = int(time.time())
    kind = task_type(api)
    upcoming = unique("Prepare the demo")
    [task_id] = add_tasks(api, [{"text": upcoming, "complete_till": now + 2 * 86_400, "task_type_id": kind["id"]}])
    page = signed_in_page
    page.goto(f"/tasks?type={kind['id']}")

    row = group(page, "Upcoming").get_by_role("listitem", name=upcoming)
    row.get_by_role("button", name="Reschedule").click()
    moved = datetime.fromtimestamp(now, UTC).replace(second=0, microsecond=0) - timedelta(days=2)
    row.get_by_label(f"New deadline for “{upcoming}”").fill(moved.strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name="Save").click()
    expect(group(page, "Overdue").get_by_role("listitem", name=upcoming)).to_be_visible()
    assert get_task(api, task_id)["complete_till"] == int(moved.timestamp())

    added, lead_name = unique("Ask for references"), unique("Referral lead")
    lead = api.post("/api/v4/leads", json=[{"name": lead_name}]).json()["_embedded"]["leads"][0]["id"]
    page.get_by_role("button", name="Add task").click()
    dialog = page.get_by_role("dialog", name="New task")
    dialog.get_by_label("Type").select_option(label=kind["name"])
    dialog.get_by_label("What to do").fill(added)
    dialog.get_by_label("Attach to").fill(lead_name)
    dialog.get_by_role("button", name=f"Lead {lead_name}").click()
    expect(dialog.get_by_role("button", name="Remove")).to_be_focused()
    deadline = datetime.fromtimestamp(now, UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    dialog.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    dialog.get_by_role("button", name="Add task").click()
    expect(dialog).to_be_hidden()
    added_row = group(page, "Upcoming").get_by_role("listitem", name=added)
    expect(added_row.get_by_role("link", name=re.compile(lead_name))).to_have_attribute("href", f"/leads/{lead}")
    found = api.get("/api/v4/tasks", params={"filter[task_type][]": kind["id"], "filter[is_completed]": 0}).json()
    [task] = [row for row in found["_embedded"]["tasks"] if row["text"] == added]
    assert task["complete_till"] == int(deadline.timestamp())
    assert (task["entity_type"], task["entity_id"]) == ("leads", lead)
