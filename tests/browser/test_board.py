"""The pipeline board in a real browser: quick-add and drag between stages, Lost with a reason, a refused move
that rolls back, moving with the keyboard, accepting an incoming lead, filters and the pipeline switcher, a
user with "own" rights, a change made through the API reaching an open board, and a phone's width. Every
outcome is checked through the API."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.browser.artifacts import snap
from tests.browser.conftest import KanboServer
from tests.browser.test_incoming import add_form_lead, stages


def unique() -> str:
    return uuid.uuid4().hex[:8]


def main_pipeline(api: httpx.Client) -> dict[str, Any]:
    pipelines = api.get("/api/v4/leads/pipelines").json()["_embedded"]["pipelines"]
    return next(pipeline for pipeline in pipelines if pipeline["is_main"])


def add_lead(api: httpx.Client, **lead: Any) -> int:
    response = api.post("/api/v4/leads", json=[lead])
    assert response.status_code == 200, response.text
    return int(response.json()["_embedded"]["leads"][0]["id"])


def column(page: Page, name: str) -> Locator:
    """A stage's column, by its accessible name ("Stage: 3 leads")."""
    return page.get_by_role("region", name=re.compile(rf"^{re.escape(name)}: "))


def card(page: Page, name: str) -> Locator:
    return page.get_by_role("article", name=name)


def lead(api: httpx.Client, lead_id: int) -> dict[str, Any]:
    return api.get(f"/api/v4/leads/{lead_id}").json()


def test_a_working_board(signed_in_page: Page, api: httpx.Client):
    """Leads as a team has them (contacts, companies, tags, tasks) on every stage: the README's picture, so this
    test comes first (the browser tests' demo account is fresh: nothing else is on the board yet)."""
    ordinary = stages(api)
    deals = [("Website redesign", 12000, "Lucía Gómez", "Gómez Arquitectos", ["web"]),
             ("Annual support plan", 4800, "Tom Baker", "Baker & Sons", ["renewal"]),
             ("CRM rollout, 40 seats", 26000, "Marta Ruiz", "Ruiz Logística", ["enterprise", "hot"]),
             ("Online store", 9500, "Ana Torres", "Tienda Verde", ["web"]),
             ("Data migration", 7200, "James Lee", "Northwind", []),
             ("Training day", 1500, "Carmen Díaz", "Díaz Legal", ["services"])]
    for index, (name, price, contact, company, tags) in enumerate(deals):
        stage = ordinary[index % len(ordinary)]
        body = {"name": name, "price": price, "status_id": stage["id"],
                "_embedded": {"tags": [{"name": tag} for tag in tags],
                              "contacts": [{"first_name": contact.split()[0], "last_name": contact.split()[1]}],
                              "companies": [{"name": company}]}}
        answer = api.post("/api/v4/leads/complex", json=[body])
        assert answer.status_code == 200, answer.text
        lead_id = answer.json()[0]["id"]
        if index % 2 == 0:
            task = {"text": "Call about the proposal", "entity_id": lead_id, "entity_type": "leads",
                    "complete_till": int(time.time()) + (index - 1) * 86400}
            assert api.post("/api/v4/tasks", json=[task]).status_code == 200
    add_form_lead(api, "Contact form", "Website inquiry", "Pablo Ortega")
    page = signed_in_page
    page.goto("/board")
    expect(card(page, "Website inquiry").get_by_role("button", name="Accept")).to_be_visible()
    expect(card(page, "Website inquiry")).to_contain_text("Contact form")  # where it came from
    expect(card(page, "CRM rollout, 40 seats")).to_contain_text("Marta Ruiz · Ruiz Logística")
    expect(card(page, "Website redesign")).to_contain_text("Call about the proposal")
    snap(page, "board")


def test_quick_add_a_lead_and_drag_it_to_another_stage(signed_in_page: Page, api: httpx.Client):
    first, second = stages(api)[:2]
    name = f"Board deal {unique()}"
    page = signed_in_page
    page.goto("/board")
    column(page, first["name"]).get_by_role("button", name=f"Add a lead to {first['name']}").click()
    form = page.get_by_role("form", name=f"Add a lead to {first['name']}")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Price").fill("4200")
    form.get_by_role("button", name="Add").click()
    added = column(page, first["name"]).get_by_role("article", name=name)
    expect(added).to_be_visible()
    expect(added).to_contain_text("4,200")
    found = api.get("/api/v4/leads", params={"query": name}).json()["_embedded"]["leads"]
    assert [(item["status_id"], item["price"]) for item in found] == [(first["id"], 4200)]

    added.drag_to(column(page, second["name"]))
    expect(column(page, second["name"]).get_by_role("article", name=name)).to_be_visible()
    expect(column(page, first["name"]).get_by_role("article", name=name)).to_have_count(0)
    expect(page.get_by_text(f"“{name}” moved to {second['name']}")).to_be_visible()
    assert lead(api, found[0]["id"])["status_id"] == second["id"]
    snap(page, "board-quick-add")


def test_drag_to_lost_asks_for_a_reason_and_cancel_keeps_the_lead(signed_in_page: Page, api: httpx.Client):
    first = stages(api)[0]
    reason = f"Too expensive {unique()}"
    answer = api.post("/api/v4/leads/loss_reasons", json=[{"name": reason}])
    assert answer.status_code == 200, answer.text
    reason_id = answer.json()["_embedded"]["loss_reasons"][0]["id"]
    name = f"Lost deal {unique()}"
    lead_id = add_lead(api, name=name, status_id=first["id"], price=10)
    lost = next(stage for stage in main_pipeline(api)["_embedded"]["statuses"] if stage["id"] == 143)
    page = signed_in_page
    page.set_viewport_size({"width": 2200, "height": 900})  # every column in view: a drag does not scroll
    page.goto("/board")

    card(page, name).drag_to(column(page, lost["name"]))
    dialog = page.get_by_role("dialog", name=f"Mark “{name}” as lost")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(column(page, first["name"]).get_by_role("article", name=name)).to_be_visible()
    assert lead(api, lead_id)["status_id"] == first["id"]

    card(page, name).drag_to(column(page, lost["name"]))
    dialog.get_by_label("Loss reason").select_option(label=reason)
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(column(page, lost["name"]).get_by_role("article", name=name)).to_be_visible()
    expect(page.get_by_text(f"“{name}” moved to {lost['name']}")).to_be_visible()
    saved = lead(api, lead_id)
    assert (saved["status_id"], saved["loss_reason_id"]) == (143, reason_id)


def test_a_refused_move_goes_back(signed_in_page: Page, api: httpx.Client):
    first, second = stages(api)[:2]
    name = f"Refused deal {unique()}"
    lead_id = add_lead(api, name=name, status_id=first["id"])
    page = signed_in_page
    page.goto("/board")
    expect(card(page, name)).to_be_visible()
    problem = {"title": "Bad Request", "type": "https://httpstatus.es/400", "status": 400,
               "detail": "Stage change refused"}
    page.route(re.compile(rf".*/api/v4/leads/{lead_id}$"),
               lambda route: route.fulfill(status=400, json=problem, content_type="application/problem+json")
               if route.request.method == "PATCH" else route.continue_())
    card(page, name).drag_to(column(page, second["name"]))
    expect(page.get_by_text(f"“{name}” was not moved: Stage change refused")).to_be_visible()
    expect(column(page, first["name"]).get_by_role("article", name=name)).to_be_visible()
    expect(column(page, second["name"]).get_by_role("article", name=name)).to_have_count(0)
    assert lead(api, lead_id)["status_id"] == first["id"]


def test_move_with_the_keyboard(signed_in_page: Page, api: httpx.Client):
    first, second = stages(api)[:2]
    name = f"Keyboard deal {unique()}"
    lead_id = add_lead(api, name=name, status_id=first["id"])
    page = signed_in_page
    page.goto("/board")
    button = card(page, name).get_by_role("button", name=f"Move “{name}” to another stage")
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name=f"Move “{name}”")
    dialog.get_by_label("Stage").select_option(str(second["id"]))
    dialog.get_by_role("button", name="Move").press("Enter")
    expect(column(page, second["name"]).get_by_role("article", name=name)).to_be_visible()
    expect(page.get_by_text(f"“{name}” moved to {second['name']}")).to_be_visible()
    assert lead(api, lead_id)["status_id"] == second["id"]


def test_accept_an_incoming_lead_on_the_board(signed_in_page: Page, api: httpx.Client):
    suffix = unique()
    added = add_form_lead(api, f"Quote {suffix}", f"Incoming deal {suffix}", f"Eva {suffix}")
    first = stages(api)[0]
    incoming = next(stage for stage in main_pipeline(api)["_embedded"]["statuses"] if stage["type"] == 1)
    page = signed_in_page
    page.goto("/board")
    item = column(page, incoming["name"]).get_by_role("article", name=f"Incoming deal {suffix}")
    expect(item).to_be_visible()
    item.get_by_role("button", name="Accept").click()
    dialog = page.get_by_role("dialog", name=re.compile("^Accept"))
    dialog.get_by_role("button", name="Accept").click()
    expect(column(page, first["name"]).get_by_role("article", name=f"Incoming deal {suffix}")).to_be_visible()
    expect(column(page, incoming["name"]).get_by_role("article", name=f"Incoming deal {suffix}")).to_have_count(0)
    assert lead(api, added["lead"])["status_id"] == first["id"]
    assert api.get(f"/api/v4/leads/unsorted/{added['uid']}").status_code == 204


def test_filters_search_and_the_pipeline_switcher(signed_in_page: Page, api: httpx.Client):
    suffix = unique()
    first = stages(api)[0]
    tag = f"vip-{suffix}"
    tagged = f"Tagged deal {suffix}"
    plain = f"Plain deal {suffix}"
    add_lead(api, name=tagged, status_id=first["id"], price=700, _embedded={"tags": [{"name": tag}]})
    add_lead(api, name=plain, status_id=first["id"], price=300)
    other = api.post("/api/v4/leads/pipelines", json=[{"name": f"Partners {suffix}", "_embedded": {"statuses": [
        {"name": f"Talks {suffix}", "sort": 10}]}}])
    assert other.status_code == 200, other.text
    other_pipeline = other.json()["_embedded"]["pipelines"][0]
    talks = next(stage for stage in other_pipeline["_embedded"]["statuses"] if stage["name"] == f"Talks {suffix}")
    partner = f"Partner deal {suffix}"
    add_lead(api, name=partner, pipeline_id=other_pipeline["id"], status_id=talks["id"], price=50)

    page = signed_in_page
    page.goto("/board")
    page.get_by_label("Search leads").fill(suffix)
    expect(card(page, tagged)).to_be_visible()
    expect(card(page, plain)).to_be_visible()
    expect(column(page, first["name"])).to_contain_text("2 leads")
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Tag", exact=True).select_option(tag)
    expect(card(page, plain)).to_have_count(0)
    expect(card(page, tagged)).to_be_visible()
    expect(column(page, first["name"])).to_contain_text("1 lead")
    expect(page).to_have_url(re.compile(f"tag={tag}"))
    page.reload()
    expect(card(page, tagged)).to_be_visible()
    expect(card(page, plain)).to_have_count(0)

    page.get_by_label("Pipeline").select_option(str(other_pipeline["id"]))
    expect(column(page, f"Talks {suffix}")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    expect(card(page, partner)).to_be_visible()
    expect(column(page, f"Talks {suffix}")).to_contain_text("1 lead")


def sign_in(page: Page, server: KanboServer, email: str, password: str, path: str) -> None:
    page.goto(f"/login?next={path}")
    page.locator("#subdomain").fill(server.subdomain)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator('form[action="/login"] [type="submit"]').click()
    page.wait_for_url(re.compile(re.escape(path)))


def test_a_user_with_own_rights_sees_only_their_leads(page: Page, api: httpx.Client, kanbo_server: KanboServer):
    suffix = unique()
    email, password = f"own-{suffix}@example.com", "own-user-password"
    own = {"view": "M", "edit": "M", "add": "A", "delete": "M", "export": "M"}
    created = api.post("/api/v4/users", json=[{"email": email, "password": password, "name": f"Olga {suffix}",
                                                 "rights": {"leads": own}}])
    assert created.status_code == 200, created.text
    user_id = created.json()["_embedded"]["users"][0]["id"]
    first = stages(api)[0]
    mine = f"Olga's deal {suffix}"
    theirs = f"Admin's deal {suffix}"
    add_lead(api, name=mine, status_id=first["id"], responsible_user_id=user_id)
    add_lead(api, name=theirs, status_id=first["id"])

    sign_in(page, kanbo_server, email, password, f"/board?q={suffix}")
    expect(card(page, mine)).to_be_visible()
    expect(card(page, theirs)).to_have_count(0)
    expect(column(page, first["name"])).to_contain_text("1 lead")
    page.goto(f"/leads?q={suffix}")
    expect(page.get_by_role("link", name=mine)).to_be_visible()
    expect(page.get_by_role("link", name=theirs)).to_have_count(0)


def test_a_change_through_the_api_reaches_an_open_board(signed_in_page: Page, api: httpx.Client):
    first, second = stages(api)[:2]
    name = f"Live deal {unique()}"
    page = signed_in_page
    page.goto("/board")
    expect(column(page, first["name"])).to_be_visible()
    lead_id = add_lead(api, name=name, status_id=first["id"])
    expect(column(page, first["name"]).get_by_role("article", name=name)).to_be_visible()
    assert api.patch(f"/api/v4/leads/{lead_id}", json={"status_id": second["id"], "price": 990}).status_code == 200
    moved = column(page, second["name"]).get_by_role("article", name=name)
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("990")
    expect(column(page, first["name"]).get_by_role("article", name=name)).to_have_count(0)


def test_the_board_in_spanish(signed_in_page: Page, api: httpx.Client, kanbo_server: KanboServer):
    page = signed_in_page
    page.goto("/board")
    expect(page.get_by_role("article").first).to_be_visible()
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith("/api/session")) as saved:
        page.get_by_label("Language").select_option("es")
    try:
        assert saved.value.status == 200
        assert api.get(f"/api/v4/users/{kanbo_server.user_id}").json()["lang"] == "es"  # kept on the user
        page.reload()
        expect(page.get_by_label("Embudo")).to_be_visible()
        expect(page.get_by_label("Buscar leads")).to_be_visible()
        expect(page.get_by_role("region", name=re.compile(r": \d+ leads?$")).first).to_be_visible()
        expect(page.get_by_text("Cargando…")).to_have_count(0)
        snap(page, "board-es")
    finally:  # the demo admin is every browser test's user: leave English for the others
        assert api.patch(f"/api/v4/users/{kanbo_server.user_id}", json={"lang": "en"}).status_code == 200


def test_on_a_phone_the_columns_scroll_sideways(signed_in_page: Page, api: httpx.Client):
    first = stages(api)[0]
    name = f"Phone deal {unique()}"
    add_lead(api, name=name, status_id=first["id"])
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/board")
    expect(card(page, name)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0  # the page itself does not scroll sideways: the columns do
    snap(page, "board-phone")
