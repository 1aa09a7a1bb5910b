"""The incoming leads screen in a real browser: a form's incoming lead added through the API is accepted
into a chosen stage and becomes a lead there; another is declined (both checked through the API)."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.browser.artifacts import snap


def add_form_lead(api: httpx.Client, form: str, lead: str, contact: str) -> dict[str, Any]:
    """POST /api/v4/leads/unsorted/forms with one incoming lead; its uid and lead id."""
    tag = uuid.uuid4().hex
    body = [{
        "source_uid": tag, "source_name": "Website",
        "metadata": {"form_id": tag, "form_name": form, "form_page": "https://example.com/contact",
                     "form_sent_at": int(time.time()), "ip": "192.0.2.7"},
        "_embedded": {"leads": [{"name": lead, "price": 1200}],
                      "contacts": [{"name": contact, "custom_fields_values": [
                          {"field_code": "PHONE", "values": [{"value": "+34 600 000 111", "enum_code": "WORK"}]}]}]},
    }]
    response = api.post("/api/v4/leads/unsorted/forms", json=body)
    assert response.status_code == 200, response.text
    added = response.json()["_embedded"]["unsorted"][0]
    return {"uid": added["uid"], "lead": added["_embedded"]["leads"][0]["id"]}


def stages(api: httpx.Client) -> list[dict[str, Any]]:
    """The main pipeline's ordinary stages in board order (not Incoming, not won or lost)."""
    pipelines = api.get("/api/v4/leads/pipelines").json()["_embedded"]["pipelines"]
    main = next(pipeline for pipeline in pipelines if pipeline["is_main"])
    ordinary = [stage for stage in main["_embedded"]["statuses"]
                if stage["type"] == 0 and stage["id"] not in (142, 143)]
    return sorted(ordinary, key=lambda stage: stage["sort"])


def test_an_incoming_lead_is_accepted_into_a_stage_and_another_declined(signed_in_page: Page, api: httpx.Client):
    suffix = uuid.uuid4().hex[:8]
    kept = add_form_lead(api, f"Callback {suffix}", f"Kept lead {suffix}", f"Ana {suffix}")
    dropped = add_form_lead(api, f"Spam {suffix}", f"Dropped lead {suffix}", f"Bot {suffix}")
    first, second = stages(api)[:2]
    page = signed_in_page
    page.goto("/incoming?category=forms")

    item = page.get_by_role("article", name=f"Form “Callback {suffix}”")
    expect(item).to_be_visible()
    expect(item.get_by_text(f"Kept lead {suffix}")).to_be_visible()  # what accepting creates
    expect(item.get_by_text(f"Ana {suffix}")).to_be_visible()
    expect(item.get_by_role("link", name="+34 600 000 111")).to_be_visible()
    expect(item.get_by_role("link", name="https://example.com/contact")).to_be_visible()
    snap(page, "incoming")

    item.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog", name=f"Accept Form “Callback {suffix}”")
    expect(dialog.get_by_label("Stage")).to_have_value(str(first["id"]))  # the first stage after Incoming
    dialog.get_by_label("Stage").select_option(str(second["id"]))
    dialog.get_by_role("button", name="Accept").click()
    expect(dialog).to_be_hidden()
    expect(item).to_have_count(0)
    sorted_list = page.get_by_role("region", name="Just sorted")
    expect(sorted_list.get_by_role("link", name="Open the lead")).to_have_attribute("href", f"/leads/{kept['lead']}")
    lead = api.get(f"/api/v4/leads/{kept['lead']}").json()
    assert (lead["status_id"], lead["pipeline_id"]) == (second["id"], second["pipeline_id"])
    assert api.get(f"/api/v4/leads/unsorted/{kept['uid']}").status_code == 204  # no longer waiting

    other = page.get_by_role("article", name=f"Form “Spam {suffix}”")
    other.get_by_role("button", name="Decline").click()
    confirm = page.get_by_role("dialog", name=re.compile(f"Decline Form “Spam {suffix}”"))
    confirm.get_by_role("button", name="Decline").click()
    expect(other).to_have_count(0)
    expect(sorted_list.get_by_text(f"Form “Spam {suffix}”")).to_be_visible()
    assert api.get(f"/api/v4/leads/unsorted/{dropped['uid']}").status_code == 204
    assert api.get(f"/api/v4/leads/{dropped['lead']}").status_code == 204  # in the trash
    trashed = api.get(f"/api/v4/leads/{dropped['lead']}", params={"with": "only_deleted"}).json()
    assert trashed["is_deleted"] is True
