"""The web UI's files (kanbo.web.spa): index.html for client routes, immutable hashed assets, and the
server's own pages, API answers and 404s left as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.auth.conftest import sign_in

INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head>' \
        '<body><div id="root"></div></body></html>'
SCRIPT = "console.log('kanbo')"
UI_ROUTES = ["/", "/board", "/leads", "/leads/12", "/contacts/3/notes", "/companies", "/tasks", "/incoming",
             "/settings/users", "/leads/12/no/such/screen"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def built(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in build of the UI, served in place of the package's one."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text(SCRIPT)
    (tmp_path / "assets" / "index-abc123.css").write_text("body{}")
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    monkeypatch.setattr(app.state, "web_app_folder", tmp_path, raising=False)
    return tmp_path


@pytest.fixture
def not_built(app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(app.state, "web_app_folder", tmp_path / "app", raising=False)
    return tmp_path / "app"


@pytest.mark.parametrize("path", UI_ROUTES)
async def test_client_routes_answer_the_app(client, built, path):
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_call_recordings_may_play_from_the_telephonys_servers(client, built):
    policy = (await client.get("/leads/12")).headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["media-src"] == "'self' https: http:"
    assert directives["default-src"] == "'self'"  # everything else still comes from this server only
    assert directives["object-src"] == "'none'"


async def test_query_strings_and_head_are_served(client, built):
    assert (await client.get("/leads", params={"query": "x.y"})).text == INDEX
    head = await client.head("/board")
    assert head.status_code == 200 and head.content == b""


async def test_signed_in_visitors_get_the_app_too(client, built, tenant):
    await sign_in(client, tenant)
    assert (await client.get("/")).text == INDEX


async def test_hashed_assets_are_cached_for_good(client, built):
    response = await client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == SCRIPT
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "css" in (await client.get("/assets/index-abc123.css")).headers["content-type"]


@pytest.mark.parametrize("path", ["/assets/index-000000.js", "/assets/", "/assets/../index.html",
                                  "/assets/%2e%2e/index.html", "/assets/..%2findex.html", "/assets/.hidden",
                                  "/favicon.ico", "/index.html", "/%2e%2e/%2e%2e/etc/passwd",
                                  "/leads/%2e%2e/x"])
async def test_missing_files_are_404(client, built, path):
    (built / "assets" / ".hidden").write_text("secret")
    response = await client.get(path)
    assert response.status_code == 404, (path, response.text)
    assert response.headers["content-type"] == "application/problem+json"


async def test_top_level_files_of_the_build_are_served(client, built):
    response = await client.get("/favicon.svg")
    assert response.status_code == 200 and response.text.startswith("<svg")
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/api/v4/nothing", "/api/nothing", "/oauth2/nothing", "/openapi.json/x"])
async def test_unknown_server_paths_stay_problem_404s(client, built, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/definitely/not/here", "/boards", "/wp-login.php", "/x", "/.env"])
async def test_paths_outside_the_apps_sections_are_problem_404s(client, built, path):
    response = await client.get(path)
    assert response.status_code == 404, (path, response.text)
    assert response.headers["content-type"] == "application/problem+json"


def test_the_apps_sections_are_its_screens():
    """APP_SECTIONS is exactly the first segments of the screens in web/src/App.tsx (a new screen must be added, a
    removed one taken out)."""
    import re

    from kanbo.web.spa import APP_SECTIONS

    app = (REPO / "web" / "src" / "App.tsx").read_text()
    screens = {match.split("/")[0] for match in re.findall(r'^\s*\{ path: "([^"]+)", load:', app, re.MULTILINE)}
    assert screens == APP_SECTIONS


async def test_other_methods_are_not_taken_by_the_app(client, built, tenant):
    assert (await client.post("/board", json={})).status_code == 404
    assert (await client.delete("/")).status_code == 404
    wrong_method = await client.put("/api/v4/leads", headers=tenant.headers, json={})
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["allow"]


async def test_server_pages_are_not_shadowed(client, built):
    login = await client.get("/login")
    assert login.status_code == 200 and 'action="/login"' in login.text
    assert (await client.get("/api/docs")).text.count("SwaggerUIBundle") >= 1
    assert (await client.get("/openapi.json")).json()["info"]["title"] == "Kanbo"
    docs = await client.get("/docs")
    assert docs.status_code in (302, 307) and docs.headers["location"] == "/api/docs"
    assert (await client.get("/api/session")).status_code == 401
    assert (await client.get("/api/v4/leads")).status_code == 401
    consent = await client.get("/oauth", params={"client_id": "nobody"})
    assert consent.status_code == 400 and "text/html" in consent.headers["content-type"]
    assert (await client.get("/api/docs/assets/swagger-ui.css")).status_code == 200


@pytest.mark.parametrize("path", ["/", "/board", "/settings"])
async def test_without_a_build_the_ui_routes_say_how_to_build_it(client, not_built, path):
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "not built" in response.text
    assert "make setup" in response.text and "Node.js 20" in response.text
    assert 'href="/api/docs"' in response.text
    assert (await client.get("/assets/index-abc123.js")).status_code == 404


def test_the_package_ships_the_built_app():
    """pyproject's package data takes every file of the build, nested folders included."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["kanbo"]
    assert "web/static/app/**" in data
