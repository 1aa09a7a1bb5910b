"""The settings screens in a real browser: stages, custom fields and the rights matrix, each checked through the
API afterwards; a webhook's delivery log; and the state members see."""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.artifacts import snap
from tests.browser.server import KanboServer, start_server
from tests.support import databases


def main_pipeline(api: httpx.Client) -> dict[str, Any]:
    pipelines = api.get("/api/v4/leads/pipelines").json()["_embedded"]["pipelines"]
    return next(p for p in pipelines if p["is_main"])


def stage_named(api: httpx.Client, pipeline_id: int, name: str) -> dict[str, Any] | None:
    stages = api.get(f"/api/v4/leads/pipelines/{pipeline_id}/statuses").json()["_embedded"]["statuses"]
    return next((s for s in stages if s["name"] == name), None)


def regular_order(api: httpx.Client, pipeline_id: int) -> list[str]:
    stages = api.get(f"/api/v4/leads/pipelines/{pipeline_id}/statuses").json()["_embedded"]["statuses"]
    return [s["name"] for s in stages if s["is_editable"]]


def test_add_rename_and_move_a_stage(signed_in_page: Page, api: httpx.Client):
    page = signed_in_page
    pipeline = main_pipeline(api)
    name = f"Stage {uuid.uuid4().hex[:6]}"
    page.goto("/settings/pipelines")
    expect(page.get_by_role("heading", name="Pipelines and stages", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=pipeline["name"])).to_have_attribute("aria-pressed", "true")

    page.get_by_label("New stage").fill(name)
    page.get_by_role("button", name="Add stage").click()
    expect(page.get_by_role("list", name=f"Stages of {pipeline['name']}").get_by_text(name, exact=True)).to_be_visible()
    added = stage_named(api, pipeline["id"], name)
    assert added is not None and added["is_editable"] and added["type"] == 0
    assert regular_order(api, pipeline["id"])[-1] == name  # after the other regular stages

    renamed = name + " (renamed)"
    page.get_by_role("button", name=f"Rename {name}").click()
    field = page.get_by_label(f"Name of {name}")
    field.fill(renamed)
    field.press("Enter")
    expect(page.get_by_role("button", name=f"Rename {renamed}")).to_be_visible()
    assert stage_named(api, pipeline["id"], name) is None
    assert stage_named(api, pipeline["id"], renamed)["id"] == added["id"]

    # From the keyboard: move it up one place, and the API orders it so.
    before = regular_order(api, pipeline["id"])
    up = page.get_by_role("button", name=f"Move {renamed} up")
    up.focus()
    with page.expect_response(lambda r: r.request.method == "PATCH" and "/statuses/" in r.url):
        page.keyboard.press("Enter")
    expected = [*before[:-2], renamed, before[-2]]
    expect(page.get_by_text(f"{renamed} moved to position {len(before) - 1} of {len(before)}")).to_be_attached()
    page.wait_for_load_state("networkidle")
    assert regular_order(api, pipeline["id"]) == expected

    # The system stages offer only a rename.
    page.evaluate("window.scrollTo(0, 0)")
    won = page.get_by_role("listitem").filter(has_text=next(s["name"] for s in pipeline["_embedded"]["statuses"]
                                                              if s["id"] == 142))
    expect(won.get_by_role("button")).to_have_count(1)
    snap(page, "settings-pipelines")


def test_add_a_select_field_with_two_choices(signed_in_page: Page, api: httpx.Client):
    page = signed_in_page
    name = f"Source {uuid.uuid4().hex[:6]}"
    page.goto("/settings/fields")
    expect(page.get_by_role("heading", name="Custom fields", exact=True)).to_be_visible()
    page.get_by_role("button", name="Add field", exact=True).click()
    dialog = page.get_by_role("dialog", name="Add field")
    dialog.get_by_role("textbox", name="Name", exact=True).fill(name)
    dialog.get_by_role("combobox", name="Type", exact=True).select_option(label="List (one choice)")
    dialog.get_by_label("Choice 1", exact=True).fill("Web")
    dialog.get_by_label("Choice 2", exact=True).fill("Referral")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/api/v4/leads/custom_fields")):
        dialog.get_by_role("button", name="Create").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("row", name=name)).to_contain_text("List (one choice)")

    fields = api.get("/api/v4/leads/custom_fields", params={"filter[type]": "select", "limit": 250}).json()
    made = next(f for f in fields["_embedded"]["custom_fields"] if f["name"] == name)
    assert [e["value"] for e in made["enums"]] == ["Web", "Referral"]
    snap(page, "settings-fields")


def test_edit_a_users_rights_in_the_matrix(signed_in_page: Page, api: httpx.Client):
    page = signed_in_page
    email = f"matrix-{uuid.uuid4().hex[:6]}@example.com"
    made = api.post("/api/v4/users", json=[{"email": email, "name": "Matrix Person"}])
    assert made.status_code == 200, made.text
    user_id = made.json()["_embedded"]["users"][0]["id"]

    page.goto("/settings/users")
    page.get_by_role("button", name="Rights of Matrix Person").click()
    dialog = page.get_by_role("dialog", name="Matrix Person")
    dialog.get_by_label("Leads: View", exact=True).select_option(label="Own")
    # Narrowing "view" narrows what depends on it.
    expect(dialog.get_by_label("Leads: Edit", exact=True)).to_have_value("M")
    dialog.get_by_label("Contacts: Delete", exact=True).select_option(label="None")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(f"/api/v4/users/{user_id}")):
        dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    rights = api.get(f"/api/v4/users/{user_id}").json()["rights"]
    assert rights["leads"] == {"view": "M", "edit": "M", "add": "A", "delete": "M", "export": "M"}
    assert rights["contacts"]["delete"] == "D" and rights["contacts"]["view"] == "A"
    assert rights["is_admin"] is False
    snap(page, "settings-users")


def test_an_integration_is_added_and_disabled(signed_in_page: Page, api: httpx.Client):
    name = f"Shop {uuid.uuid4().hex[:6]}"
    page = signed_in_page
    page.goto("/settings/integrations")
    page.get_by_role("button", name="Add integration").click()
    form = page.get_by_role("dialog", name="Add integration")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Redirect address").fill("https://shop.example/oauth/callback")
    form.get_by_role("button", name="Create").click()
    shown = page.get_by_role("dialog", name=f"Integration “{name}” added")
    client_id = shown.get_by_label("Client id").input_value()
    assert len(shown.get_by_label("Client secret").input_value()) > 40
    shown.get_by_role("button", name="Done").click()
    listed = api.get("/api/v4/integrations").json()["_embedded"]["integrations"]
    made = next(item for item in listed if item["client_id"] == client_id)
    assert (made["name"], made["redirect_uri"], made["is_active"]) == (
        name, "https://shop.example/oauth/callback", True)

    page.get_by_role("button", name=f"Disable {name}").click()
    expect(page.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text("disabled")
    expect(page.get_by_role("button", name=f"Enable {name}")).to_be_visible()
    listed = api.get("/api/v4/integrations").json()["_embedded"]["integrations"]
    assert next(item for item in listed if item["client_id"] == client_id)["is_active"] is False


def test_a_long_lived_token_is_shown_once_and_revoked(signed_in_page: Page, kanbo_server: KanboServer):
    page = signed_in_page
    page.goto("/settings/integrations")
    page.get_by_role("button", name="Create token").click()
    form = page.get_by_role("dialog", name="Create token")
    form.get_by_label("Lifetime in days").fill("2")
    form.get_by_role("button", name="Create").click()
    shown = page.get_by_role("dialog", name="Your new token")
    token = shown.get_by_label("Token").input_value()
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(kanbo_server.url("/api/v4/account"), headers=bearer).status_code == 200
    shown.get_by_role("button", name="Done").click()

    listed = httpx.get(kanbo_server.url("/api/v4/long_lived_tokens"), headers=bearer).json()
    newest = listed["_embedded"]["long_lived_tokens"][0]
    assert newest["expires_at"] - newest["created_at"] == 2 * 86400
    page.get_by_role("button", name=f"Revoke token #{newest['id']}").click()
    with page.expect_response(lambda r: r.request.method == "DELETE" and "/long_lived_tokens/" in r.url):
        page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row", name=f"#{newest['id']}")).to_contain_text("revoked")
    assert httpx.get(kanbo_server.url("/api/v4/account"), headers=bearer).status_code == 401


def test_members_are_told_settings_are_for_admins(page: Page, api: httpx.Client, kanbo_server: KanboServer):
    email, password = f"member-{uuid.uuid4().hex[:6]}@example.com", "member-password"
    assert api.post("/api/v4/users", json=[{"email": email, "password": password}]).status_code == 200
    page.goto("/login?next=/settings")
    page.locator("#subdomain").fill(kanbo_server.subdomain)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator('form[action="/login"] [type="submit"]').click()
    expect(page.get_by_role("heading", name="Settings are for administrators")).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)


class _Refusing(BaseHTTPRequestHandler):
    """A webhook receiver that answers every delivery with 500."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"receiver down")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def delivering_server(tmp_path: Path) -> Iterator[KanboServer]:
    """A server of its own whose webhook worker runs (the shared one's does not) and may post to loopback."""
    kind = databases.kind()
    with databases.fresh_pg_database() if kind == "postgresql" else contextlib.nullcontext() as url:
        server = start_server(tmp_path / "home", kind, url, extra_env={
            "KANBO_WORKER_IN_PROCESS": "true", "KANBO_WEBHOOKS_ALLOW_PRIVATE": "true"})
        try:
            yield server
        finally:
            server.stop()


def deliveries(client: httpx.Client, webhook_id: int) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v4/webhooks/{webhook_id}/deliveries")
    return answer.json()["_embedded"]["deliveries"] if answer.status_code == 200 else []


def wait_for(check: Any, what: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)  # polling the API (not the page): the worker delivers in the background
    raise AssertionError(f"timed out waiting for {what}")


def test_the_delivery_log_shows_attempts_and_sends_again(page: Page, delivering_server: KanboServer):
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    server = delivering_server
    destination = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}) as client:
            webhook = client.post("/api/v4/webhooks", json={"destination": destination, "settings": ["add_lead"]})
            assert webhook.status_code == 200, webhook.text
            webhook_id = webhook.json()["id"]
            assert client.post("/api/v4/leads", json=[{"name": "Hooked lead"}]).status_code == 200
            first = wait_for(lambda: [d for d in deliveries(client, webhook_id) if d["attempts"] >= 1],
                             "the first attempt")[0]
            assert first["last_status_code"] == 500

            page.goto(server.url("/login?next=/settings/webhooks"))
            page.locator("#subdomain").fill(server.subdomain)
            page.locator("#email").fill(server.email)
            page.locator("#password").fill(server.password)
            page.locator('form[action="/login"] [type="submit"]').click()
            page.get_by_role("button", name=f"Deliveries to {destination}").click()
            log = page.get_by_role("dialog", name=f"Deliveries to {destination}")
            item = log.get_by_role("listitem").filter(has_text="add_lead")
            expect(item).to_contain_text("answer 500")
            expect(item).to_contain_text("1 attempt")
            item.get_by_text("Attempts (1)").click()
            expect(item.get_by_role("row").filter(has_text="receiver down")).to_contain_text("500")

            with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/retry")) as sent:
                item.get_by_role("button", name="Send again").click()
            assert sent.value.status == 200
            wait_for(lambda: [d for d in deliveries(client, webhook_id)
                              if d["id"] == first["id"] and d["attempts"] >= 2], "the second attempt")
            log.get_by_label("Show").select_option(label="pending")  # a new read of the log
            expect(log.get_by_role("listitem").filter(has_text="add_lead")).to_contain_text("2 attempts")
    finally:
        receiver.shutdown()
